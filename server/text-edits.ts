/**
 * Applying a batch of incremental changes in time proportional to the edits,
 * not to edits × document size. vscode-languageserver-textdocument rebuilds
 * the whole string for every change (substring + concatenation, which V8
 * flattens): 10,000 one-character edits of a 1 MB document take minutes. A
 * merged burst of didChange notifications (intake.ts) arrives as one batch;
 * it is applied here to an array of lines and joined once.
 *
 * The result is TextDocument.update's for each change applied to the text
 * as it stands: the same line breaks (CRLF, CR, LF), positions clamped the
 * same way (past the last line → end of text; a character past the line's
 * end → before its line break), reversed ranges swapped. (TextDocument's own
 * incremental line table can drift after edits around lone CRs; this follows
 * the text.)
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';

/** Batches smaller than this go through TextDocument.update unchanged. */
export const BATCH_THRESHOLD = 16;

/** Splits after each line break (CRLF, CR, LF); the last element holds what follows the last break (maybe ''). */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      out.push(text.slice(start, i + 1));
      start = i + 1;
    } else if (c === 10) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function contentLength(line: string): number {
  let n = line.length;
  while (n > 0) {
    const c = line.charCodeAt(n - 1);
    if (c !== 10 && c !== 13) break;
    n--;
  }
  return n;
}

type Pos = { line: number; character: number };

/** A position as TextDocument.offsetAt resolves it, as (line index, column within the line). */
function resolvePos(lines: string[], p: Pos): [number, number] {
  if (p.line >= lines.length) {
    const last = lines.length - 1;
    return [last, lines[last]!.length];
  }
  if (p.line < 0) return [0, 0];
  if (p.character <= 0) return [p.line, 0];
  return [p.line, Math.min(p.character, contentLength(lines[p.line]!))];
}

export function applyChanges(text: string, changes: readonly TextDocumentContentChangeEvent[]): string {
  let lines = splitLines(text);
  for (const change of changes) {
    if (!('range' in change) || !change.range) {
      lines = splitLines(change.text);
      continue;
    }
    let { start, end } = change.range;
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) [start, end] = [end, start];
    let [ls, cs] = resolvePos(lines, start);
    const [le, ce] = resolvePos(lines, end);
    let prefix = lines[ls]!.slice(0, cs);
    const suffix = lines[le]!.slice(ce);
    // A CR ending the line before, followed now by an LF, is one CRLF line break.
    if (ls > 0 && prefix === '' && change.text.length + suffix.length > 0 && (change.text || suffix).charCodeAt(0) === 10) {
      const before = lines[ls - 1]!;
      if (before.charCodeAt(before.length - 1) === 13) {
        ls--;
        prefix = before;
      }
    }
    const piece = splitLines(prefix + change.text + suffix);
    // The piece ends with line le's own line break: what follows it is the next line, already in place.
    if (le < lines.length - 1) piece.pop();
    if (piece.length < 10_000) lines.splice(ls, le - ls + 1, ...piece);
    else lines = lines.slice(0, ls).concat(piece, lines.slice(le + 1));
  }
  return lines.join('');
}

/** TextDocument.update, with large batches applied by applyChanges. */
export function updateDocument(doc: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
  if (changes.length < BATCH_THRESHOLD) return TextDocument.update(doc, changes, version);
  return TextDocument.create(doc.uri, doc.languageId, version, applyChanges(doc.getText(), changes));
}
