/**
 * The "Check against the built bundle…" code lens and "Diagnose app
 * bundle…" in a real VS Code (code-server + Chromium), as a person would use
 * them, with the packaged .vsix: an app's Info.plist whose
 * SMPrivilegedExecutables requirement the built helper fails (the helper is
 * signed by another team; bundle made by the test signer into a temporary
 * workspace, removed afterwards). The lens asks for the bundle once (VS
 * Code's file dialog), marks the entry ✘, and the hover names the failing
 * clause; the doctor's report then shows in the results view. In Restricted
 * Mode the lens reads nothing and says why. Screenshots:
 * test/artifacts/e2e-doctor/.
 *
 * Never skipped silently: without Chromium or the cached code-server this
 * fails and says what to install. CSRL_E2E=off skips it explicitly.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { APP_ID, HELPER, makeApp, requirementFor, TEAM_A, TEAM_B, teams } from '../doctor/fixtures.js';
import { chooseInFileDialog } from './quick-input.js';
import { ARTIFACTS, extensionHostLog, launchBrowser, missingPrerequisites, newRunDir, REPO, startCodeServer, toolsDir, type Page } from './harness.js';

const run = promisify(execFile);
const off = process.env['CSRL_E2E'] === 'off';
const shots = path.join(ARTIFACTS, 'e2e-doctor');

const INFO_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>CFBundleIdentifier</key>
\t<string>${APP_ID}</string>
\t<key>SMPrivilegedExecutables</key>
\t<dict>
\t\t<key>${HELPER}</key>
\t\t<string>${requirementFor(HELPER, TEAM_A)}</string>
\t</dict>
</dict>
</plist>
`;

/** The text of every decoration mark (CSS ::after content) in the editor. */
async function marks(page: Page): Promise<string[]> {
  return (await page.evaluate(
    new Function(`const out = [];
      for (const el of document.querySelectorAll('.monaco-editor .view-lines span')) {
        const c = getComputedStyle(el, '::after').content;
        if (c && c !== 'none' && c !== 'normal') out.push(c);
      }
      return out;`) as () => string[],
  )) as string[];
}

async function lensTexts(page: Page): Promise<string[]> {
  return (await page.evaluate(new Function(`return [...document.querySelectorAll('.codelens-decoration')].map((e) => e.textContent)`) as () => string[])) as string[];
}

/** VS Code's simple file dialog (files.simpleDialog.enable): type a folder, wait until it lists the folder, accept it with the dialog's button. */
async function chooseFolder(page: Page, folder: string, shot: (name: string) => Promise<unknown>): Promise<void> {
  await chooseInFileDialog(page, folder, () => shot('folder-dialog'), () =>
    page.locator('.quick-input-widget .monaco-button').filter({ hasText: 'Use this bundle' }).first().click(),
  );
}

test('e2e: Info.plist code lens checks SMPrivilegedExecutables against the built bundle; doctor in the results view', { skip: off ? 'CSRL_E2E=off is set' : false, timeout: 480_000 }, async (t) => {
  const missing = await missingPrerequisites();
  assert.deepEqual(missing, [], `The end-to-end tests need:\n  - ${missing.join('\n  - ')}\n(or set CSRL_E2E=off to skip them explicitly)`);
  const tools = (await toolsDir()).dir;
  const runDir = newRunDir();
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });
  try {
    const vsix = path.join(runDir, 'csrl.vsix');
    const t0 = Date.now();
    await run(process.execPath, [path.join(REPO, 'scripts', 'bundle.mjs'), '--e2e', '--package', '--out', vsix], { cwd: REPO, timeout: 180_000 });
    t.diagnostic(`bundled and packaged in ${Date.now() - t0} ms`);
    const workspace = path.join(runDir, 'ws');
    mkdirSync(path.join(workspace, 'build'), { recursive: true });
    teams();
    // The app requires its helper from team A; the helper in the build is signed by team B.
    const app = await makeApp(path.join(workspace, 'build'), { helper: { team: 'B' } });
    writeFileSync(path.join(workspace, 'Info.plist'), INFO_PLIST);

    const browser = await launchBrowser(tools);
    const cs = await startCodeServer(tools, runDir, 'doc', { workspace, vsix });
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    let step = 0;
    const shot = async (name: string) => page.screenshot({ path: path.join(shots, `${String(++step).padStart(2, '0')}-${name}.png`) });
    try {
      const payload = [['openFile', cs.remote(path.join(workspace, 'Info.plist'))]];
      await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const lens = page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: 'Check against the built bundle' });
      await lens.first().waitFor({ timeout: 60_000 }).catch(async (err: Error) => {
        throw new Error(`${err.message}\ncode lenses shown: ${JSON.stringify(await lensTexts(page))}`);
      });
      await shot('info-plist-lens');
      await lens.first().click();
      await chooseFolder(page, app.path, shot);

      // The entry gets ✘; hovering it names the failing clause and the fact.
      const deadline = Date.now() + 60_000;
      let seen: string[] = [];
      while (Date.now() < deadline) {
        seen = await marks(page);
        if (seen.some((m) => m.includes('✘'))) break;
        await page.waitForTimeout(300);
      }
      await shot('entry-marked');
      assert.ok(seen.some((m) => m.includes('✘')), `a ✘ mark on the SMPrivilegedExecutables entry (marks: ${seen.join(' ')})`);
      assert.ok(!seen.some((m) => m.includes('✔')), `no ✔ mark (marks: ${seen.join(' ')})`);

      await page.locator('.monaco-editor .view-line').filter({ hasText: 'certificate leaf[subject.OU]' }).first().click();
      await page.keyboard.press('End');
      // Into the requirement (the marked <string> content), past `</string>` and the closing quote.
      for (let i = 0; i < '"</string>'.length + 2; i++) await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      const hover = page.locator('.monaco-hover').filter({ hasText: /smjobbless-helper/ });
      await hover.first().waitFor({ timeout: 15_000 });
      await page.waitForTimeout(300);
      await shot('hover-failing-clause');
      const hoverText = await hover.first().innerText();
      assert.match(hoverText, /not satisfied/);
      assert.ok(hoverText.includes(`certificate leaf[subject.OU] = "${TEAM_A}"`), hoverText);
      assert.ok(hoverText.includes(TEAM_B), `the fact names the helper's team: ${hoverText}`);
      await page.keyboard.press('Escape');

      // Remembered for the workspace: the lens now names the bundle.
      await page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: 'Check against the built bundle… (Tool.app)' }).first().waitFor({ timeout: 15_000 });

      // Diagnose app bundle…: the dialog opens at the remembered bundle; the doctor's report shows in the results view.
      await page.keyboard.press('F1');
      await page.keyboard.type('Diagnose app bundle', { delay: 5 });
      await page.waitForTimeout(400);
      await page.keyboard.press('Enter');
      await chooseFolder(page, app.path, shot);
      const row = page.locator('.monaco-list-row').filter({ hasText: /✘ smjobbless-helper/ });
      await row.first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(500);
      await shot('doctor-results-view');
      assert.ok((await page.locator('.monaco-list-row').filter({ hasText: /Doctor — Tool\.app/ }).count()) > 0, 'the doctor root in the results view');
      const rowText = await row.first().innerText();
      assert.ok(rowText.includes(`certificate leaf[subject.OU] = "${TEAM_A}"`), rowText);
    } catch (err) {
      await shot('failure').catch(() => undefined);
      await browser.close().catch(() => undefined);
      throw new Error(`${(err as Error).message}\n--- extension host log ---\n${extensionHostLog(cs.userData)}`);
    } finally {
      await cs.stop();
    }

    // Restricted Mode: the lens is there, but checking reads nothing and says why (no folder dialog).
    const rm = await startCodeServer(tools, runDir, 'rm', { workspace, vsix, trust: true });
    const rmPage = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    try {
      const payload = [['openFile', rm.remote(path.join(workspace, 'Info.plist'))]];
      await rmPage.goto(`${rm.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const distrust = rmPage.locator('.monaco-dialog-box .monaco-button').filter({ hasText: /No, I don.t trust/ });
      await distrust.first().waitFor({ timeout: 60_000 });
      await distrust.first().click();
      const lens = rmPage.locator('.monaco-editor .codelens-decoration a').filter({ hasText: 'Check against the built bundle' });
      await lens.first().waitFor({ timeout: 60_000 });
      await lens.first().click();
      const toast = rmPage.locator('.notifications-toasts .notification-toast').filter({ hasText: /Restricted Mode/ });
      await toast.first().waitFor({ timeout: 15_000 });
      await rmPage.waitForTimeout(500);
      await rmPage.screenshot({ path: path.join(shots, `${String(++step).padStart(2, '0')}-restricted-mode.png`) });
      assert.match(await toast.first().innerText(), /checking against a built bundle is disabled/);
      assert.equal(await rmPage.locator('.quick-input-widget').first().isVisible(), false, 'no folder dialog in Restricted Mode');
      assert.equal((await marks(rmPage)).length, 0, 'no marks');
    } catch (err) {
      await rmPage.screenshot({ path: path.join(shots, 'rm-failure.png') }).catch(() => undefined);
      throw new Error(`${(err as Error).message}\n--- extension host log ---\n${extensionHostLog(rm.userData)}`);
    } finally {
      await rm.stop();
      await browser.close();
    }
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
});
