/**
 * What the server last reported per document, so that a result the client
 * already has is never sent again: on pull (LSP 3.17 `textDocument/diagnostic`),
 * an unchanged list is answered `{ kind: 'unchanged' }` with the client's
 * result id; on push, an unchanged list is not re-published to a client that
 * ignores the `version` field (VS Code's language client declares
 * `versionSupport: false`). On a 5,000-entry set most keystrokes leave the
 * 2,600 diagnostics as they were, and encoding and writing them (0.8 MB of
 * JSON) was most of a keystroke's cost.
 *
 * A client that interprets the version (`publishDiagnostics.versionSupport`)
 * gets the list again whenever the version moved: it may have discarded the
 * earlier push as stale (pushed mid-burst, it arrives after the client's
 * document has moved on), and it would otherwise never hold diagnostics for
 * its latest version.
 */
import type { Diagnostic } from 'vscode-languageserver';

export type DiagnosticReport = { kind: 'full'; resultId: string; items: Diagnostic[] } | { kind: 'unchanged'; resultId: string };

/** Field by field: a diagnostic is a range, severity, code, source, message and (Apple's wording) data. */
function same(a: Diagnostic, b: Diagnostic): boolean {
  return (
    a.range.start.line === b.range.start.line &&
    a.range.start.character === b.range.start.character &&
    a.range.end.line === b.range.end.line &&
    a.range.end.character === b.range.end.character &&
    a.severity === b.severity &&
    a.code === b.code &&
    a.source === b.source &&
    a.message === b.message &&
    (a.data === b.data || JSON.stringify(a.data) === JSON.stringify(b.data)) &&
    a.tags === undefined && b.tags === undefined &&
    a.relatedInformation === undefined && b.relatedInformation === undefined &&
    a.codeDescription === undefined && b.codeDescription === undefined
  );
}

export function sameDiagnostics(a: readonly Diagnostic[], b: readonly Diagnostic[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!same(a[i]!, b[i]!)) return false;
  return true;
}

export class DiagnosticResults {
  private readonly pushed = new Map<string, { items: Diagnostic[]; version: number | undefined }>();
  private readonly pulled = new Map<string, { resultId: string; items: Diagnostic[] }>();
  private seq = 0;

  /**
   * True when `items` differ from what was last pushed for `uri`, or, given
   * the `version` of a client that interprets versions, when that moved (and
   * records them as pushed).
   */
  shouldPush(uri: string, items: Diagnostic[], version?: number): boolean {
    const last = this.pushed.get(uri);
    if (last && (version === undefined || version === last.version) && sameDiagnostics(last.items, items)) return false;
    this.pushed.set(uri, { items, version });
    return true;
  }

  /** The answer to a pull: unchanged when the client holds the current result, else the full list under a new id. */
  report(uri: string, items: Diagnostic[], previousResultId: string | undefined): DiagnosticReport {
    const last = this.pulled.get(uri);
    if (last && previousResultId === last.resultId && sameDiagnostics(last.items, items)) return { kind: 'unchanged', resultId: last.resultId };
    const resultId = String(++this.seq);
    this.pulled.set(uri, { resultId, items });
    return { kind: 'full', resultId, items };
  }

  /** The document closed, or settings changed what every result would be. */
  forget(uri?: string): void {
    if (uri === undefined) {
      this.pushed.clear();
      this.pulled.clear();
      return;
    }
    this.pushed.delete(uri);
    this.pulled.delete(uri);
  }
}
