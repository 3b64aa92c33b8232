/**
 * Plists against the built product, in the editor: a "Check against the
 * built bundle…" code lens on an Info.plist with SMPrivilegedExecutables or
 * SMAuthorizedClients and on a launchd job plist, which judges each entry
 * (as the editor has it, unsaved text included) against the bundle and marks
 * it ✔/✘/? with the failing clause and fact on hover; and "Diagnose app
 * bundle…", which shows `csrl doctor`'s report in the results view.
 *
 * Locating entries is the language service's (language-service/bundle-entries.ts);
 * judging them is the engine's, the functions `csrl doctor` uses
 * (engine/doctor/entries.ts, reached through dist/check.cjs). Nothing is read
 * in an untrusted workspace.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BundleEntry } from '../engine/doctor/entries.js';
import type { Relationship } from '../engine/doctor/types.js';
import { VERDICT_WORDS } from '../engine/render.js';
import type { OverallVerdict } from '../engine/result.js';
import { mightHoldBundleEntries, type LocatedEntry, type LocatedPlist } from '../language-service/bundle-entries-filter.js';
import type { Commands } from './commands.js';
import { DOCTOR_MARK, failureText, type DoctorResults } from './doctor-results.js';
import { checkModule } from './lazy.js';

/** workspaceState key: the bundle last checked against, per workspace. */
export const BUNDLE_STATE_KEY = 'csrl.builtBundle';
const PLIST_LANGUAGES = ['xml', 'plist'];

export interface BundleCheckArgs {
  uri?: string;
  /** The bundle to check against (else the remembered one, else asked). */
  bundle?: string;
  /** Ask for the bundle even when one is remembered. */
  choose?: boolean;
}

/** A judged entry: where it is, and the relationship that judges it. */
export interface EntryMark {
  entry: LocatedEntry;
  verdict: OverallVerdict;
  relationship?: Relationship;
  /** Why there is no relationship for it (the program it needs was not found). */
  note?: string;
}

/**
 * Which relationship judges each located entry: the engine answers per
 * requested entry (BundleEntry); a launchd plist is one request whose
 * smappservice relationship judges its program and spawn-constraint its
 * SpawnConstraint.
 */
export function requestsFor(located: LocatedPlist, text: string): { requests: BundleEntry[]; marks: (results: Relationship[][]) => EntryMark[] } {
  if (located.kind === 'launchd') {
    return {
      requests: [{ kind: 'launchd', plist: text }],
      marks: (results) => {
        const rels = results[0] ?? [];
        return located.entries.map((entry): EntryMark => {
          const own = rels.find((r) => r.kind === (entry.kind === 'spawn-constraint' ? 'spawn-constraint' : 'smappservice'));
          if (own) return { entry, verdict: own.verdict, relationship: own };
          const program = rels.find((r) => r.kind === 'smappservice');
          return { entry, verdict: 'invalid', ...(program ? { relationship: program } : {}), note: program?.notes?.[0] ?? 'not checked' };
        });
      },
    };
  }
  const entries = located.entries.filter((e) => e.kind === 'privileged' || e.kind === 'authorized');
  return {
    requests: entries.map((e): BundleEntry => (e.kind === 'privileged' ? { kind: 'privileged', label: e.label ?? '', requirement: e.requirement ?? '' } : { kind: 'authorized', requirement: e.requirement ?? '' })),
    marks: (results) => entries.map((entry, i): EntryMark => {
      const own = results[i]?.[0];
      return own ? { entry, verdict: own.verdict, relationship: own } : { entry, verdict: 'invalid', note: 'not checked' };
    }),
  };
}

interface Shown {
  bundle: string;
  version: number;
  marks: EntryMark[];
}

export class BundleChecks implements vscode.Disposable {
  private readonly shown = new Map<string, Shown>();
  private readonly types: Record<'pass' | 'fail' | 'unknown', vscode.TextEditorDecorationType>;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly lensChanged = new vscode.EventEmitter<void>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly commands: Commands,
    private readonly doctorResults: DoctorResults,
  ) {
    const style = (text: string, color: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({ after: { contentText: ` ${text}`, color: new vscode.ThemeColor(color), fontWeight: 'bold' } });
    this.types = { pass: style('✔', 'testing.iconPassed'), fail: style('✘', 'testing.iconFailed'), unknown: style('?', 'testing.iconQueued') };
    this.disposables.push(
      ...Object.values(this.types),
      this.lensChanged,
      vscode.languages.registerCodeLensProvider(
        PLIST_LANGUAGES.map((language) => ({ language })),
        { onDidChangeCodeLenses: this.lensChanged.event, provideCodeLenses: (doc) => this.lenses(doc) },
      ),
      vscode.commands.registerCommand('csrl.checkAgainstBundle', (a?: BundleCheckArgs) => this.commands.guarded('Check against the built bundle', () => this.checkAgainstBundle(a ?? {}))),
      vscode.commands.registerCommand('csrl.diagnoseBundle', (a?: { bundle?: string }) => this.commands.guarded('Diagnose app bundle', () => this.diagnose(a ?? {}))),
      vscode.window.onDidChangeVisibleTextEditors(() => this.applyAll()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Marks describe the text that was checked.
        if (e.contentChanges.length > 0 && this.shown.delete(e.document.uri.toString())) this.applyAll();
      }),
    );
  }

  /** The bundle remembered for this workspace. */
  remembered(): string | undefined {
    return this.context.workspaceState.get<string>(BUNDLE_STATE_KEY);
  }

  marks(uri: vscode.Uri): EntryMark[] | undefined {
    return this.shown.get(uri.toString())?.marks;
  }

  /** Located in dist/check.cjs (loaded once a plist might hold entries: activation does not pay for the scanner). */
  private locate(text: string): LocatedPlist | undefined {
    return mightHoldBundleEntries(text) ? checkModule().locateBundleEntries(text) : undefined;
  }

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const located = this.locate(doc.getText());
    if (!located) return [];
    const bundle = this.remembered();
    return located.lensAt.flatMap((offset) => {
      const at = doc.positionAt(offset);
      const range = new vscode.Range(at, at);
      const args: BundleCheckArgs = { uri: doc.uri.toString() };
      const check = new vscode.CodeLens(range, { title: `Check against the built bundle…${bundle ? ` (${path.basename(bundle)})` : ''}`, command: 'csrl.checkAgainstBundle', arguments: [args] });
      return bundle ? [check, new vscode.CodeLens(range, { title: 'Choose bundle…', command: 'csrl.checkAgainstBundle', arguments: [{ ...args, choose: true }] })] : [check];
    });
  }

  private async pickBundle(title: string): Promise<string | undefined> {
    const remembered = this.remembered();
    const picked = await vscode.window.showOpenDialog({
      title,
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Use this bundle',
      ...(remembered ? { defaultUri: vscode.Uri.file(remembered) } : vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    return picked?.[0]?.fsPath;
  }

  private async checkAgainstBundle(args: BundleCheckArgs): Promise<EntryMark[] | undefined> {
    this.commands.requireTrust('checking against a built bundle');
    const doc = args.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === args.uri) : vscode.window.activeTextEditor?.document;
    if (!doc) throw Object.assign(new Error(args.uri ? `${args.uri} is not open.` : 'Open an Info.plist or a launchd plist first.'), { name: 'UserError' });
    const text = doc.getText();
    const located = this.locate(text);
    if (!located) throw Object.assign(new Error(`${path.basename(doc.uri.fsPath)} has no SMPrivilegedExecutables or SMAuthorizedClients entries and is not a launchd job plist.`), { name: 'UserError' });
    let bundle = args.bundle ?? (args.choose ? undefined : this.remembered());
    bundle ??= await this.pickBundle('The built app bundle to check this plist against');
    if (!bundle) return undefined;
    await this.context.workspaceState.update(BUNDLE_STATE_KEY, bundle);
    this.lensChanged.fire();
    const { requests, marks } = requestsFor(located, text);
    const version = doc.version;
    const out = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Checking ${path.basename(doc.uri.fsPath)} against ${path.basename(bundle)}…`, cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(Object.assign(new Error('cancelled'), { name: 'AbortError' })));
        return checkModule().checkBundleEntries(bundle, requests, { signal: abort.signal, source: path.basename(doc.uri.fsPath) });
      },
    );
    if (out.error) throw Object.assign(new Error(`${bundle}: ${out.error.message}`), { name: 'UserError' });
    if (doc.version !== version) return undefined; // edited meanwhile: the answer is about other text
    const shown: Shown = { bundle, version, marks: marks(out.results) };
    this.shown.set(doc.uri.toString(), shown);
    this.applyAll();
    this.commands.log(`checked ${doc.uri.fsPath} against ${bundle}: ${shown.marks.map((m) => `${DOCTOR_MARK[m.verdict]} ${m.entry.label ?? m.entry.kind}`).join(', ')}`);
    return shown.marks;
  }

  private async diagnose(args: { bundle?: string }): Promise<void> {
    this.commands.requireTrust('diagnosing a bundle');
    const bundle = args.bundle ?? (await this.pickBundle('The app bundle to diagnose'));
    if (!bundle) return;
    await this.context.workspaceState.update(BUNDLE_STATE_KEY, bundle);
    this.lensChanged.fire();
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Diagnosing ${path.basename(bundle)}…`, cancellable: true },
      async (_p, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort(Object.assign(new Error('cancelled'), { name: 'AbortError' })));
        return checkModule().doctor(bundle, { signal: abort.signal });
      },
    );
    this.doctorResults.show(bundle, report);
    await vscode.commands.executeCommand('csrl.results.focus');
    if (report.error) throw Object.assign(new Error(`${bundle}: ${report.error.message}`), { name: 'UserError' });
  }

  private applyAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const s = this.shown.get(editor.document.uri.toString());
      const of = (want: 'pass' | 'fail' | 'unknown') =>
        (s?.marks ?? [])
          .filter((m) => (m.verdict === 'satisfied' ? 'pass' : m.verdict === 'undetermined' ? 'unknown' : 'fail') === want)
          .map((m) => ({ range: new vscode.Range(editor.document.positionAt(m.entry.start), editor.document.positionAt(m.entry.end)), hoverMessage: hoverFor(m, s!.bundle) }));
      for (const want of ['pass', 'fail', 'unknown'] as const) editor.setDecorations(this.types[want], of(want));
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (ch) => `\\${ch}`);
}

export function hoverFor(m: EntryMark, bundle: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const r = m.relationship;
  md.appendMarkdown(`**${DOCTOR_MARK[m.verdict]} ${escapeMd(r ? `${r.kind}: ${r.subject}${r.subject !== r.against ? ` ← ${r.against}` : ''}` : m.entry.kind)}** — ${VERDICT_WORDS[m.verdict]} (against \`${path.basename(bundle).replace(/`/g, "'")}\`)\n\n`);
  if (m.note) md.appendMarkdown(`${escapeMd(m.note)}\n\n`);
  if (r && r.verdict !== 'satisfied') {
    if (r.clause !== undefined) md.appendMarkdown(`- clause: \`${r.clause.replace(/`/g, "'")}\`${r.arch && r.arch !== 'all' ? ` (${escapeMd(r.arch)})` : ''}\n`);
    if (r.fact !== undefined) md.appendMarkdown(`- fact: ${escapeMd(r.fact)}\n`);
    for (const s of r.slices.filter((x) => x.arch !== r.arch && x.arch !== 'all')) md.appendMarkdown(`- ${escapeMd(s.arch)}: ${VERDICT_WORDS[s.verdict]}${s.verdict === 'satisfied' ? '' : `: ${escapeMd(failureText({ ...s, arch: 'all' }))}`}\n`);
  }
  for (const n of r?.notes ?? []) if (n !== m.note) md.appendMarkdown(`- note: ${escapeMd(n)}\n`);
  return md;
}
