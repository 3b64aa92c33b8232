/**
 * Shows a check result where the person is looking: a ✔/✘/? mark after every
 * clause of the tested requirement (explanation per architecture on hover),
 * and a tree view with the per-architecture explanation tree, signature
 * problems and posture warnings. Marks are dropped as soon as the document
 * changes, since they describe the text that was tested.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { flatChildren, type CheckResult, type EvalNode, type SliceResult, type Verdict } from '../engine/result.js';
import type { LwcrCheckResult, LwcrEvalNode, LwcrSliceResult } from '../engine/lwcr.js';
import type { TargetRequirement } from './requirement.js';
import { checkModule } from './lazy.js';
import { appleRows, type AppleRow, type AppleSide } from '../engine/apple/verdict.js';

export const MARK: Record<Verdict, string> = { true: '✔', false: '✘', undetermined: '?' };
const WORD = { satisfied: 'satisfied', unsatisfied: 'not satisfied', undetermined: 'undetermined', invalid: 'cannot be checked' } as const;

export interface ShownResult {
  uri: string;
  target: string;
  label: string;
  /** A classic check, or a lightweight code requirement's (same verdicts, slices and clause tree shape). */
  result: CheckResult | LwcrCheckResult;
  /** Per clause (document range), the verdict and the explanation of each slice. */
  clauses: ClauseMark[];
  summary: string;
  anchor: vscode.Position;
  /**
   * Apple's verdict in short (macOS with the native addon), shown beside ours
   * in the results view and the code lens; starts with "⚠ disagrees with csrl"
   * when the two contradict each other.
   */
  apple?: string;
  /** Apple's side in full: its verdict, Apple's statuses, and the comparison with ours. */
  appleSide?: AppleSide;
  /** Why Apple was not asked; set only when csrl.validator explicitly asks for Security.framework. */
  appleNotAsked?: string;
  /** Document range of any node of the evaluation tree. */
  rangeOf: (n: AnyEvalNode) => vscode.Range;
}

export interface ClauseMark {
  range: vscode.Range;
  clause: string;
  verdict: Verdict;
  perSlice: { arch: string; verdict: Verdict; explanation: string; reason?: string }[];
}


type AnyEvalNode = EvalNode | LwcrEvalNode;
type AnySlice = SliceResult | LwcrSliceResult;

/** Children with nested and-in-and / or-in-or spliced, for both trees (an LWCR `$optional` keeps its one child). */
function kids(n: AnyEvalNode): AnyEvalNode[] {
  return n.kind === 'and' || n.kind === 'or' ? flatChildren(n as EvalNode) : n.children;
}

function leaves(n: AnyEvalNode, out: AnyEvalNode[]): AnyEvalNode[] {
  const kids_ = kids(n);
  if (n.kind === 'not' || kids_.length === 0) out.push(n);
  else for (const c of kids_) leaves(c, out);
  return out;
}

function combine(verdicts: Verdict[]): Verdict {
  if (verdicts.includes('false')) return 'false';
  if (verdicts.includes('undetermined')) return 'undetermined';
  return 'true';
}

export function buildShown(doc: vscode.TextDocument, req: Pick<TargetRequirement, 'toDocOffset' | 'label' | 'anchor'>, target: string, result: CheckResult | LwcrCheckResult): ShownResult {
  const byKey = new Map<string, ClauseMark>();
  for (const slice of result.slices) {
    if (!slice.tree) continue;
    for (const leaf of leaves(slice.tree, [])) {
      const start = req.toDocOffset(leaf.range.start.offset);
      const end = req.toDocOffset(leaf.range.end.offset);
      const key = `${start}:${end}`;
      let mark = byKey.get(key);
      if (!mark) {
        mark = { range: new vscode.Range(doc.positionAt(start), doc.positionAt(end)), clause: leaf.clause, verdict: leaf.verdict, perSlice: [] };
        byKey.set(key, mark);
      }
      mark.perSlice.push({ arch: slice.arch, verdict: leaf.verdict, explanation: leaf.explanation, ...(leaf.reason ? { reason: leaf.reason } : {}) });
      mark.verdict = combine(mark.perSlice.map((p) => p.verdict));
    }
  }
  const name = path.basename(target);
  return {
    uri: doc.uri.toString(),
    target,
    label: req.label,
    result,
    clauses: [...byKey.values()],
    // The engine's one headline (dist/check.cjs is loaded: a check just ran), one verdict as every door says it.
    summary: checkModule().resultHeadline(result, name),
    anchor: doc.positionAt(req.anchor),
    rangeOf: (n) => new vscode.Range(doc.positionAt(req.toDocOffset(n.range.start.offset)), doc.positionAt(req.toDocOffset(n.range.end.offset))),
  };
}

export class ResultDecorations implements vscode.Disposable {
  private readonly types: Record<Verdict, vscode.TextEditorDecorationType>;
  private readonly shown = new Map<string, ShownResult>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor() {
    const style = (text: string, color: string, border: string): vscode.TextEditorDecorationType =>
      vscode.window.createTextEditorDecorationType({
        after: { contentText: ` ${text}`, color: new vscode.ThemeColor(color), fontWeight: 'bold' },
        borderWidth: '0 0 1px 0',
        borderStyle: 'dotted',
        borderColor: new vscode.ThemeColor(border),
      });
    this.types = {
      true: style('✔', 'testing.iconPassed', 'testing.iconPassed'),
      false: style('✘', 'testing.iconFailed', 'testing.iconFailed'),
      undetermined: style('?', 'testing.iconQueued', 'testing.iconQueued'),
    };
    this.disposables.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.applyAll()),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.shown.delete(e.document.uri.toString())) {
          this.applyAll();
          this.changed.fire();
        }
      }),
    );
  }

  get(uri: vscode.Uri): ShownResult | undefined {
    return this.shown.get(uri.toString());
  }

  all(): ShownResult[] {
    return [...this.shown.values()];
  }

  show(r: ShownResult): void {
    this.shown.set(r.uri, r);
    this.applyAll();
    this.changed.fire();
  }

  clear(): void {
    this.shown.clear();
    this.applyAll();
    this.changed.fire();
  }

  private applyAll(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const r = this.shown.get(editor.document.uri.toString());
      for (const v of ['true', 'false', 'undetermined'] as const) {
        editor.setDecorations(this.types[v], r ? r.clauses.filter((c) => c.verdict === v).map((c) => ({ range: c.range, hoverMessage: hoverFor(c, r) })) : []);
      }
    }
  }

  dispose(): void {
    for (const t of Object.values(this.types)) t.dispose();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

function hoverFor(c: ClauseMark, r: ShownResult): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${MARK[c.verdict]} \`${c.clause.replace(/`/g, "'")}\`** against \`${path.basename(r.target)}\`\n\n`);
  for (const s of c.perSlice) md.appendMarkdown(`- ${MARK[s.verdict]} **${s.arch}**: ${escapeMd(s.explanation)}${s.reason ? ` _(${s.reason})_` : ''}\n`);
  return md;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]<>#|]/g, (ch) => `\\${ch}`);
}

/** Other results the view shows under roots of their own (csrl doctor's: client/doctor-results.ts). */
export interface ResultsSource<T> {
  readonly onDidChange: vscode.Event<void>;
  roots(): T[];
  children(node: T): T[];
  item(node: T): vscode.TreeItem;
}

type Node =
  | { kind: 'source'; source: ResultsSource<unknown>; node: unknown }
  | { kind: 'run'; r: ShownResult }
  | { kind: 'apple'; r: ShownResult; row: AppleRow; a: AppleSide }
  | { kind: 'disagreement'; r: ShownResult; sentence: string }
  | { kind: 'ours'; r: ShownResult }
  | { kind: 'slice'; r: ShownResult; s: AnySlice }
  | { kind: 'eval'; r: ShownResult; s: AnySlice; n: AnyEvalNode }
  | { kind: 'group'; label: string; items: { severity: string; message: string; code: string }[] }
  | { kind: 'item'; severity: string; message: string; code: string };

/** The "Requirement Test Results" view: one run per tested document, then slices, clauses, problems and posture. */
export class ResultsTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly decorations: ResultDecorations,
    private readonly sources: ResultsSource<unknown>[] = [],
  ) {
    decorations.onDidChange(() => this.emitter.fire(undefined));
    for (const s of sources) s.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    const wrap = (source: ResultsSource<unknown>) => (n: unknown): Node => ({ kind: 'source', source, node: n });
    if (!node) return [...this.sources.flatMap((s) => s.roots().map(wrap(s))), ...this.decorations.all().map((r): Node => ({ kind: 'run', r }))];
    switch (node.kind) {
      case 'source':
        return node.source.children(node.node).map(wrap(node.source));
      case 'run': {
        // Apple's verdict first, beside ours; a contradiction above everything.
        const a = node.r.appleSide;
        const apple: Node[] = a ? [{ kind: 'ours', r: node.r }, ...appleRows(a).map((row): Node => ({ kind: 'apple', r: node.r, row, a }))] : [];
        if (a?.disagreement) apple.unshift({ kind: 'disagreement', r: node.r, sentence: a.disagreement });
        return [...apple, ...(node.r.result.slices as AnySlice[]).map((s): Node => ({ kind: 'slice', r: node.r, s }))];
      }
      case 'slice': {
        const out: Node[] = [];
        if (node.s.tree) out.push({ kind: 'eval', r: node.r, s: node.s, n: node.s.tree });
        if (node.s.problems.length > 0) out.push({ kind: 'group', label: `Signature problems (${node.s.problems.length})`, items: node.s.problems });
        if (node.s.posture.length > 0) out.push({ kind: 'group', label: `Posture (${node.s.posture.length})`, items: node.s.posture });
        return out;
      }
      case 'eval':
        return kids(node.n).map((n) => ({ kind: 'eval', r: node.r, s: node.s, n }));
      case 'group':
        return node.items.map((i) => ({ kind: 'item', ...i }));
      default:
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    const expanded = vscode.TreeItemCollapsibleState.Expanded;
    switch (node.kind) {
      case 'source':
        return node.source.item(node.node);
      case 'run': {
        const item = new vscode.TreeItem(`${node.r.summary.split(':')[0]} — ${node.r.label}`, expanded);
        item.description = `${WORD[node.r.result.verdict]}${node.r.apple ? ` · Apple: ${node.r.apple}` : ''}`;
        const notAsked = node.r.appleNotAsked ? `\nApple's verdict (Security.framework) was not asked: ${node.r.appleNotAsked}` : '';
        item.tooltip = `${node.r.target}\n${node.r.summary}${notAsked}`;
        if (node.r.appleSide?.disagreement) item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.contextValue = 'csrl.run';
        return item;
      }
      case 'disagreement': {
        const item = new vscode.TreeItem(`⚠ csrl and Apple disagree`, vscode.TreeItemCollapsibleState.None);
        item.description = node.sentence;
        item.tooltip = `csrl and Apple disagree: ${node.sentence}.\nThis is a bug in csrl or in Apple's check; do not rely on either verdict.`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        return item;
      }
      case 'ours': {
        const v = node.r.result.verdict;
        const item = new vscode.TreeItem(`csrl (portable checker): ${WORD[v]}`, vscode.TreeItemCollapsibleState.None);
        item.tooltip = `${node.r.summary}\n(the architectures below explain it clause by clause)`;
        item.iconPath = new vscode.ThemeIcon(v === 'satisfied' ? 'pass' : v === 'undetermined' ? 'question' : 'error');
        return item;
      }
      case 'apple': {
        const item = new vscode.TreeItem(node.row.text, vscode.TreeItemCollapsibleState.None);
        const c = node.a.comparison;
        item.tooltip = `${node.row.text}${c ? `\n${c.outcome === 'disagree' ? 'csrl and Apple disagree: ' : c.outcome === 'not-comparable' ? 'Not compared: ' : ''}${c.sentence}` : ''}`;
        const v = node.row.verdict;
        const icon = v === 'satisfied' ? 'pass' : v === 'not-satisfied' ? 'error' : v === 'requirement-rejected' ? 'warning' : 'question';
        item.iconPath = new vscode.ThemeIcon(icon);
        item.contextValue = 'csrl.apple';
        return item;
      }
      case 'slice': {
        const item = new vscode.TreeItem(`${node.s.arch}: ${WORD[node.s.verdict]}`, expanded);
        item.description = node.s.invalidReason ?? node.s.status;
        item.iconPath = new vscode.ThemeIcon(node.s.verdict === 'satisfied' ? 'pass' : node.s.verdict === 'undetermined' ? 'question' : 'error');
        return item;
      }
      case 'eval': {
        const children = kids(node.n);
        const head = node.n.kind === 'and' ? 'all of' : node.n.kind === 'or' ? 'any of' : node.n.clause;
        const item = new vscode.TreeItem(`${MARK[node.n.verdict]} ${head}`, children.length > 0 ? expanded : vscode.TreeItemCollapsibleState.None);
        item.description = node.n.explanation;
        item.tooltip = `${node.n.clause}\n${node.n.explanation}${node.n.reason ? `\n(${node.n.reason})` : ''}`;
        const range = node.r.rangeOf(node.n);
        item.command = { title: 'Show clause', command: 'vscode.open', arguments: [vscode.Uri.parse(node.r.uri), { selection: range }] };
        return item;
      }
      case 'group':
        return new vscode.TreeItem(node.label, collapsed);
      case 'item': {
        const item = new vscode.TreeItem(node.message, vscode.TreeItemCollapsibleState.None);
        item.description = node.code;
        item.tooltip = node.message;
        item.iconPath = new vscode.ThemeIcon(node.severity === 'error' ? 'error' : node.severity === 'warning' ? 'warning' : 'info');
        return item;
      }
    }
  }
}
