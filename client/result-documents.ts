/**
 * Read-only result documents: a content provider for the `csrl-result:`
 * scheme. Unlike untitled buffers they are never dirty, so closing one asks
 * nothing; "Save As…" still works for someone who wants the text in a file.
 */
import * as vscode from 'vscode';
import { RESULT_SCHEME, ResultStore, type ResultLanguage } from './result-store.js';

const store = new ResultStore();

export function registerResultDocuments(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, {
      provideTextDocumentContent: (uri) => store.text(uri.path, uri.query),
    }),
  );
}

/** Opens a result as a read-only document in the given language (plain text where the language is not installed). */
export async function showResultDocument(
  title: string,
  text: string,
  languageId: ResultLanguage,
  show: vscode.TextDocumentShowOptions = { preview: true },
): Promise<vscode.TextDocument> {
  const r = store.add(title, text, languageId);
  let doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: RESULT_SCHEME, path: r.path, query: r.query }));
  if (doc.languageId !== languageId) {
    // Swift and Objective-C come from other extensions; without them the text stays plain.
    doc = await vscode.languages.setTextDocumentLanguage(doc, languageId).then(
      (d) => d,
      () => doc,
    );
  }
  await vscode.window.showTextDocument(doc, show);
  return doc;
}
