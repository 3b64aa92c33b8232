/**
 * The extension's commands for lightweight code requirements (LWCR):
 * "Test LWCR against app or binary…" / "…running process" (the engine's
 * LWCR check, through check-entry.ts as classic checks go, shown with the
 * same results view and clause marks), and "Convert to LWCR" / "Convert to
 * requirement" (the translation with a comment per clause that was not
 * translated, or only approximately).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Commands, TargetArgs } from './commands.js';
import { checkModule } from './lazy.js';
import { RequirementError, requirementAt } from './requirement.js';
import { buildShown, type ShownResult } from './results.js';

type Module = ReturnType<typeof checkModule>;
type LwcrTarget = Extract<ReturnType<Module['lwcrAt']>, { tree: unknown }>;
export type Conversion = ReturnType<Module['convertLwcrToClassic']>;

/** The language id the language service reads a document as: `*.lwcr.json` always holds an LWCR. */
function hostLanguageOf(doc: vscode.TextDocument): string {
  return (doc.languageId === 'json' || doc.languageId === 'jsonc') && /\.lwcr\.json$/i.test(doc.fileName) ? 'lwcr-json' : doc.languageId;
}

export class LwcrCommands {
  constructor(private readonly cmds: Commands) {}

  private lwcrOf(args: TargetArgs): { doc: vscode.TextDocument; lwcr: LwcrTarget } {
    const { doc, cursor } = this.cmds.editorFor(args);
    const found = checkModule().lwcrAt(doc.getText(), hostLanguageOf(doc), cursor, (o) => doc.positionAt(o).line + 1);
    if ('error' in found) throw new RequirementError(found.error);
    return { doc, lwcr: found };
  }

  /** Test LWCR against app or binary… Returns the result (for tests and other extensions). */
  async testAgainstBinary(args: TargetArgs = {}): Promise<ShownResult | undefined> {
    return this.cmds.guarded('Test LWCR against app or binary', async () => {
      this.cmds.requireTrust('testing against a binary');
      const { doc, lwcr } = this.lwcrOf(args);
      const target = args.path ?? (await this.cmds.pickTarget('Test LWCR against app or binary'));
      if (!target) return undefined;
      await this.cmds.remember(target);
      return this.run(doc, lwcr, { path: target });
    });
  }

  /** Test LWCR against running process… (its executable, inside the PID-reuse guard). */
  async testAgainstProcess(args: TargetArgs = {}): Promise<ShownResult | undefined> {
    return this.cmds.guarded('Test LWCR against running process', async () => {
      this.cmds.requireTrust('testing against a process');
      const { doc, lwcr } = this.lwcrOf(args);
      const pid = args.pid ?? (await this.cmds.pickProcess('Test LWCR against running process'));
      if (pid === undefined) return undefined;
      return this.run(doc, lwcr, { pid });
    });
  }

  private async run(doc: vscode.TextDocument, lwcr: LwcrTarget, target: { path: string } | { pid: number }): Promise<ShownResult> {
    const m = checkModule();
    const settings = this.cmds.checkSettings();
    const name = 'pid' in target ? `process ${target.pid}` : path.basename(target.path);
    const t0 = Date.now();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing LWCR against ${name}`, cancellable: true },
      async (_progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(new Error('cancelled')));
        return m.testLwcr(lwcr, target, { at: settings.at, verifyPages: settings.verifyPages, signal: abort.signal });
      },
    );
    const checked = result.target && 'executablePath' in result.target ? result.target.executablePath : 'path' in target ? target.path : `process ${target.pid}`;
    this.cmds.log(`tested the ${lwcr.label} of ${doc.uri.fsPath || doc.uri.toString()} against ${checked} in ${Date.now() - t0} ms: ${result.verdict}\n${m.renderLwcrText(result)}`);
    // LWCR clause ranges are host offsets already: no mapping.
    const shown = buildShown(doc, { toDocOffset: (o) => o, label: lwcr.label, anchor: lwcr.anchor }, checked, result);
    this.cmds.decorations.show(shown);
    void vscode.commands.executeCommand('csrl.results.focus').then(undefined, () => undefined);
    if (result.verdict === 'satisfied') void vscode.window.showInformationMessage(shown.summary);
    else void vscode.window.showWarningMessage(shown.summary);
    return shown;
  }

  /** Convert to LWCR: the selected classic requirement (or the one under the cursor) as a launch-constraint plist. */
  async convertToLwcr(args: TargetArgs = {}): Promise<Conversion | undefined> {
    return this.cmds.guarded('Convert to LWCR', async () => {
      const m = checkModule();
      const { doc, cursor } = this.cmds.editorFor(args);
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      const selection = editor && !editor.selection.isEmpty && doc.languageId === 'csreq' ? editor.selection : undefined;
      let conversion: Conversion;
      if (selection) {
        const start = doc.offsetAt(selection.start);
        const req = m.parseClassic(doc.getText(selection));
        if ('error' in req) throw new RequirementError(req.error);
        conversion = m.convertClassicToLwcr(req, (o) => lineColumn(doc, start + o));
      } else {
        const req = requirementAt(doc, cursor, args.requirement, args.entry);
        conversion = m.convertClassicToLwcr(req.requirement, (o) => lineColumn(doc, req.toDocOffset(o)));
      }
      return this.show(conversion, 'LWCR');
    });
  }

  /** Convert to requirement: the LWCR under the cursor as classic requirement text. */
  async convertToRequirement(args: TargetArgs = {}): Promise<Conversion | undefined> {
    return this.cmds.guarded('Convert to requirement', async () => {
      const { doc, lwcr } = this.lwcrOf(args);
      return this.show(checkModule().convertLwcrToClassic(lwcr.tree, (o) => lineColumn(doc, o)), 'requirement');
    });
  }

  private async show(conversion: Conversion, what: string): Promise<Conversion> {
    const out = await vscode.workspace.openTextDocument({ content: conversion.text, language: conversion.language });
    await vscode.window.showTextDocument(out, { preview: false, viewColumn: vscode.ViewColumn.Beside });
    const refused = conversion.notes.filter((n) => n.kind === 'refused').length;
    const approximate = conversion.notes.length - refused;
    this.cmds.log(`converted to ${what}: ${conversion.translated ? 'translated' : 'not translated'}${conversion.notes.map((n) => `\n  line ${n.line}: ${n.clause}: ${n.kind}: ${n.reason}`).join('')}`);
    if (!conversion.translated) void vscode.window.showWarningMessage(`Not converted to ${what}: ${refused} clause(s) have no equivalent (see the comments in the new document).`);
    else if (approximate > 0) void vscode.window.showInformationMessage(`Converted to ${what}; ${approximate} clause(s) only approximately (see the comments).`);
    return conversion;
  }
}

function lineColumn(doc: vscode.TextDocument, offset: number): { line: number; column: number } {
  const p = doc.positionAt(offset);
  return { line: p.line + 1, column: p.character + 1 };
}
