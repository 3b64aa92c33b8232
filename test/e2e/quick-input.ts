/**
 * Driving VS Code's quick input (pickers, the command palette and VS Code's
 * own simple file dialog) from Playwright on a loaded machine: every step
 * waits for a condition, never for a fixed time.
 */
import * as path from 'node:path';
import type { Locator, Page } from './harness.js';

/** Generous: two cores shared with other work make the workbench slow; these are waits on conditions, not sleeps. */
export const SLOW = 60_000;

export const QUICK_INPUT = '.quick-input-widget .quick-input-box input';

const focusedInput = `document.activeElement !== null && document.activeElement.matches(${JSON.stringify(QUICK_INPUT)})`;

/** The input of the quick input open now (a picker, the file dialog), once it is visible and has the focus. */
export async function quickInputFocused(page: Page, timeout = SLOW): Promise<Locator> {
  const input = page.locator(QUICK_INPUT).first();
  await input.waitFor({ state: 'visible', timeout });
  await page.waitForFunction(focusedInput, undefined, { timeout });
  return input;
}

/** Fills a quick input and waits until it holds the value (typing under load can lose keys; fill cannot, but check). */
export async function fillQuickInput(page: Page, input: Locator, value: string): Promise<void> {
  await input.fill(value);
  await page.waitForFunction(`document.querySelector(${JSON.stringify(QUICK_INPUT)})?.value === ${JSON.stringify(value)}`, undefined, { timeout: 10_000 });
}

/**
 * Picks `file` (or a folder) in VS Code's own (simple) file dialog. The
 * dialog lists its starting folder asynchronously, and a listing that
 * completes after the path was typed puts the folder's path back into the
 * input (then Enter opens nothing): so wait for the listing first, then for
 * the typed path's own row, and type and accept again if the dialog is still
 * open after all. `accept` is Enter unless given (a folder is accepted with
 * the dialog's button: Enter would go into it).
 */
export async function chooseInFileDialog(
  page: Page,
  file: string,
  beforeAccept: () => Promise<unknown>,
  accept: (dialog: Locator) => Promise<void> = (dialog) => dialog.press('Enter'),
): Promise<void> {
  const rows = page.locator('.quick-input-widget .monaco-list-row');
  for (let attempt = 1; ; attempt++) {
    const dialog = await quickInputFocused(page);
    await rows.first().waitFor({ timeout: SLOW });
    await fillQuickInput(page, dialog, file);
    await rows.filter({ hasText: path.basename(file) }).first().waitFor({ timeout: SLOW });
    if (attempt === 1) await beforeAccept();
    await accept(dialog);
    try {
      await page.locator('.quick-input-widget').first().waitFor({ state: 'hidden', timeout: 20_000 });
      return;
    } catch (err) {
      if (attempt === 3) throw new Error(`the file dialog did not take ${file} in ${attempt} tries: ${(err as Error).message}`);
    }
  }
}

