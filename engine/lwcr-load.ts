/**
 * Loading an LWCR for a check or a command: any form (lwcr/read.ts), then
 * validation. Errors the OS raises while parsing make the requirement
 * unusable; E 1 and E 5 (unknown operator, undefined fact) are deferred to
 * evaluation, as the OS defers them, and `$optional` may absorb them.
 */
import { analyse, canonical, printLwcrJson, readLwcrBytes, readLwcrText, LwcrSyntaxError, type LwcrContext, type LwcrDiagnostic, type LwcrDocument, type LwGroup, type LwValue } from '../lwcr/index.js';

export interface LoadedLwcr {
  name: string;
  /** The text the check result names (the input as given, or hex of a binary input). */
  text: string;
  document?: LwcrDocument;
  /** Undefined when the requirement cannot be evaluated (see `diagnostics`). */
  tree?: LwGroup;
  diagnostics: LwcrDiagnostic[];
}

/** Blocks evaluation: an error the OS would report at parse time (anything but the deferred E 1 / E 5). */
export function isBlocking(d: LwcrDiagnostic): boolean {
  return d.severity === 'error' && d.os !== 1 && d.os !== 5 && d.code !== 'LW070';
}

export function loadLwcr(input: string | Uint8Array, name: string, context?: LwcrContext): LoadedLwcr {
  const text = typeof input === 'string' ? input : looksText(input) ? new TextDecoder().decode(input) : Buffer.from(input).toString('hex');
  let document: LwcrDocument;
  try {
    document = typeof input === 'string' ? readLwcrText(input) : readLwcrBytes(input);
  } catch (err) {
    if (!(err instanceof LwcrSyntaxError)) throw err;
    return { name, text, diagnostics: [{ code: 'LW001', severity: 'error', message: err.message, range: err.range }] };
  }
  const diagnostics: LwcrDiagnostic[] = [...(document.envelope?.problems ?? [])];
  if (!document.reqs) return { name, text, document, diagnostics };
  // The OS evaluates entries in stored order, which for text forms is the sorted order an encoder writes (§5.2).
  return analysed({ name, text, document, diagnostics }, document.der ? document.reqs : canonical(document.reqs), context);
}

/**
 * An LWCR already read as a value (a launchd plist's `SpawnConstraint`,
 * which the OS re-encodes, so it is evaluated in sorted order); its text is
 * its JSON form.
 */
export function loadLwcrValue(reqs: LwValue, name: string, context?: LwcrContext): LoadedLwcr {
  return analysed({ name, text: printLwcrJson(reqs), diagnostics: [] }, canonical(reqs), context);
}

function analysed(out: LoadedLwcr, reqs: LwValue, context: LwcrContext | undefined): LoadedLwcr {
  const a = analyse(reqs, context ? { context } : {});
  out.diagnostics.push(...a.diagnostics.sort((x, y) => x.range.start.offset - y.range.start.offset));
  if (a.tree && !out.diagnostics.some(isBlocking)) out.tree = a.tree;
  return out;
}

function looksText(b: Uint8Array): boolean {
  const first = b.find((x) => x !== 0x20 && x !== 0x0a && x !== 0x0d && x !== 0x09 && x !== 0xef && x !== 0xbb && x !== 0xbf);
  return first === 0x7b || first === 0x3c || first === 0x5b || (first !== undefined && /[0-9a-fA-F]/.test(String.fromCharCode(first)) && !b.includes(0));
}
