/**
 * A requirement to check, from whatever a door was given: text typed on a
 * command line, a file, standard input, a compiled blob, or a requirement or
 * set entry of an open document. Every door gets the same diagnostics and
 * the same refusal of text with errors (Apple rejects it whole).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Expr, Requirement, RequirementDocument } from '../grammar/ast.js';
import { BlobError, decompile } from '../grammar/codec/decode.js';
import type { Diagnostic } from '../grammar/diagnostics.js';
import { parse, parseBytes } from '../grammar/parser.js';
import { printCanonical } from '../grammar/print/canonical.js';
import { FileReadError, readRegularFile } from './files.js';

export interface LoadedRequirement {
  /** How messages name the source: `<text>`, `<stdin>` or the file name given. */
  name: string;
  text: string;
  /** Absent when the source has errors: nothing may be checked then. */
  requirement: Requirement | undefined;
  diagnostics: Diagnostic[];
}

/** Where a requirement came from; relative certificate paths are read from `baseDir`. */
export interface RequirementSource {
  name: string;
  baseDir: string;
  /** False where files named by the text must not be read (an untrusted workspace). */
  readCertificateFiles?: boolean;
}

/** Largest requirement file read (as cli/input.ts MAX_INPUT_BYTES); Apple's own limit is far lower, this only bounds memory. */
export const MAX_REQUIREMENT_BYTES = 8 * 1024 * 1024;

/** Largest certificate file hashed for `anchor = "/path"`; real certificates are a few kilobytes. */
export const MAX_CERT_FILE = 1024 * 1024;

/** A single requirement as text (a command line's `-e`, a document's requirement). */
export function requirementFromText(text: string, source: RequirementSource): LoadedRequirement {
  return fromParse(source, text, parse(text, { mode: 'single' }));
}

/** Bytes of a file or standard input: a `0xfade0c00` blob (as csreq takes any input starting with 0xfa) or text. */
export function requirementFromBytes(bytes: Uint8Array, source: RequirementSource): LoadedRequirement {
  if (bytes[0] === 0xfa) return fromBlob(source.name, bytes);
  return fromParse(source, new TextDecoder().decode(bytes), parseBytes(bytes, { mode: 'single' }));
}

export class RequirementFileError extends Error {
  override name = 'RequirementFileError';
}

/** A requirement file, bounded and regular; certificate paths in it are relative to its folder. */
export function requirementFromFile(file: string, cwd: string): LoadedRequirement {
  const full = path.resolve(cwd, file);
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(full, MAX_REQUIREMENT_BYTES);
  } catch (err) {
    if (err instanceof FileReadError) throw new RequirementFileError(`${file}: ${err.message}`);
    throw err;
  }
  return requirementFromBytes(bytes, { name: file, baseDir: path.dirname(full) });
}

/** The requirement a whole document stands for: itself, or a set's designated requirement. */
export function singleRequirement(doc: RequirementDocument): Requirement | string {
  if (doc.kind === 'requirement') return doc;
  const designated = doc.entries.find((e) => e.type === 3);
  return designated ? designated.requirement : 'a requirement set without a designated requirement; give a single requirement or choose a set entry';
}

function fromParse(source: RequirementSource, text: string, result: ReturnType<typeof parse>): LoadedRequirement {
  const doc = result.document;
  if (!result.ok || !doc || doc.kind !== 'requirement') return { name: source.name, text, requirement: undefined, diagnostics: result.diagnostics };
  const diagnostics = [...result.diagnostics];
  if (doc.expr) resolveCertificateFiles(doc.expr, source, diagnostics);
  return { name: source.name, text, requirement: diagnostics.some((d) => d.severity === 'error') ? undefined : doc, diagnostics };
}

function fromBlob(name: string, bytes: Uint8Array): LoadedRequirement {
  try {
    const doc = decompile(bytes);
    const req = singleRequirement(doc);
    if (typeof req === 'string') return { name, text: '', requirement: undefined, diagnostics: [blobDiagnostic(req)] };
    return { name, text: printCanonical(req), requirement: req, diagnostics: [] };
  } catch (err) {
    if (err instanceof BlobError) return { name, text: '', requirement: undefined, diagnostics: [blobDiagnostic(`not a valid requirement blob: ${err.message}`)] };
    throw err;
  }
}

function blobDiagnostic(message: string): Diagnostic {
  const start = { offset: 0, line: 1, column: 1 };
  return { code: 'CSR010', severity: 'error', message, range: { start, end: start } };
}

/** `certificate N = path` stores the SHA-1 of the file as read, at compile time (spec §2.4). */
function resolveCertificateFiles(e: Expr, source: RequirementSource, diagnostics: Diagnostic[]): void {
  const stack: Expr[] = [e];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'and' || n.kind === 'or') stack.push(n.left, n.right);
    else if (n.kind === 'not') stack.push(n.operand);
    else if (n.kind === 'certHash' && !n.hash && n.path) {
      const where = source.name === '<text>' ? 'the working directory' : source.name === '<stdin>' ? 'the working directory' : 'the requirement file';
      if (source.readCertificateFiles === false) {
        diagnostics.push({ code: 'CSR053', severity: 'error', message: `${n.path.text}: certificate files are not read in an untrusted workspace`, range: n.path.range });
        continue;
      }
      try {
        n.hash = createHash('sha1').update(readRegularFile(path.resolve(source.baseDir, n.path.text), MAX_CERT_FILE)).digest();
      } catch (err) {
        if (!(err instanceof FileReadError)) throw err;
        const why = err.code === 'not-found' ? 'not found' : `not a certificate file (${err.message})`;
        diagnostics.push({ code: 'CSR053', severity: 'error', message: `${n.path.text}: ${why} (certificate file, read relative to ${where})`, range: n.path.range });
      }
    }
  }
}
