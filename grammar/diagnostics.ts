import type { Range } from './ast.js';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A text edit offered as a fix: replace `range` with `newText`. */
export interface TextFix {
  title: string;
  range: Range;
  newText: string;
}

/**
 * One finding about a requirement text. `code` is stable and documented in
 * DIAGNOSTIC_CODES; tools (CLI, LSP, SARIF) key on it.
 */
export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: Range;
  /** What Apple's parser would print for this error, for parity (spec §8.1), when it is an error Apple reports. */
  apple?: string;
  fixes?: TextFix[];
}

/**
 * Stable codes. CSR0xx: language (lexer, parser, semantic checks and silent
 * quirks of Apple's compiler). CSR1xx: security lint rules R1–R13
 * (users-and-lint-rules.md); those live in the server's analysis.
 */
export const DIAGNOSTIC_CODES = {
  // lexical
  CSR001: 'unexpected character',
  CSR002: 'carriage return (CRLF line ends) is not whitespace for Apple',
  CSR003: 'byte outside Apple\'s vocabulary (0xC0, 0xC1, 0xF5-0xFF)',
  CSR004: 'backslash not followed by " inside a string',
  CSR005: 'unterminated string',
  CSR006: 'unterminated block comment',
  CSR007: 'NUL character ends the input for Apple',
  // syntax
  CSR010: 'syntax error',
  CSR011: 'unexpected end of input',
  CSR012: 'unquoted value starting with a digit (e.g. a team ID)',
  CSR013: 'unquoted version number',
  CSR014: 'reserved keyword used as a value or key',
  CSR015: 'keywords are case-sensitive',
  CSR016: 'number used as a match value',
  CSR017: 'comma is never valid',
  CSR018: 'requirement set given where a single requirement is expected',
  CSR019: 'single requirement given where a requirement set is expected',
  CSR020: 'nesting too deep',
  CSR021: 'input longer than Apple reads from a file (10,239 bytes)',
  CSR022: 'unquoted value with characters a bare word cannot hold',
  CSR023: '`anchor` is not a certificate slot / `apple` forms only follow `anchor`',
  // semantic checks of Apple's parser (spec §2.7)
  CSR050: 'invalid hash length (H"…" needs exactly 40 hex digits)',
  CSR051: 'odd number of hex digits',
  CSR052: 'unrecognized certificate field prefix',
  CSR053: 'certificate file cannot be read',
  // silent quirks (spec §8.2)
  CSR060: 'OID with a single arc compiles to an empty OID',
  CSR061: 'non-numeric OID component truncates the OID',
  CSR062: 'invalid timestamp text silently becomes 2001-01-01',
  CSR063: 'word after `anchor` is read as a certificate file path',
  CSR064: 'value comparison on a field./policy. key can never be true',
  CSR065: 'unknown subject. field always evaluates to false',
  CSR066: 'duplicate requirement type in a set: the later entry wins',
  CSR067: 'asterisk inside a quoted string is a literal character, not a wildcard',
  CSR068: 'integer wraps to a 32-bit value',
  CSR069: '$self.identifier is substituted only when signing',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES | `CSR1${number}`;
