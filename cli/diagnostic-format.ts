import type { Diagnostic } from '../grammar/diagnostics.js';

const SEVERITY_WORD: Record<Diagnostic['severity'], string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** `FILE:LINE:COL: severity: message [CODE]`, 1-based, the form compilers and editors' problem matchers read. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line}:${d.range.start.column}: ${SEVERITY_WORD[d.severity]}: ${d.message} [${d.code}]`;
}
