/**
 * The target picker's list (recent targets, Browse…, Running process…) that
 * also takes a typed path: typing `/path/to/App.app` offers it as an item,
 * checked to exist (a file or a folder) before it can be chosen, so Enter on
 * a typed path is never "0 results" and nothing.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

type Item = vscode.QuickPickItem & { typed?: string; missing?: boolean };

/** A typed path made absolute (`~` is the home folder); undefined for text that is not a path. */
export function typedPath(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  if (v === '~' || v.startsWith('~/')) return path.join(homedir(), v.slice(1));
  return path.isAbsolute(v) ? path.normalize(v) : undefined;
}

function typedItem(value: string): Item[] {
  const p = typedPath(value);
  if (!p) return [];
  let kind: string | undefined;
  try {
    const st = statSync(p);
    kind = st.isDirectory() ? 'folder' : st.isFile() ? 'file' : undefined;
  } catch {
    kind = undefined;
  }
  return kind
    ? [{ label: `$(go-to-file) ${p}`, description: `use this ${kind}`, typed: p, alwaysShow: true }]
    : [{ label: `$(warning) ${p}`, description: 'no such file or folder', typed: p, missing: true, alwaysShow: true }];
}

/** Resolves with the chosen item, `{ typed }` for a typed path that exists, or undefined when dismissed. */
export function pickWithTypedPath(items: vscode.QuickPickItem[], options: { title: string; placeholder: string }): Promise<vscode.QuickPickItem | { typed: string } | undefined> {
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = options.title;
  qp.placeholder = options.placeholder;
  qp.matchOnDescription = true;
  qp.items = items;
  qp.onDidChangeValue((v) => (qp.items = [...typedItem(v), ...items]));
  return new Promise((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? typedItem(qp.value)[0];
      if (!chosen) return;
      if (chosen.missing) {
        // Checked again at Enter: the file may have appeared (or gone) since the item was made.
        const again = typedItem(qp.value)[0];
        if (!again || again.missing) {
          qp.items = [...typedItem(qp.value), ...items];
          return;
        }
      }
      done = true;
      qp.hide();
      resolve(chosen.typed !== undefined ? { typed: chosen.typed } : chosen);
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
