/**
 * Text and JSON renderings of a lint report. The JSON schema is documented
 * in docs/lint-json.md; its `version` changes only on incompatible changes.
 */
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { RULE_BY_CODE } from '../../language-service/rules/index.js';
import { formatDiagnostic } from '../diagnostic-format.js';
import { toJson } from '../json.js';
import type { LintReport } from './lint.js';

export const JSON_SCHEMA_VERSION = 1;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function formatText(report: LintReport): { stdout: string; stderr: string } {
  const out: string[] = [];
  // One finding per line, whatever the message holds: problem matchers read line by line.
  for (const file of report.files) for (const d of file.diagnostics) out.push(formatDiagnostic(file.path, { ...d, message: d.message.replace(/\s*[\r\n]+\s*/g, ' ') }));
  const err = report.skipped.map((s) => `${s.path}: note: skipped: ${s.reason}`);
  const s = report.summary;
  const notes = s.information + s.hints;
  let line =
    `csrl lint: ${plural(s.requirements, 'requirement')} in ${plural(s.filesWithRequirements, 'file')} ` +
    `(${plural(s.filesRead, 'file')} read): ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(notes, 'note')}`;
  if (s.skipped > 0) line += `; ${plural(s.skipped, 'path')} skipped`;
  if (report.maxWarnings >= 0 && s.warnings > report.maxWarnings) line += `; more warnings than --max-warnings ${report.maxWarnings}`;
  out.push(line);
  return { stdout: out.join('\n') + '\n', stderr: err.length ? err.join('\n') + '\n' : '' };
}

interface JsonPosition {
  line: number;
  column: number;
  offset: number;
}

function position(p: { line: number; column: number; offset: number }): JsonPosition {
  return { line: p.line, column: p.column, offset: p.offset };
}

function jsonDiagnostic(d: Diagnostic) {
  const rule = RULE_BY_CODE.get(d.code);
  return {
    code: d.code,
    rule: rule ? rule.id : null,
    severity: d.severity,
    message: d.message,
    range: { start: position(d.range.start), end: position(d.range.end) },
    fixes: (d.fixes ?? []).map((f) => ({ title: f.title, range: { start: position(f.range.start), end: position(f.range.end) }, newText: f.newText })),
  };
}

export function toJsonReport(report: LintReport, toolVersion: string) {
  return {
    version: JSON_SCHEMA_VERSION,
    tool: { name: 'csrl', version: toolVersion },
    files: report.files.map((f) => ({ path: f.path, language: f.language, requirements: f.requirements, diagnostics: f.diagnostics.map(jsonDiagnostic) })),
    skipped: report.skipped.map((s) => ({ path: s.path, reason: s.reason })),
    summary: { ...report.summary },
    maxWarnings: report.maxWarnings >= 0 ? report.maxWarnings : null,
    exitCode: report.exitCode,
  };
}

export function formatJson(report: LintReport, toolVersion: string): string {
  return toJson(toJsonReport(report, toolVersion)) + '\n';
}
