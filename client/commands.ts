/**
 * The extension's commands. Each one that inspects a binary or a process
 * refuses in an untrusted workspace, reports failures as a message a person
 * can act on, and logs the details to the output channel.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { appleShort, disagreementLine } from '../engine/apple/verdict.js';
import type { CheckResult } from '../engine/result.js';
import { CHECK_SETTINGS, executeServerCommand, REQUESTS, SERVER_COMMANDS, type DecompileParams, type DecompileResult } from '../protocol/lsp.js';
import type { PsRow } from '../engine/processes.js';
import { escapeForLanguage } from '../language-service/embedded/hosts.js';
import { checkModule } from './lazy.js';
import { designatedComparisonWords } from '../engine/designated-words.js';
import { pickWithTypedPath } from './path-pick.js';
import { RequirementError, requirementAt, requirementTextAt } from './requirement.js';
import { buildShown, type ResultDecorations, type ShownResult } from './results.js';
import type { ServerHandle } from './server.js';
import type { DeploymentTarget, XpcFamily, XpcLanguage } from '../language-service/xpc-codegen/options.js';
import { showResultDocument } from './result-documents.js';
import { codegenQuestion, flavourItems, targetItems } from './xpc-codegen.js';

export const DECOMPILED_SCHEME = 'csreq-decompiled';

/** Arguments a command accepts from code lenses, tests and other extensions (all optional). */
export interface TargetArgs {
  uri?: string;
  requirement?: number;
  entry?: number;
  path?: string;
  pid?: number;
}

export class Commands {
  /** Told once per session that the requested Security.framework is unavailable. */
  private toldAppleUnavailable = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly server: ServerHandle,
    readonly decorations: ResultDecorations,
  ) {}

  log(message: string): void {
    this.output.appendLine(`[${new Date().toISOString()}] ${message}`);
  }

  /** Runs a command body; known failures become messages, everything is logged. */
  async guarded<T>(name: string, body: () => Promise<T>): Promise<T | undefined> {
    try {
      return await body();
    } catch (err) {
      const e = err as Error;
      if (e.name === 'AbortError' || /aborted|cancel/i.test(e.message)) {
        this.log(`${name}: cancelled`);
        return undefined;
      }
      const known = e instanceof RequirementError || ['UserError', 'DesignatedError', 'BlobTextError'].includes(e.name) || typeof (e as { code?: unknown }).code === 'number' /* an LSP ResponseError from the server */;
      this.log(`${name} failed: ${known ? e.message : e.stack ?? e.message}`);
      // Not awaited: the promise settles only when the person dismisses the message.
      void vscode.window.showErrorMessage(known ? e.message : `${name} failed: ${e.message}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') this.output.show(true);
      });
      return undefined;
    }
  }

  /** Refuses (as a cancellation, after telling why) in an untrusted workspace. */
  requireTrust(what: string): void {
    if (vscode.workspace.isTrusted) return;
    void vscode.window.showWarningMessage(`This workspace is in Restricted Mode: ${what} is disabled, because it reads binaries and processes. Trust the workspace to use it.`, 'Manage Workspace Trust').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    throw Object.assign(new Error('cancelled: untrusted workspace'), { name: 'AbortError' });
  }

  editorFor(args: TargetArgs): { doc: vscode.TextDocument; cursor: number } {
    if (args.uri) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri);
      if (!doc) throw new RequirementError(`${args.uri} is not open.`);
      const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
      return { doc, cursor: editor ? doc.offsetAt(editor.selection.active) : 0 };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) throw new RequirementError('Open a requirement (.csreq file, or a source file with a requirement string) first.');
    return { doc: editor.document, cursor: editor.document.offsetAt(editor.selection.active) };
  }

  /**
   * A file or folder (.app bundles included): recent targets and csrl.defaultTargets first, then the file dialog.
   * With `orProcess`, a running process may be chosen instead; its executable on disk is the target.
   */
  async pickTarget(title: string, orProcess = false): Promise<string | undefined> {
    const picked = await this.pickTargetOrProcess(title, orProcess);
    return picked === undefined ? undefined : 'path' in picked ? picked.path : this.executableOfProcess(picked.pid);
  }

  /** As pickTarget, keeping a chosen process a process (so its check goes through the PID-reuse guard). */
  async pickTargetOrProcess(title: string, orProcess = true): Promise<{ path: string } | { pid: number } | undefined> {
    const recent = this.context.workspaceState.get<string[]>('csrl.recentTargets', []);
    const defaults = vscode.workspace.getConfiguration('csrl').get<string[]>('defaultTargets', CHECK_SETTINGS.defaultTargets);
    const known = [...new Set([...recent, ...defaults])];
    if (known.length > 0 || orProcess) {
      const browse = '$(folder-opened) Browse…';
      const running = '$(pulse) Running process…';
      const pick = await pickWithTypedPath(
        [{ label: browse }, ...(orProcess ? [{ label: running, description: 'the executable of a process' }] : []), ...known.map((p) => ({ label: path.basename(p), description: p }))],
        { title, placeholder: orProcess ? 'An app bundle, a Mach-O binary, a framework or a running process; or type a path' : 'An app bundle, a Mach-O binary or a framework; or type a path' },
      );
      if (!pick) return undefined;
      if ('typed' in pick) return { path: pick.typed };
      if (pick.label === running) {
        const pid = await this.pickProcess(title);
        return pid === undefined ? undefined : { pid };
      }
      if (pick.label !== browse && pick.description) return { path: pick.description };
    }
    const last = recent[0];
    const uris = await vscode.window.showOpenDialog({
      title,
      canSelectFiles: true,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: 'Test',
      ...(last ? { defaultUri: vscode.Uri.file(path.dirname(last)) } : {}),
    });
    return uris?.[0] ? { path: uris[0].fsPath } : undefined;
  }

  async remember(target: string): Promise<void> {
    const recent = this.context.workspaceState.get<string[]>('csrl.recentTargets', []).filter((p) => p !== target);
    await this.context.workspaceState.update('csrl.recentTargets', [target, ...recent].slice(0, 8));
  }

  checkSettings(): { at: 'signing-time' | 'now' | Date; verifyPages: boolean; validator: 'auto' | 'portable' | 'security-framework' } {
    const cfg = vscode.workspace.getConfiguration('csrl');
    const when = cfg.get<string>('verificationTime', CHECK_SETTINGS.verificationTime);
    let at: 'signing-time' | 'now' | Date;
    try {
      // The engine's one reading of a time, as `csrl check --at` (a time without a zone is UTC).
      at = checkModule().parseCheckTime(when);
    } catch (err) {
      throw new RequirementError(`csrl.verificationTime ${(err as Error).message}.`);
    }
    return { at, verifyPages: cfg.get<boolean>('verifyPages', CHECK_SETTINGS.verifyPages), validator: cfg.get('validator', CHECK_SETTINGS.validator) };
  }

  /** Test requirement against app or binary… Returns the result (for tests and other extensions). */
  async testAgainstBinary(args: TargetArgs = {}): Promise<ShownResult | undefined> {
    return this.guarded('Test requirement against app or binary', async () => {
      this.requireTrust('testing against a binary');
      const { doc, cursor } = this.editorFor(args);
      const req = requirementAt(doc, cursor, args.requirement, args.entry);
      const target = args.path ?? (await this.pickTarget('Test requirement against app or binary'));
      if (!target) return undefined;
      const shown = await this.runCheck(doc, req, { path: target });
      // Only a target that was read (the check has slices) is offered again; runCheck throws otherwise.
      await this.remember(target);
      return shown;
    });
  }

  /** Test requirement against running process… */
  async testAgainstProcess(args: TargetArgs = {}): Promise<ShownResult | undefined> {
    return this.guarded('Test requirement against running process', async () => {
      this.requireTrust('testing against a process');
      const { doc, cursor } = this.editorFor(args);
      const req = requirementAt(doc, cursor, args.requirement, args.entry);
      const pid = args.pid ?? (await this.pickProcess());
      if (pid === undefined) return undefined;
      // The engine resolves the executable and checks it inside the PID-reuse guard.
      return this.runCheck(doc, req, { pid });
    });
  }

  private async executableOfProcess(pid: number): Promise<string> {
    try {
      return await checkModule().executableOf(pid);
    } catch (err) {
      throw new RequirementError(`Cannot find the executable of process ${pid}: ${(err as Error).message}`);
    }
  }

  /** The target of a command that reads one: a given path, a given process's executable, or the picker's choice. */
  private async targetOf(args: TargetArgs, title: string): Promise<string | undefined> {
    if (args.path) return args.path;
    if (args.pid !== undefined) return this.executableOfProcess(args.pid);
    return this.pickTarget(title, true);
  }

  private async runCheck(doc: vscode.TextDocument, req: ReturnType<typeof requirementAt>, target: { path: string } | { pid: number }): Promise<ShownResult> {
    const m = checkModule();
    const settings = this.checkSettings();
    const name = 'pid' in target ? `process ${target.pid}` : path.basename(target.path);
    const t0 = Date.now();
    const result: CheckResult = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Testing requirement against ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(new Error('cancelled')));
        let reported = 0;
        return m.testRequirement(req.requirement, req.text, target, {
          ...settings,
          signal: abort.signal,
          onProgress: (done, total) => {
            const pct = total > 0 ? Math.floor((done / total) * 100) : 0;
            if (pct > reported) {
              progress.report({ increment: pct - reported, message: `hashing code pages ${pct}%` });
              reported = pct;
            }
          },
        });
      },
    );
    const checked = result.target && 'executablePath' in result.target ? result.target.executablePath : 'path' in target ? target.path : `process ${target.pid}`;
    this.log(`tested ${req.label} of ${doc.uri.fsPath || doc.uri.toString()} against ${checked}${'pid' in target ? ` (pid ${target.pid})` : ''} in ${Date.now() - t0} ms: ${result.verdict}\n${m.renderText(result)}`);
    const shown = buildShown(doc, req, checked, result);
    if ('pid' in target) shown.summary = shown.summary.replace(path.basename(checked), `${path.basename(checked)} (pid ${target.pid})`);
    this.addApple(shown, settings.validator);
    this.decorations.show(shown);
    void vscode.commands.executeCommand('csrl.results.focus').then(undefined, () => undefined);
    const disagreement = shown.appleSide?.disagreement;
    if (disagreement) {
      // Loud: one of the two validators is wrong about this code.
      void vscode.window.showWarningMessage(`csrl and Apple disagree about ${path.basename(checked)}: ${disagreement}. This is a bug in csrl or in Apple's check; do not rely on either verdict.`, 'Show Log').then((c) => {
        if (c) this.output.show(true);
      });
      return shown;
    }
    const msg = `${shown.summary}${shown.apple ? ` · Apple: ${shown.apple}` : ''}`;
    if (result.verdict === 'satisfied') void vscode.window.showInformationMessage(msg);
    else void vscode.window.showWarningMessage(msg);
    return shown;
  }

  /**
   * Apple's verdict beside ours (macOS, Security.framework), as the engine
   * compared it. Where Apple could not be asked at all, the result says why
   * only when Security.framework was asked for explicitly (and a message says
   * so once), so nobody elsewhere is told about a missing Mac.
   */
  private addApple(shown: ShownResult, pref: 'auto' | 'portable' | 'security-framework'): void {
    const side = 'apple' in shown.result ? shown.result.apple : undefined;
    if (!side || pref === 'portable') return;
    if (side.notAsked) {
      if (pref !== 'security-framework') return;
      const why = side.error ?? 'unavailable';
      shown.appleNotAsked = why;
      this.log(`Apple's verdict not asked: ${why}`);
      if (!this.toldAppleUnavailable) {
        this.toldAppleUnavailable = true;
        void vscode.window.showInformationMessage(`csrl.validator asks for Security.framework, but it cannot be used: ${why}. Results come from the portable checker only.`);
      }
      return;
    }
    shown.appleSide = side;
    shown.apple = side.disagreement ? `⚠ disagrees with csrl: ${appleShort(side)}` : appleShort(side);
    this.log(`Apple (Security.framework): ${appleShort(side)}${side.comparison ? ` — ${side.comparison.sentence}` : ''}`);
    if (side.disagreement) this.log(disagreementLine(side.disagreement));
  }

  /** A searchable list of processes (name, PID, user, executable), or a typed PID. */
  async pickProcess(title = 'Test requirement against running process'): Promise<number | undefined> {
    const m = checkModule();
    const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { pid?: number }>();
    qp.title = title;
    qp.placeholder = 'Type to filter by name, PID or path, or type a PID';
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.busy = true;
    let items: (vscode.QuickPickItem & { pid?: number })[] = [];
    const typed = (value: string) => (/^\d+$/.test(value.trim()) ? [{ label: `$(terminal) PID ${value.trim()}`, description: 'use this process id', pid: Number(value.trim()), alwaysShow: true }] : []);
    qp.onDidChangeValue((v) => (qp.items = [...typed(v), ...items]));
    // On Linux every process is an ELF program: say so first, and leave out kernel threads (they run no file).
    const note = m.processListNote();
    const header: (vscode.QuickPickItem & { pid?: number })[] = note ? [{ label: '$(info) No Apple code signatures here', detail: note, alwaysShow: true }] : [];
    const show = (all: PsRow[]) => {
      const rows = all.filter((p) => !m.isKernelThread(p));
      items = [...header, ...rows.map((p) => ({
        label: p.name,
        description: `${p.pid}  ${p.user}${p.signing ? `  ${m.signingCell(p.signing)}` : ''}`,
        detail: p.executablePath ?? '(executable path not readable)',
        pid: p.pid,
      }))];
      qp.items = [...typed(qp.value), ...items];
    };
    m.listProcesses().then(
      async (rows) => {
        show(rows);
        // Signing summaries take a Security.framework call per process: the plain list comes first.
        if (m.processSigningAvailable()) {
          qp.busy = true;
          qp.placeholder = 'Type to filter by name, PID, user, signing identifier or path, or type a PID';
          await m.addProcessSigning(rows).catch(() => undefined);
          show(rows);
        }
        qp.busy = false;
      },
      (err: Error) => {
        qp.busy = false;
        qp.placeholder = 'Type a PID';
        this.log(`process list unavailable: ${err.message}`);
        void vscode.window.showInformationMessage(`The process list needs the native addon, which is not available (${err.message}). You can still type a PID.`);
      },
    );
    return new Promise((resolve) => {
      let done = false;
      qp.onDidAccept(() => {
        const chosen = qp.selectedItems[0];
        const pid = chosen?.pid ?? (/^\d+$/.test(qp.value.trim()) ? Number(qp.value.trim()) : undefined);
        if (pid === undefined && chosen) return; // the note row: nothing to choose
        done = true;
        qp.hide();
        resolve(pid);
      });
      qp.onDidHide(() => {
        if (!done) resolve(undefined);
        qp.dispose();
      });
      qp.show();
    });
  }

  /** Show signing information of… (a binary or an app; `csrl info` output in a read-only editor). */
  async showSigningInfo(args: TargetArgs = {}): Promise<string | undefined> {
    return this.guarded('Show signing information', async () => {
      this.requireTrust('reading signing information');
      const target = args.path ? { path: args.path } : args.pid !== undefined ? { pid: args.pid } : await this.pickTargetOrProcess('Show signing information of');
      if (!target) return undefined;
      const info = await checkModule().signingInformation(target);
      if ('path' in target && info.ok) await this.remember(target.path);
      await showResultDocument(`Signing information — ${'path' in target ? path.basename(target.path) : `process ${target.pid}`}`, info.text, 'plaintext');
      return info.text;
    });
  }

  /** Insert designated requirement of… at the cursor of the active editor. */
  async insertDesignated(args: TargetArgs = {}): Promise<string | undefined> {
    return this.guarded('Insert designated requirement', async () => {
      this.requireTrust('reading a designated requirement');
      const editor = vscode.window.activeTextEditor;
      if (!editor) throw new RequirementError('Open the file to insert the requirement into first.');
      const target = await this.targetOf(args, 'Insert designated requirement of');
      if (!target) return undefined;
      const drs = await checkModule().designatedOf(target);
      await this.remember(target);
      const distinct = [...new Map(drs.map((d) => [d.text, d])).values()];
      let chosen = distinct[0]!;
      if (distinct.length > 1) {
        const pick = await vscode.window.showQuickPick(
          distinct.map((d) => ({ label: drs.filter((x) => x.text === d.text).map((x) => x.arch).join(', '), detail: d.text, d })),
          { title: 'The slices have different designated requirements' },
        );
        if (!pick) return undefined;
        chosen = pick.d;
      }
      const text = escapeForLanguage(editor.document.languageId, chosen.text, { hostText: editor.document.getText(), offset: editor.document.offsetAt(editor.selection.start) });
      await editor.edit((e) => e.replace(editor.selection, text));
      if (chosen.implicit) void vscode.window.showInformationMessage(`${path.basename(target)} has no explicit designated requirement; inserted the implicit one Apple computes.`);
      return text;
    });
  }

  /** Compile requirement to binary (save as). */
  async compileToBinary(args: TargetArgs & { saveTo?: string } = {}): Promise<string | undefined> {
    return this.guarded('Compile requirement to binary', async () => {
      const { doc, cursor } = this.editorFor(args);
      const m = checkModule();
      let bytes: Uint8Array;
      if (doc.languageId === 'csreq') {
        bytes = m.compileText(doc.getText(), undefined);
      } else {
        const req = requirementAt(doc, cursor, args.requirement, args.entry);
        bytes = m.compileText(req.text, 'single');
      }
      let dest = args.saveTo ? vscode.Uri.file(args.saveTo) : undefined;
      if (!dest) {
        const base = doc.uri.scheme === 'file' ? doc.uri.fsPath.replace(/\.(csreq|rqset)$/i, '') : path.join(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '', 'requirement');
        dest = await vscode.window.showSaveDialog({ title: 'Save compiled requirement', defaultUri: vscode.Uri.file(`${base}.bin`), saveLabel: 'Save', filters: { 'Binary requirement': ['bin', 'csreq', 'req'] } });
      }
      if (!dest) return undefined;
      await vscode.workspace.fs.writeFile(dest, bytes);
      this.log(`compiled ${bytes.length} bytes to ${dest.fsPath}`);
      void vscode.window.showInformationMessage(`Compiled requirement (${bytes.length} bytes) saved to ${path.basename(dest.fsPath)}.`);
      return dest.fsPath;
    });
  }

  /** Open compiled requirement as text: a read-only decompiled view (server request csrl/decompile). */
  async openCompiledAsText(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    return this.guarded('Open compiled requirement as text', async () => {
      let file = uri instanceof vscode.Uri ? uri : undefined;
      if (!file) {
        const picked = await vscode.window.showOpenDialog({ title: 'Open compiled requirement', canSelectMany: false, openLabel: 'Open as Text' });
        file = picked?.[0];
      }
      if (!file) return undefined;
      const view = decompiledUri(file);
      const doc = await vscode.workspace.openTextDocument(view);
      await vscode.window.showTextDocument(doc, { preview: false });
      return doc;
    });
  }

  /** The text of a decompiled view, from the server (csrl/decompile). */
  async decompile(file: vscode.Uri): Promise<string> {
    const bytes = await vscode.workspace.fs.readFile(file);
    if (bytes.length > 1 << 20) throw new RequirementError(`${path.basename(file.fsPath)} is larger than 1 MB; a requirement blob is a few hundred bytes.`);
    const client = await this.server.start();
    try {
      const params: DecompileParams = { base64: Buffer.from(bytes).toString('base64') };
      const r: DecompileResult = await client.sendRequest(REQUESTS.decompile, params);
      return r.text;
    } catch (err) {
      throw new RequirementError(`${path.basename(file.fsPath)}: ${(err as Error).message}`);
    }
  }

  /** Save decompiled text as… (for a read-only decompiled view). */
  async saveDecompiledText(): Promise<string | undefined> {
    return this.guarded('Save decompiled text', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc || doc.uri.scheme !== DECOMPILED_SCHEME) throw new RequirementError('Open a compiled requirement as text first.');
      const original = vscode.Uri.parse(doc.uri.query);
      const dest = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(original.fsPath.replace(/(\.[^./]*)?$/, '.txt.csreq')), filters: { Requirement: ['csreq', 'rqset'] } });
      if (!dest) return undefined;
      await vscode.workspace.fs.writeFile(dest, Buffer.from(doc.getText(), 'utf8'));
      return dest.fsPath;
    });
  }

  /**
   * Generate XPC validation code for the requirement under the cursor, by
   * language and deployment target, in a read-only result document. Asks
   * first when the requirement has errors or security findings (`confirm:
   * true` answers "Generate anyway" for callers that have already decided).
   * Editing-only (no binary is read), so it works in Restricted Mode.
   */
  async generateXpcCode(args: TargetArgs & { language?: XpcLanguage; family?: XpcFamily; target?: DeploymentTarget; confirm?: boolean } = {}): Promise<vscode.TextDocument | undefined> {
    return this.guarded('Generate XPC validation code', async () => {
      const { doc, cursor } = this.editorFor(args);
      // The requirement as written (set entry or literal value), even with errors (asked about below);
      // the generator escapes it, newlines too, so a `#` comment cannot swallow the rest.
      const req = requirementTextAt(doc, cursor, args.requirement, args.entry);
      const text = req.text;
      const m = checkModule();
      const question = codegenQuestion(m.xpcCodegenConcerns(text));
      if (question && args.confirm !== true) {
        const answer = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, question.proceed);
        if (answer !== question.proceed) return undefined;
      }
      const flavour =
        args.language && args.family
          ? { language: args.language, family: args.family }
          : (await vscode.window.showQuickPick(flavourItems(), { title: 'Generate XPC validation code: language and API' }))?.value;
      if (!flavour) return undefined;
      const target = args.target ?? (await vscode.window.showQuickPick(targetItems(flavour.family, flavour.language), { title: 'Generate XPC validation code: oldest macOS the service supports', matchOnDescription: true }))?.value;
      if (!target) return undefined;
      const generated = m.generateXpcCode(text, { ...flavour, target });
      const out = await showResultDocument(`XPC validation (${flavour.language}, macOS ${target})`, generated.code, generated.languageId, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      this.log(`generated ${flavour.language} XPC validation code (${flavour.family}, macOS ${target}: ${generated.tiers.join(' > ')}) for the ${req.label}`);
      return out;
    });
  }

  /** Handles the server's code-lens commands that need a path, a PID or a place to show the result. */
  async fromServerCommand(command: string, args: unknown[], next: (command: string, args: unknown[]) => Promise<unknown>): Promise<unknown> {
    const arg = (args[0] ?? {}) as TargetArgs;
    switch (command) {
      case SERVER_COMMANDS.testAgainstPath:
        if (arg.path) return next(command, args);
        return this.testAgainstBinary(arg);
      case SERVER_COMMANDS.testAgainstPid:
        return this.testAgainstProcess(arg);
      case SERVER_COMMANDS.showCompiled:
        return this.guarded('Show compiled requirement', async () => {
          const r = await executeServerCommand(next, SERVER_COMMANDS.showCompiled, args);
          await showResultDocument(`Compiled — ${r.label}`, `# ${r.label}: ${r.size} bytes\n${r.dump}\n${r.diagnostics.map((d) => `# ${d}\n`).join('')}`, 'plaintext', { preview: true, viewColumn: vscode.ViewColumn.Beside });
          return r;
        });
      case SERVER_COMMANDS.compareWithDesignated:
        return this.guarded('Compare with designated requirement', async () => {
          this.requireTrust('comparing with a built product');
          const target = arg.path ?? (await this.pickTarget('Compare with the designated requirement of'));
          if (!target) return undefined;
          const r = await executeServerCommand(next, SERVER_COMMANDS.compareWithDesignated, [{ ...arg, path: target }]);
          if (r.slices.some((s) => s.designated !== undefined)) await this.remember(target);
          const lines = [`# ours:\n${r.ours}`, ...r.slices.map((s) => `# ${s.arch}: ${designatedComparisonWords(s)}\n${s.designated ?? ''}`)];
          await showResultDocument(`Designated requirement — ${path.basename(target)}`, lines.join('\n\n') + '\n', 'plaintext', { preview: true, viewColumn: vscode.ViewColumn.Beside });
          return r;
        });
      default:
        return next(command, args);
    }
  }
}

export function decompiledUri(file: vscode.Uri): vscode.Uri {
  // The path ends in .csreq so the view gets the csreq language (highlighting, hovers).
  return vscode.Uri.from({ scheme: DECOMPILED_SCHEME, path: `${file.path}.decompiled.csreq`, query: file.toString() });
}

/** True for the text VS Code shows when a binary requirement (magic 0xfade0c0x) is opened as UTF-8. */
export function looksLikeBinaryRequirement(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file') return false;
  const head = doc.getText(new vscode.Range(0, 0, 0, 8));
  return /^\ufffd\ufffd\f[\u0000\u0001]/.test(head);
}
