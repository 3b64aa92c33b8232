import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// The native tests again, against an AddressSanitizer + UBSan build of the
// addon, so memory errors in the C++ fail the suite instead of going unseen.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('native addon tests pass under AddressSanitizer and UBSan', { skip: process.platform !== 'linux' ? 'the sanitizer build script targets Linux' : false, timeout: 600_000 }, () => {
  const r = spawnSync('bash', [path.join(root, 'scripts', 'native-asan.sh')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `scripts/native-asan.sh failed (exit ${r.status}):\n${(r.stdout ?? '').slice(-4000)}\n${(r.stderr ?? '').slice(-4000)}`);
  assert.match(r.stdout, /native-asan: ok/);
});
