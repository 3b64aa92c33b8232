/**
 * Lightweight code requirements in a real VS Code (code-server 4.100.3 driven
 * by Playwright in Debian's Chromium), as a person would use them: a launchd
 * plist with a weak `SpawnConstraint` shows the CSR114 warning, its quick fix
 * adds `validation-category` 6, and "Test LWCR against app or binary" on a
 * signed fixture shows the results view and the clause marks. A PNG of every
 * step goes to test/artifacts/e2e-lwcr/.
 *
 * Never skipped silently: without Chromium or the cached code-server this
 * fails and says what to install. CSRL_E2E=off skips it explicitly.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { fixture } from '../support/fixtures.js';
import { ARTIFACTS, extensionHostLog, launchBrowser, missingPrerequisites, newRunDir, REPO, startCodeServer, toolsDir } from './harness.js';

const run = promisify(execFile);
const off = process.env['CSRL_E2E'] === 'off';
const shots = path.join(ARTIFACTS, 'e2e-lwcr');

/** Sentry's Developer ID team, which signs the fixture. */
const TEAM = '97JCY7859U';
const LAUNCHD = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>Label</key>
\t<string>io.sentry.cli-helper</string>
\t<key>ProgramArguments</key>
\t<array>
\t\t<string>/usr/local/bin/sentry-cli</string>
\t</array>
\t<key>SpawnConstraint</key>
\t<dict>
\t\t<key>team-identifier</key>
\t\t<string>${TEAM}</string>
\t</dict>
</dict>
</plist>
`;

test('LWCR end-to-end in a real VS Code: weak SpawnConstraint, quick fix, test against a binary', { skip: off ? 'CSRL_E2E=off is set' : false, timeout: 420_000 }, async (t) => {
  const missing = await missingPrerequisites();
  assert.deepEqual(missing, [], `The end-to-end tests need:\n  - ${missing.join('\n  - ')}\n(or set CSRL_E2E=off to skip them explicitly)`);
  const tools = (await toolsDir()).dir;
  const binary = await fixture('@sentry/cli-darwin@3.8.0');
  const runDir = newRunDir();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  const vsix = path.join(runDir, 'csrl.vsix');
  const t0 = Date.now();
  await run(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), '--e2e', '--package', '--out', vsix], { cwd: REPO, timeout: 180_000 });
  t.diagnostic(`bundled and packaged in ${Date.now() - t0} ms`);
  const workspace = path.join(runDir, 'ws');
  mkdirSync(workspace, { recursive: true });
  const plist = path.join(workspace, 'io.sentry.cli-helper.plist');
  writeFileSync(plist, LAUNCHD);
  const browser = await launchBrowser(tools);
  const cs = await startCodeServer(tools, runDir, 'lwcr', { workspace, vsix });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  let step = 0;
  const shot = async (name: string) => page.screenshot({ path: path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`) });
  try {
    const payload = [['openFile', cs.remote(plist)]];
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.waitForSelector('.monaco-editor .squiggly-warning', { timeout: 60_000 });
    await shot('weak-spawn-constraint-squiggle');

    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row').filter({ hasText: 'CSR114' });
    await problem.first().waitFor({ timeout: 15_000 });
    assert.match(await problem.first().innerText(), /validation-category/);
    await shot('problems-panel');

    // Hover on the fact: what it means, static or not, which OS.
    await page.locator('.monaco-editor .view-line').filter({ hasText: '<key>team-identifier</key>' }).first().click();
    await page.keyboard.press('Home');
    await page.keyboard.press('End');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await page.locator('.monaco-hover').filter({ hasText: /LWCR fact/ }).filter({ hasText: /SpawnConstraint/ }).first().waitFor({ timeout: 15_000 });
    await shot('hover-on-fact');
    await page.keyboard.press('Escape');

    // The quick fix: Ctrl+. on the flagged key, then the Developer ID fix.
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row, .action-widget .action-item').filter({ hasText: /validation-category. 6 \(Developer ID\)/ });
    await fix.first().waitFor({ timeout: 15_000 });
    await shot('quick-fix-menu');
    // The menu's pointer block swallows clicks: the preferred fix is focused, Enter applies it.
    assert.match(await page.locator('.action-widget .monaco-list-row.focused').first().innerText(), /validation-category. 6 \(Developer ID\)/);
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-line').filter({ hasText: '<key>validation-category</key>' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Control+S');
    // The warning goes away once the server has analysed the fixed text.
    await problem.first().waitFor({ state: 'detached', timeout: 15_000 });
    await shot('quick-fix-applied');
    const saved = readFileSync(plist, 'utf8');
    assert.match(saved, /<key>team-identifier<\/key>\n\t\t<string>97JCY7859U<\/string>\n\t\t<key>validation-category<\/key>\n\t\t<integer>6<\/integer>\n\t<\/dict>/);

    await page.keyboard.press('Control+J'); // hide the panel: room for the results view
    await page.keyboard.press('F1');
    await page.keyboard.type('Test LWCR against app or binary', { delay: 5 });
    await page.waitForTimeout(400);
    await shot('command-palette');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.quick-input-widget input', { timeout: 15_000 });
    await page.waitForTimeout(500);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(binary, { delay: 2 });
    await page.waitForTimeout(500);
    await shot('file-dialog');
    await page.keyboard.press('Enter');

    const passing = page.locator('.monaco-list-row').filter({ hasText: new RegExp(`✔ team-identifier = "${TEAM}"`) });
    await passing.first().waitFor({ timeout: 90_000 });
    assert.ok((await page.locator('.monaco-list-row').filter({ hasText: /✔ validation-category = 6/ }).count()) > 0, 'the results view lists the category clause');
    const marks = (await page.evaluate(
      new Function(`const out = [];
        for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
          const c = getComputedStyle(el, '::after').content;
          if (c && c !== 'none' && c !== 'normal') out.push(c);
        }
        return out;`) as () => string[],
    )) as string[];
    await shot('results-and-marks');
    assert.ok(marks.filter((m) => m.includes('✔')).length >= 2, `✔ marks on both clauses in the editor (marks: ${marks.join(' ')})`);
    const lens = page.locator('.monaco-editor .codelens-decoration').filter({ hasText: /✔ satisfied by sentry-cli/ });
    await lens.first().waitFor({ timeout: 15_000 });
    await shot('code-lens');
  } catch (err) {
    await shot('failure').catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- extension host log ---\n${extensionHostLog(cs.userData)}`);
  } finally {
    await cs.stop();
    await browser.close();
    t.diagnostic(`LWCR e2e took ${Math.round((Date.now() - t0) / 1000)} s; screenshots in ${path.relative(REPO, shots)}`);
    rmSync(runDir, { recursive: true, force: true });
  }
});
