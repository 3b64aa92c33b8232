import {
  CodeActionKind,
  FoldingRangeKind,
  SymbolKind,
  type CodeAction,
  type CodeLens,
  type DocumentSymbol,
  type FoldingRange,
  type SelectionRange,
  type TextEdit,
  type Range as LspRange,
} from 'vscode-languageserver';
import type { Expr } from '../grammar/ast.js';
import { SERVER_COMMANDS } from '../protocol/lsp.js';
import { formatRequirementText } from '../grammar/print/format.js';
import { escapeForHost, MAX_DEPTH } from '../language-service/analysis/analyze.js';
import { appleAnchored, branchFacts, disjuncts, missingAntiInjection } from '../language-service/analysis/branches.js';
import { summarizeIfCompiles } from '../language-service/analysis/summary.js';
import { outline, rangeToHost, viewAt, type DocState, type RequirementView } from './documents.js';
import { toLspDiagnostic, toLspRange } from './lsp-convert.js';
import { contains, nodePath, requirementRefs } from '../language-service/locate.js';


/** Summaries of a view's requirements, kept with its analysis: the pieces of a large set keep no AST to summarise again. */
const DETAILS = new WeakMap<RequirementView['analysis'], string[]>();

function symbolDetails(view: RequirementView): string[] {
  let d = DETAILS.get(view.analysis);
  if (!d) {
    const compiles = !view.analysis.parse.diagnostics.some((x) => x.severity === 'error');
    d = requirementRefs(view.analysis.parse, view.text).map((ref) => summarizeIfCompiles(ref.requirement, compiles));
    DETAILS.set(view.analysis, d);
  }
  return d;
}

export function documentSymbols(state: DocState): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  state.views.forEach((view, vi) => {
    const refs = outline(view).refs;
    if (refs.length === 0) return;
    const details = symbolDetails(view);
    for (const ref of refs) {
      const range = toLspRange(rangeToHost(view, state, { start: { offset: ref.start }, end: { offset: ref.end } }));
      const typed = ref.typeStart !== undefined && ref.typeEnd !== undefined;
      const sel = typed ? toLspRange(rangeToHost(view, state, { start: { offset: ref.typeStart! }, end: { offset: ref.typeEnd! } })) : range;
      const name = typed ? view.text.slice(ref.typeStart, ref.typeEnd) : view.embedded ? view.embedded.api : 'requirement';
      out.push({
        name: name || `requirement ${vi + 1}`,
        detail: details[ref.index]!,
        kind: typed ? SymbolKind.Field : SymbolKind.String,
        range,
        selectionRange: sel,
      });
    }
  });
  return out;
}

export function foldingRanges(state: DocState): FoldingRange[] {
  if (state.kind !== 'csreq') return [];
  const out: FoldingRange[] = [];
  for (const view of state.views) {
    const lines = (r: { start: { offset: number }; end: { offset: number } }) => {
      const h = rangeToHost(view, state, r);
      return h.end.line > h.start.line ? { startLine: h.start.line - 1, endLine: h.end.line - 1 } : undefined;
    };
    const o = outline(view);
    for (const ref of o.refs) {
      const l = lines({ start: { offset: ref.start }, end: { offset: ref.end } });
      if (l) out.push({ ...l, kind: FoldingRangeKind.Region });
    }
    for (const c of o.comments) {
      const l = lines({ start: { offset: c.start }, end: { offset: c.end } });
      if (l) out.push({ ...l, kind: FoldingRangeKind.Comment });
    }
  }
  return out;
}

/** Most nested selection ranges answered for one position (the client expands one level per keystroke). */
export const MAX_SELECTION_LEVELS = 100;

export function selectionRanges(state: DocState, offsets: number[]): SelectionRange[] {
  return offsets.map((hostOffset) => {
    const fallback: SelectionRange = { range: toLspRange(state.index.range(hostOffset, hostOffset)) };
    const at = viewAt(state, hostOffset);
    if (!at) return fallback;
    const { view, offset } = at;
    const refs = requirementRefs(view.analysis.parse, view.text);
    const ref = refs.find((r) => contains(r.range, offset));
    if (!ref) return fallback;
    // A chain of thousands of clauses nests thousands deep: keep the innermost levels and the whole expression.
    const path = nodePath(ref.requirement.expr, offset);
    const kept = path.length > MAX_SELECTION_LEVELS ? [path[0]!, ...path.slice(path.length - MAX_SELECTION_LEVELS)] : path;
    const chain = [ref.range, ...kept.map((n) => n.range)];
    if (view.embedded) chain.unshift({ start: view.index.positionAt(0), end: view.index.positionAt(view.text.length) });
    let sel: SelectionRange | undefined;
    let lastKey = '';
    for (const r of chain) {
      const lsp = toLspRange(rangeToHost(view, state, r));
      const key = `${lsp.start.line}:${lsp.start.character}:${lsp.end.line}:${lsp.end.character}`;
      if (key === lastKey) continue;
      lastKey = key;
      sel = sel ? { range: lsp, parent: sel } : { range: lsp };
    }
    return sel ?? fallback;
  });
}

export const SEMANTIC_LEGEND = {
  tokenTypes: ['keyword', 'operator', 'string', 'number', 'property', 'comment', 'regexp'],
  tokenModifiers: [] as string[],
};
export function semanticTokens(state: DocState): number[] {
  if (state.kind !== 'csreq') return [];
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const view of state.views) {
    const tokens = outline(view).tokens;
    for (let i = 0; i < tokens.length; i += 3) {
      const type = tokens[i + 2]!;
      // A token may span lines (strings, block comments): emit one piece per line.
      let start = view.toHost(tokens[i]!);
      const end = view.toHost(tokens[i + 1]!);
      while (start < end) {
        const nl = state.text.indexOf('\n', start);
        const pieceEnd = nl === -1 || nl >= end ? end : nl;
        const pos = state.index.positionAt(start);
        const line = pos.line - 1;
        const char = pos.column - 1;
        if (pieceEnd > start) {
          data.push(line - prevLine, line === prevLine ? char - prevChar : char, pieceEnd - start, type, 0);
          prevLine = line;
          prevChar = char;
        }
        start = pieceEnd + 1;
      }
    }
  }
  return data;
}

/**
 * Formats a requirement document whenever it parses, whatever lint says;
 * `refused` says why when it does not. Embedded requirements are left to
 * their host language's formatter.
 */
export function formatDocument(state: DocState, options: { width: number; indent: number }): { edits?: TextEdit[]; refused?: string } {
  if (state.kind !== 'csreq') return {};
  const result = formatRequirementText(state.text, { mode: state.views[0]?.mode ?? 'auto', width: options.width, indent: options.indent, maxDepth: MAX_DEPTH });
  if (!result.ok) return { refused: `csrl: ${result.reason}` };
  if (!result.changed) return { edits: [] };
  return { edits: [{ range: toLspRange(state.index.range(0, state.text.length)), newText: result.text }] };
}

function lspOverlap(a: LspRange, b: LspRange): boolean {
  const before = (x: { line: number; character: number }, y: { line: number; character: number }) => x.line < y.line || (x.line === y.line && x.character <= y.character);
  return before(a.start, b.end) && before(b.start, a.end);
}

export function codeActions(state: DocState, range: LspRange, hostStart: number, only?: string[]): CodeAction[] {
  const out: CodeAction[] = [];
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  if (wants(CodeActionKind.QuickFix)) {
    for (const d of state.diagnostics) {
      if (!d.fixes?.length) continue;
      const lspDiag = toLspDiagnostic(d);
      if (!lspOverlap(lspDiag.range, range)) continue;
      d.fixes.forEach((f, i) => {
        out.push({
          title: f.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [lspDiag],
          isPreferred: i === 0,
          edit: { changes: { [state.uri]: [{ range: toLspRange(f.range), newText: f.newText }] } },
        });
      });
    }
    if (state.kind === 'csreq' && state.text.includes('\r')) {
      const edits: TextEdit[] = [];
      for (let i = state.text.indexOf('\r'); i !== -1; i = state.text.indexOf('\r', i + 1)) {
        edits.push({ range: toLspRange(state.index.range(i, i + 1)), newText: '' });
      }
      out.push({ title: 'Fix CRLF line ends (Apple\'s parser rejects carriage returns)', kind: CodeActionKind.QuickFix, edit: { changes: { [state.uri]: edits } } });
    }
  }
  if (wants(CodeActionKind.RefactorRewrite)) {
    const at = viewAt(state, hostStart);
    if (at) out.push(...refactors(state, at.view, at.offset));
  }
  return uniqueTitles(out);
}

/** One action per title in a menu: a quick fix and a refactoring (or two findings) offering the same words keep the first, the quick fix. */
function uniqueTitles(actions: CodeAction[]): CodeAction[] {
  const seen = new Set<string>();
  return actions.filter((a) => !seen.has(a.title) && (seen.add(a.title), true));
}

function refactors(state: DocState, view: RequirementView, offset: number): CodeAction[] {
  const out: CodeAction[] = [];
  const refs = requirementRefs(view.analysis.parse, view.text);
  const ref = refs.find((r) => contains(r.range, offset));
  const root = ref?.requirement.expr;
  if (!ref || !root || view.analysis.parse.diagnostics.some((d) => d.severity === 'error')) return out;
  const edit = (title: string, start: number, end: number, text: string): CodeAction => {
    const newText = view.embedded ? escapeForHost(text, state.text, view.hostStart, state.languageId) : text;
    return {
      title,
      kind: CodeActionKind.RefactorRewrite,
      edit: { changes: { [state.uri]: [{ range: toLspRange(rangeToHost(view, state, { start: { offset: start }, end: { offset: end } })), newText }] } },
    };
  };
  const conjoin = (title: string, clause: string): CodeAction => {
    const s = root.range.start.offset;
    const e = root.range.end.offset;
    if (root.kind === 'or') return edit(title, s, e, `(${view.text.slice(s, e)}) and ${clause}`);
    return edit(title, e, e, ` and ${clause}`);
  };
  const branches = disjuncts(root, 64)?.map(branchFacts) ?? [];
  const all = (pred: (f: ReturnType<typeof branchFacts>) => boolean) => branches.length > 0 && branches.every(pred);
  if (!all(appleAnchored)) out.push(conjoin('Add `anchor apple generic`', 'anchor apple generic'));
  if (!all((f) => f.teamOU !== undefined)) out.push(conjoin('Add a team check', 'certificate leaf[subject.OU] = "TEAMID"'));
  const missing = new Set(branches.flatMap(missingAntiInjection));
  if (missing.size > 0) out.push(conjoin('Add the anti-injection clauses', [...missing].map((m) => `! entitlement[${JSON.stringify(m)}]`).join(' and ')));
  if (ref.entryType && refs.length === 1 && view.mode === 'set') {
    out.push(edit('Turn into a single requirement (drop `' + ref.entryType.name + ' =>`)', ref.range.start.offset, root.range.start.offset, ''));
  }
  return out;
}

export function codeLenses(state: DocState): CodeLens[] {
  const out: CodeLens[] = [];
  state.views.forEach((view, requirement) => {
    const refs = outline(view).refs;
    const targets = view.embedded || refs.length === 0 ? [{ start: 0, entry: undefined as number | undefined }] : refs.map((r) => ({ start: r.start, entry: r.index as number | undefined }));
    for (const t of targets) {
      const range = toLspRange(rangeToHost(view, state, { start: { offset: t.start }, end: { offset: t.start } }));
      const arg = { uri: state.uri, requirement, ...(t.entry !== undefined && (refs.length > 1 || state.views.length > 1) ? { entry: t.entry } : {}) };
      out.push(
        { range, command: { title: 'Test against binary…', command: SERVER_COMMANDS.testAgainstPath, arguments: [arg] } },
        { range, command: { title: 'Test against process…', command: SERVER_COMMANDS.testAgainstPid, arguments: [arg] } },
        { range, command: { title: 'Show compiled', command: SERVER_COMMANDS.showCompiled, arguments: [arg] } },
        { range, command: { title: 'Compare with designated…', command: SERVER_COMMANDS.compareWithDesignated, arguments: [arg] } },
      );
    }
  });
  return out;
}

export function exprAt(view: RequirementView, offset: number): Expr | undefined {
  const refs = requirementRefs(view.analysis.parse, view.text);
  const ref = refs.find((r) => contains(r.range, offset));
  const path = nodePath(ref?.requirement.expr, offset);
  return path[path.length - 1];
}

