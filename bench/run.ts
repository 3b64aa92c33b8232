import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs every benchmark, each in its own process so one's warm caches and
 * loaded modules do not flatter the next. Each prints its own ratios against
 * a baseline measured in the same run. `npm run bench -- grammar lint` runs a subset;
 * options such as `--runs 3` reach each of them.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const ALL = ['grammar', 'signature', 'lint', 'lsp', 'doctor'];
// Options (`--runs 3`) and their values are passed on to every benchmark run; any other word names a benchmark.
const args = process.argv.slice(2);
const chosen = args.filter((a, i) => !a.startsWith('-') && !(i > 0 && args[i - 1]!.startsWith('-') && !ALL.includes(a)));
const passed = args.filter((a) => !chosen.includes(a));
const names = chosen.length > 0 ? chosen : ALL;

let failed = 0;
for (const name of names) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark '${name}' (known: ${ALL.join(', ')})`);
    process.exitCode = 64;
    break;
  }
  console.log(`\n### ${name}`);
  const r = spawnSync(process.execPath, [path.join(here, `${name}.js`), ...passed], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
if (failed > 0) process.exitCode = 1;
