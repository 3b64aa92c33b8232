import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs every benchmark, each in its own process so one's warm caches and
 * loaded modules do not flatter the next. Each prints its own ratios against
 * a baseline measured in the same run. `npm run bench -- grammar lint` runs a subset.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const ALL = ['grammar', 'signature', 'lint', 'lsp', 'doctor'];
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = chosen.length > 0 ? chosen : ALL;

let failed = 0;
for (const name of names) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark '${name}' (known: ${ALL.join(', ')})`);
    process.exitCode = 64;
    break;
  }
  console.log(`\n### ${name}`);
  const r = spawnSync(process.execPath, [path.join(here, `${name}.js`)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed > 0) process.exitCode = 1;
