/**
 * Requirement text to its binary form and back, for doors that hand blobs to
 * a person (the extension's "Compile to binary" and decompiled views).
 */
import { compile } from '../grammar/codec/encode.js';
import { decompile } from '../grammar/codec/decode.js';
import { parse } from '../grammar/parser.js';
import { printCanonical } from '../grammar/print/canonical.js';

export class BlobTextError extends Error {
  override name = 'BlobTextError';
}

/** Compiles requirement text to a 0xfade0c00 blob or a 0xfade0c01 set. */
export function compileText(text: string, mode: 'single' | 'set' | undefined): Uint8Array {
  const result = parse(text, mode ? { mode } : {});
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!result.document || errors.length > 0) {
    const first = errors[0];
    throw new BlobTextError(`the requirement has ${errors.length} error(s)${first ? `; first at line ${first.range.start.line}: ${first.message}` : ''}`);
  }
  const compiled = compile(result.document);
  if (!compiled.bytes) throw new BlobTextError(`cannot compile: ${compiled.diagnostics.map((d) => d.message).join('; ')}`);
  return compiled.bytes;
}

/** A blob as canonical text; a set starts with the `# csrl: set` marker so it re-parses as a set. */
export function decompileBytes(bytes: Uint8Array): string {
  const doc = decompile(bytes);
  const text = printCanonical(doc);
  return (doc.kind === 'set' ? '# csrl: set\n' : '') + (text.endsWith('\n') ? text : text + '\n');
}
