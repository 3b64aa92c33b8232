import type { Range as AstRange } from '../grammar/ast.js';
import type { Diagnostic as CoreDiagnostic } from '../grammar/diagnostics.js';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver';

export function toLspRange(r: AstRange): Range {
  return {
    start: { line: r.start.line - 1, character: r.start.column - 1 },
    end: { line: r.end.line - 1, character: r.end.column - 1 },
  };
}

const SEVERITY: Record<CoreDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(d: CoreDiagnostic): Diagnostic {
  const out: Diagnostic = {
    range: toLspRange(d.range),
    severity: SEVERITY[d.severity],
    code: d.code,
    source: 'csrl',
    message: d.message,
  };
  if (d.apple) out.data = { apple: d.apple };
  return out;
}
