/**
 * `csrl xpc-codegen`: the editor's generator on the command line, with the
 * same refusal of requirements that have errors or security findings.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { generateXpcCode } from '../../language-service/xpc-codegen/index.js';
import { REPO } from '../e2e/harness.js';
import { runCli } from '../support/cli.js';

const DEV_ID = path.join(REPO, 'examples', 'developer-id.csreq');

describe('csrl xpc-codegen', () => {
  it('prints the same code as the editor for the requirement of a file (comments around it left out)', async () => {
    const r = await runCli(['xpc-codegen', '--language', 'c', '--target', '12', DEV_ID]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const text = 'identifier "com.example.helper"\n  and anchor apple generic\n  and certificate 1[field.1.2.840.113635.100.6.2.6] /* Developer ID CA */\n  and certificate leaf[field.1.2.840.113635.100.6.1.13] // Developer ID Application\n  and certificate leaf[subject.OU] = "ABCDE12345"';
    assert.equal(r.stdout, generateXpcCode(text, { language: 'c', family: 'xpc', target: '12' }).code);
    assert.match(r.stdout, /xpc_connection_set_peer_lightweight_code_requirement/);
  });

  it('--api nsxpc and Swift', async () => {
    const r = await runCli(['xpc-codegen', '--language', 'swift', '--api', 'nsxpc', '--target', '11', '-e', 'identifier "a" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /if #available\(macOS 13\.0, \*\) \{\n\s+\/\/ The system checks/);
  });

  it('refuses a requirement with errors or security findings (exit 1, findings on stderr) unless --force', async () => {
    const weak = await runCli(['xpc-codegen', '--language', 'objc', '--target', '13', '-e', 'identifier "com.example.client"']);
    assert.equal(weak.code, 1);
    assert.equal(weak.stdout, '');
    assert.match(weak.stderr, /<text>:1:1: \w+: .* \[CSR101\]/);
    assert.match(weak.stderr, /not generated: the requirement has 0 error\(s\) and \d+ security finding\(s\); --force generates anyway/);
    const forced = await runCli(['xpc-codegen', '--language', 'objc', '--target', '13', '--force', '-e', 'identifier "com.example.client"']);
    assert.equal(forced.code, 0);
    assert.match(forced.stdout, /static const char \*const kClientRequirement = "identifier \\"com\.example\.client\\"";/);
    const broken = await runCli(['xpc-codegen', '--language', 'c', '--target', '11', '-e', 'identifier "x']);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /error: .*\[CSR0\d\d\]/);
  });

  it('usage errors: missing or unknown language, API or target, C with NSXPCConnection', async () => {
    for (const args of [
      ['--target', '12', '-e', 'anchor apple'],
      ['--language', 'rust', '--target', '12', '-e', 'anchor apple'],
      ['--language', 'c', '-e', 'anchor apple'],
      ['--language', 'c', '--target', '10.15', '-e', 'anchor apple'],
      ['--language', 'c', '--api', 'nsxpc', '--target', '12', '-e', 'anchor apple'],
      ['--language', 'swift', '--api', 'mig', '--target', '12', '-e', 'anchor apple'],
    ]) {
      const r = await runCli(['xpc-codegen', ...args]);
      assert.equal(r.code, 64, args.join(' '));
      assert.match(r.stderr, /^csrl xpc-codegen: /);
    }
    const help = await runCli(['xpc-codegen', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--target V {8}the oldest macOS the service supports: 26, 14\.4, 13, 12, 11/);
  });
});
