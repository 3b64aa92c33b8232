/**
 * The formatter: requirement text as a person would lay it out, the same for
 * `csrl fmt`, the language server and the extension.
 *
 * It formats any text that parses, whatever lint says about it: the layout
 * is the canonical printer's (every comment kept, the exact nesting kept, so
 * the compiled bytes never change) with `and`/`or` chains that do not fit the
 * line width broken before each operator. Text that does not parse is not
 * formatted; the result says why.
 */
import type { Diagnostic } from '../diagnostics.js';
import { parse, type ParseMode } from '../parser.js';
import { printCanonical } from './canonical.js';

export const DEFAULT_FORMAT_WIDTH = 80;
export const DEFAULT_FORMAT_INDENT = 4;

export interface FormatOptions {
  mode?: ParseMode;
  /** Line width that `and`/`or` chains are broken to fit (default 80). */
  width?: number;
  /** Spaces per level of nesting (default 4, at most 8). */
  indent?: number;
  /** Nesting limit given to the parser (default the parser's). */
  maxDepth?: number;
}

export type FormatResult =
  | { ok: true; text: string; changed: boolean }
  | { ok: false; reason: string; diagnostics: Diagnostic[] };

export function formatRequirementText(text: string, options: FormatOptions = {}): FormatResult {
  const parsed = parse(text, { mode: options.mode ?? 'auto', ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}) });
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (!parsed.document || errors.length > 0) {
    const first = errors[0];
    const reason = first
      ? `not formatted: the text does not parse (line ${first.range.start.line}, column ${first.range.start.column}: ${first.message})`
      : 'not formatted: the text holds no requirement';
    return { ok: false, reason, diagnostics: errors };
  }
  const width = Math.max(20, Math.floor(options.width ?? DEFAULT_FORMAT_WIDTH));
  const indent = options.indent ?? DEFAULT_FORMAT_INDENT;
  let formatted = printCanonical(parsed.document, { comments: parsed.comments, source: text, preserveNesting: true, layout: { width, indent } });
  formatted = formatted.replace(/\n*$/, '\n');
  return { ok: true, text: formatted, changed: formatted !== text };
}
