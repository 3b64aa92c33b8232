/**
 * The real macOS test of the native validator, run by .github/workflows/macos.yml
 * (it cannot run on Linux): Apple's verdicts on known code.
 *
 *   node out/native/macos-smoke.js [--developer-id PATH]
 *
 * --developer-id names the executable of @sentry/cli-darwin@3.8.0 (the
 * project's fixtures spec records its signature), a Developer ID signed,
 * notarized universal binary.
 */
import assert from 'node:assert/strict';
import { toHex } from '../grammar/bytes.js';
import { loadNative, type AppleCheck, type Unsupported } from './index.js';

const SENTRY_DR =
  'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"';
const SENTRY_DR_BLOB =
  'fade0c00000000a80000000100000006000000020000001b73656e7472792d636c692d44617277696e2d756e6976657273616c00000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000';

function supported<T extends { supported: true }>(r: T | Unsupported, what: string): T {
  if (!r.supported) throw new Error(`${what}: unsupported: ${r.reason}`);
  return r;
}

function show(label: string, r: AppleCheck): void {
  const s = r.result ?? r.requirementError;
  process.stdout.write(`${label}: satisfied=${r.satisfied} ${s ? `${s.status} ${s.name} ${s.errorText ?? s.message}` : ''}\n`);
}

async function main(argv: string[]): Promise<number> {
  const native = loadNative();
  if (process.platform !== 'darwin') {
    process.stderr.write('macos-smoke: macOS only\n');
    return 2;
  }
  assert.equal(native.available, true, `addon not available: ${native.reason}`);
  assert.equal(native.backend, 'security-framework');

  // Apple's compiler as parity oracle.
  const parsed = supported(await native.parseRequirement('anchor apple'), 'parseRequirement');
  assert.equal(parsed.accepted, true);
  assert.equal(toHex(parsed.bytes!), 'fade0c00000000100000000100000003');
  assert.equal(parsed.text, 'anchor apple');
  const rejected = supported(await native.parseRequirement('identifier com.foo-bar'), 'parseRequirement');
  assert.equal(rejected.accepted, false);
  assert.equal(rejected.result.status, -67052);
  assert.equal(rejected.result.name, 'errSecCSReqInvalid');
  process.stdout.write(`Apple rejects 'identifier com.foo-bar': ${JSON.stringify(rejected.result.syntaxErrors ?? rejected.result.errorText)}\n`);

  // /bin/ls is Apple's own code.
  const ls = supported(await native.checkPath('/bin/ls', 'anchor apple'), 'checkPath');
  show('/bin/ls vs anchor apple', ls);
  assert.equal(ls.satisfied, true);
  const lsTeam = supported(await native.checkPath('/bin/ls', 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"'), 'checkPath');
  show('/bin/ls vs a third-party team', lsTeam);
  assert.equal(lsTeam.satisfied, false);
  assert.equal(lsTeam.result?.name, 'errSecCSReqFailed');
  const bad = supported(await native.checkPath('/bin/ls', 'anchor applle'), 'checkPath');
  assert.ok(bad.requirementError, 'a requirement Apple cannot compile is reported as such');

  // PID 1 (launchd): a live Apple platform binary.
  const launchd = supported(await native.checkProcess(1, 'anchor apple'), 'checkProcess');
  show('PID 1 vs anchor apple', launchd);
  assert.equal(launchd.satisfied, true);
  assert.match(launchd.note ?? '', /point-in-time/);
  assert.ok(launchd.codeSigningFlags?.names.includes('CS_VALID'), JSON.stringify(launchd.codeSigningFlags));
  const launchdInfo = supported(await native.signingInformation({ pid: 1 }), 'signingInformation');
  assert.equal(launchdInfo.signing?.identifier, 'com.apple.xpc.launchd');

  // This process: its designated requirement must be satisfied, dynamically and on disk.
  const self = supported(await native.signingInformation({ pid: process.pid }), 'signingInformation');
  const dr = self.signing?.designatedRequirement?.text;
  process.stdout.write(`node's designated requirement: ${dr}\n`);
  if (dr) {
    const selfCheck = supported(await native.checkProcess(process.pid, dr), 'checkProcess');
    show('this process vs its DR', selfCheck);
    assert.equal(selfCheck.satisfied, true);
    assert.equal(selfCheck.staticResult?.status, 0);
  }
  const identity = await native.processIdentity(process.pid);
  assert.ok(identity.uniqueId, 'macOS reports the unique process id');

  // A Developer ID app (universal, notarized).
  const at = argv.indexOf('--developer-id');
  if (at >= 0) {
    const file = argv[at + 1]!;
    const check = supported(await native.checkPath(file, SENTRY_DR), 'checkPath');
    show(`${file} vs its recorded DR`, check);
    assert.equal(check.satisfied, true);
    const info = supported(await native.signingInformation({ path: file }), 'signingInformation');
    assert.equal(info.signing?.teamIdentifier, '97JCY7859U');
    assert.equal(info.signing?.identifier, 'sentry-cli-Darwin-universal');
    assert.equal(toHex(info.signing!.designatedRequirement!.bytes!), SENTRY_DR_BLOB);
    const wrongTeam = supported(await native.checkPath(file, 'anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"'), 'checkPath');
    assert.equal(wrongTeam.result?.name, 'errSecCSReqFailed');
  }
  process.stdout.write('macos-smoke: ok\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`macos-smoke: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
