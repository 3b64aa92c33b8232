/**
 * End-to-end tests in a real VS Code (code-server 4.100.3) driven by
 * Playwright in Debian's Chromium:
 * 1. the integration suite (test/e2e/suite) inside the extension host, loaded
 *    through the workbench's extensionTestsPath payload;
 * 2. UI steps as a person would do them, with the packaged .vsix installed, and
 *    a PNG screenshot of every step in test/artifacts/e2e/.
 *
 * Never skipped silently: without Chromium or the cached code-server this
 * fails and says what to install. CSRL_E2E=off skips it explicitly.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture } from '../support/fixtures.js';
import { chooseInFileDialog } from './quick-input.js';
import { ARTIFACTS, extensionHostLog, launchBrowser, missingPrerequisites, newRunDir, REPO, startCodeServer, toolsDir } from './harness.js';

const run = promisify(execFile);
const off = process.env['CSRL_E2E'] === 'off';
const shots = path.join(ARTIFACTS, 'e2e');

test('end-to-end in a real VS Code (code-server + Chromium)', { skip: off ? 'CSRL_E2E=off is set' : false, timeout: 600_000 }, async (t) => {
  const missing = await missingPrerequisites();
  assert.deepEqual(missing, [], `The end-to-end tests need:\n  - ${missing.join('\n  - ')}\n(or set CSRL_E2E=off to skip them explicitly)`);
  const tools = (await toolsDir()).dir;
  const binary = await fixture('@sentry/cli-darwin@3.8.0');
  const runDir = newRunDir();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const vsix = path.join(runDir, 'csrl.vsix');
  const t0 = Date.now();
  await run(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), '--e2e', '--package', '--out', vsix], { cwd: REPO, timeout: 120_000 });
  t.diagnostic(`bundled and packaged in ${Date.now() - t0} ms`);
  const workspace = path.join(runDir, 'ws');
  // Its own copy of examples/ (never the tracked files; without fetched samples, which the UI test does not need).
  cpSync(path.join(REPO, 'examples'), workspace, { recursive: true, filter: (src) => path.relative(path.join(REPO, 'examples'), src).split(path.sep)[0] !== 'samples' });
  mkdirSync(path.join(runDir, 'scratch'), { recursive: true });
  const browser = await launchBrowser(tools);
  try {
    await t.test('integration suite inside the extension host', async () => {
      const cs = await startCodeServer(tools, runDir, 'it', {
        workspace,
        env: { CSRL_E2E_WORKSPACE: workspace, CSRL_E2E_FIXTURE: binary, CSRL_E2E_OUT: path.join(runDir, 'scratch') },
      });
      const lines: string[] = [];
      try {
        const page = await (await browser.newContext()).newPage();
        let exit: (code: number) => void = () => undefined;
        const exited = new Promise<number>((resolve) => (exit = resolve));
        await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
          lines.push(`${type}: ${(Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
        });
        await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
        const payload = [
          ['extensionDevelopmentPath', cs.remote(REPO)],
          ['extensionTestsPath', cs.remote(path.join(REPO, '.cache', 'e2e', 'suite.cjs'))],
        ];
        await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([exited, new Promise<number>((r) => (timer = setTimeout(() => r(-1), 120_000)))]);
        clearTimeout(timer);
        await page.screenshot({ path: path.join(shots, '00-integration-end.png') });
        const report = lines.filter((l) => /ok - |# \d|activation took|Error|at /.test(l)).join('\n');
        t.diagnostic(report);
        assert.equal(code, 0, `integration suite exit code ${code}:\n${lines.join('\n')}\n--- extension host log ---\n${extensionHostLog(cs.userData)}`);
        assert.match(lines.join('\n'), /# (\d+)\/\1 passed/);
      } finally {
        await cs.stop();
      }
    });

    await t.test('UI: squiggle, Problems, hover, test against a binary, results view, read-only results', async () => {
      const cs = await startCodeServer(tools, runDir, 'ui', { workspace, vsix });
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
      let step = 0;
      const shot = async (name: string) => page.screenshot({ path: path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`) });
      try {
        const payload = [['openFile', cs.remote(path.join(workspace, 'insecure.csreq'))]];
        await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
        await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
        await shot('insecure-squiggle');

        await page.keyboard.press('Control+Shift+M');
        const problems = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'CSR101' });
        await problems.first().waitFor({ timeout: 15_000 });
        await shot('problems-panel');
        assert.ok((await page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'CSR012' }).count()) > 0, 'CSR012 in Problems');

        await page.locator('.monaco-editor .view-line').filter({ hasText: '9ABCDE1234' }).first().click();
        await page.keyboard.press('End');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const hover = page.locator('.monaco-hover').filter({ hasText: /quoted/ });
        await hover.first().waitFor({ timeout: 15_000 });
        await shot('hover-explanation');
        await page.keyboard.press('Escape');

        await page.keyboard.press('Control+P');
        await page.keyboard.type('developer-id.csreq', { delay: 10 });
        await page.waitForTimeout(500);
        await page.keyboard.press('Enter');
        await page.locator('.monaco-editor .view-line').filter({ hasText: 'anchor apple generic' }).first().waitFor({ timeout: 15_000 });
        await shot('developer-id-open');

        await page.keyboard.press('Control+J'); // hide the panel: room for the results view
        await page.keyboard.press('F1');
        await page.keyboard.type('Test requirement against app or binary', { delay: 5 });
        await page.waitForTimeout(400);
        await shot('command-palette');
        await page.keyboard.press('Enter');
        // VS Code's simple file dialog: a quick input holding a path.
        await chooseInFileDialog(page, binary, () => shot('file-dialog'));

        const failing = page.locator('.monaco-list-row').filter({ hasText: /✘ identifier "com\.example\.helper"/ });
        await failing.first().waitFor({ timeout: 60_000 });
        // The marks are CSS ::after content of decoration spans; the function runs in the page.
        const marks = (await page.evaluate(
          new Function(`const out = [];
            for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
              const c = getComputedStyle(el, '::after').content;
              if (c && c !== 'none' && c !== 'normal') out.push(c);
            }
            return out;`) as () => string[],
        )) as string[];
        await shot('results-and-marks');
        assert.ok(marks.some((m) => m.includes('✘')), `a ✘ mark in the editor (marks: ${marks.join(' ')})`);
        assert.ok(marks.some((m) => m.includes('✔')), `a ✔ mark in the editor (marks: ${marks.join(' ')})`);
        assert.ok((await page.locator('.monaco-list-row').filter({ hasText: /✔ anchor apple generic/ }).count()) > 0, 'the results view lists the passing clause');
        const lens = page.locator('.monaco-editor .codelens-decoration').filter({ hasText: /✘ fails for sentry-cli/ });
        await lens.first().waitFor({ timeout: 15_000 }).catch(async (err: Error) => {
          const all = (await page.evaluate(new Function(`return [...document.querySelectorAll('.codelens-decoration')].map((e) => e.textContent)`) as () => string[])) as string[];
          throw new Error(`${err.message}\ncode lenses shown: ${JSON.stringify(all)}`);
        });

        await page.locator('.monaco-editor .view-line').filter({ hasText: 'subject.OU' }).first().click();
        await page.keyboard.press('End');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        await page.locator('.monaco-hover').filter({ hasText: /97JCY7859U/ }).first().waitFor({ timeout: 15_000 });
        await shot('hover-on-failing-clause');
        await page.keyboard.press('Escape');

        // Results open as read-only documents: a tab named after the result, never an "Untitled-N" buffer, and closing asks nothing.
        const tabs = page.locator('.tabs-container .tab');
        const untitled = () => tabs.filter({ hasText: /Untitled/ }).count();
        await page.keyboard.press('F1');
        await page.keyboard.type('Generate XPC validation code', { delay: 5 });
        await page.waitForTimeout(400);
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'C — libxpc' }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.type('C — libxpc', { delay: 5 });
        await page.waitForTimeout(300);
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: 'macOS 12' }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.type('macOS 12', { delay: 5 });
        await page.waitForTimeout(300);
        await shot('xpc-target-picker');
        await page.keyboard.press('Enter');
        const xpcTab = tabs.filter({ hasText: 'XPC validation (c, macOS 12).c' });
        await xpcTab.first().waitFor({ timeout: 30_000 });
        await page.locator('.monaco-editor .view-line').filter({ hasText: 'xpc_connection_set_peer_lightweight_code_requirement' }).first().waitFor({ timeout: 15_000 }).catch(() => undefined);
        await page.waitForTimeout(500);
        await shot('xpc-code-read-only');
        assert.equal(await untitled(), 0, 'no Untitled tab');
        await page.keyboard.press('Control+W');
        await page.waitForTimeout(800);
        assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'closing the generated code asks nothing');
        assert.equal(await xpcTab.count(), 0, 'the tab closed');

        // A requirement with findings: the generator asks first (modal), and Cancel generates nothing.
        await page.keyboard.press('Control+P');
        await page.keyboard.type('insecure.csreq', { delay: 10 });
        await page.waitForTimeout(500);
        await page.keyboard.press('Enter');
        await page.locator('.monaco-editor .view-line').filter({ hasText: '9ABCDE1234' }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.press('F1');
        await page.keyboard.type('Generate XPC validation code', { delay: 5 });
        await page.waitForTimeout(400);
        await page.keyboard.press('Enter');
        const question = page.locator('.monaco-dialog-box').filter({ hasText: /Generate XPC validation code anyway\?/ });
        await question.first().waitFor({ timeout: 15_000 });
        await shot('xpc-question');
        const asked = await question.first().innerText();
        assert.match(asked, /CSR012/, 'the question lists the error');
        assert.match(asked, /CSR101/, 'and the security finding');
        await page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: 'Cancel' }).first().click();
        await page.waitForTimeout(500);
        assert.equal(await page.locator('.quick-input-widget').filter({ hasText: 'language and API' }).first().isVisible(), false, 'Cancel: no picker');
        assert.equal(await tabs.filter({ hasText: 'XPC validation' }).count(), 0, 'Cancel: no code');
        // Back to the requirement without errors for the steps below.
        await page.keyboard.press('Control+P');
        await page.keyboard.type('developer-id.csreq', { delay: 10 });
        await page.waitForTimeout(500);
        await page.keyboard.press('Enter');
        await page.locator('.monaco-editor .view-line').filter({ hasText: 'anchor apple generic' }).first().waitFor({ timeout: 15_000 });

        await page.keyboard.press('F1');
        await page.keyboard.type('Show signing information', { delay: 5 });
        await page.waitForTimeout(400);
        await page.keyboard.press('Enter');
        // The binary tested above is a recent target now.
        await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: path.basename(binary) }).first().waitFor({ timeout: 15_000 });
        await page.keyboard.type(path.basename(binary), { delay: 5 });
        await page.waitForTimeout(300);
        await page.keyboard.press('Enter');
        const infoTab = tabs.filter({ hasText: `Signing information — ${path.basename(binary)}` });
        await infoTab.first().waitFor({ timeout: 30_000 });
        await page.locator('.monaco-editor .view-line').filter({ hasText: 'Identifier=' }).first().waitFor({ timeout: 15_000 });
        await shot('signing-information-read-only');
        assert.equal(await untitled(), 0, 'no Untitled tab');
        assert.equal(await page.locator('.monaco-editor .view-line').filter({ hasText: 'csrl info:' }).count(), 0, 'no CLI error line');
        await page.keyboard.press('Control+W');
        await page.waitForTimeout(800);
        assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'closing signing information asks nothing');

        // The process picker lists live processes (native addon) with their user, as `csrl ps`, and takes a typed PID. The
        // test runner is a Linux ELF process, so the check ends in an actionable error.
        await page.keyboard.press('F1');
        await page.keyboard.type('Test requirement against running process', { delay: 5 });
        await page.waitForTimeout(400);
        await page.keyboard.press('Enter');
        await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: new RegExp(`\\d+  ${userInfo().username}`) }).first().waitFor({ timeout: 15_000 });
        // On Linux the picker says first that processes here are ELF programs, and lists no kernel threads.
        const note = page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: /No Apple code signatures here/ });
        await note.first().waitFor({ timeout: 15_000 });
        await shot('process-picker-linux-note');
        assert.equal(await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: /kthreadd/ }).count(), 0, 'no kernel thread listed');
        await page.keyboard.type(String(process.pid), { delay: 5 });
        await page.locator('.quick-input-widget .monaco-list-row').filter({ hasText: `PID ${process.pid}` }).first().waitFor({ timeout: 15_000 });
        await shot('process-picker');
        await page.keyboard.press('Enter');
        const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /cannot be checked/ });
        await toast.first().waitFor({ timeout: 30_000 });
        await page.waitForTimeout(500); // the toast fades in
        const message = await toast.first().innerText();
        assert.match(message, /^\/\S*node, the executable of process \d+, cannot be checked: a Linux \(ELF\) executable or library; it carries no Apple code signature/m, 'one sentence in the engine\'s words (as csrl check --pid): the file, whose it is, and that it is an ELF program, without an internal error prefix');
        await shot('process-error-message');
      } catch (err) {
        await shot('failure').catch(() => undefined);
        throw new Error(`${(err as Error).message}\n--- extension host log ---\n${extensionHostLog(cs.userData)}`);
      } finally {
        await cs.stop();
      }
    });

    await t.test('UI in Restricted Mode: editing features work, binaries are not read', async () => {
      const cs = await startCodeServer(tools, runDir, 'rm', { workspace, vsix, trust: true });
      const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
      let step = 0;
      const shot = async (name: string) => page.screenshot({ path: path.join(shots, `rm-${String(++step).padStart(2, '0')}-${name}.png`) });
      try {
        const payload = [['openFile', cs.remote(path.join(workspace, 'insecure.csreq'))]];
        await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
        const distrust = page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: /No, I don.t trust/ });
        await distrust.first().waitFor({ timeout: 60_000 });
        await shot('trust-prompt');
        await distrust.first().click();
        await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 60_000 });
        await shot('restricted-squiggle');
        await page.keyboard.press('F1');
        await page.keyboard.type('Test requirement against app or binary', { delay: 5 });
        await page.waitForTimeout(400);
        await page.keyboard.press('Enter');
        const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: /Restricted Mode/ });
        await toast.first().waitFor({ timeout: 15_000 });
        await page.waitForTimeout(500);
        await shot('restricted-message');
        // No file dialog was opened for the command.
        assert.equal(await page.locator('.quick-input-widget').filter({ hasText: 'Test requirement against app or binary' }).first().isVisible(), false);
      } catch (err) {
        await shot('failure').catch(() => undefined);
        throw new Error(`${(err as Error).message}\n--- extension host log ---\n${extensionHostLog(cs.userData)}`);
      } finally {
        await cs.stop();
      }
    });
  } finally {
    await browser.close();
    t.diagnostic(`e2e run took ${Math.round((Date.now() - t0) / 1000)} s; screenshots in ${path.relative(REPO, shots)}`);
    rmSync(runDir, { recursive: true, force: true });
  }
});
