/**
 * SARIF 2.1.0 output for GitHub code scanning and other SARIF viewers: one
 * run, every known code as a rule (id, name, descriptions, help, default
 * level), results with physical locations relative to the working folder
 * (`%SRCROOT%`), skipped files as tool execution notifications.
 */
import type { Diagnostic, Severity } from '../../grammar/diagnostics.js';
import { LANGUAGE_CODES, LINT_RULES } from '../../language-service/rules/index.js';
import { LWCR_CODES } from '../../lwcr/index.js';
import { toJson } from '../json.js';
import { sarifLog } from '../sarif-log.js';
import type { LintReport } from './lint.js';

const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, Level> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };
/** GitHub maps security-severity to critical/high/medium/low. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '7.5', warning: '5.0', information: '2.0', hint: '1.0' };

interface RuleInfo {
  code: string;
  id: string;
  title: string;
  defaultSeverity: Severity;
  description: string;
  help: string;
  security: boolean;
}

function allRules(): RuleInfo[] {
  return [
    ...LANGUAGE_CODES.map((c) => ({ ...c, security: false })),
    ...LINT_RULES.map((r) => ({ ...r, security: true })),
    ...Object.entries(LWCR_CODES).map(([code, title]) => ({
      code,
      id: `lwcr-${title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase()}`,
      title: `LWCR: ${title}`,
      defaultSeverity: 'error' as Severity,
      description: `Lightweight code requirement: ${title}.`,
      help: 'See docs/lwcr.md (validation codes LW0xx).',
      security: false,
    })),
  ].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

const pascal = (id: string) => id.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** A relative path as a URI reference: each segment percent-encoded. */
export function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function region(r: Diagnostic['range']) {
  return { startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

export function toSarif(report: LintReport, toolVersion: string, cwd: string) {
  const rules = allRules();
  const ruleIndex = new Map(rules.map((r, k) => [r.code, k]));
  const artifacts = report.files.map((f) => ({ location: { uri: relativeUri(f.path), uriBaseId: SRCROOT }, sourceLanguage: f.language }));
  const results = report.files.flatMap((file, artifactIndex) =>
    file.diagnostics.map((d) => {
      const location = { uri: relativeUri(file.path), uriBaseId: SRCROOT, index: artifactIndex };
      const index = ruleIndex.get(d.code);
      return {
        ruleId: d.code,
        ...(index !== undefined ? { ruleIndex: index } : {}),
        level: LEVEL[d.severity],
        message: { text: d.message },
        locations: [{ physicalLocation: { artifactLocation: location, region: region(d.range) } }],
        ...(d.fixes && d.fixes.length > 0
          ? {
              fixes: d.fixes.map((f) => ({
                description: { text: f.title },
                artifactChanges: [{ artifactLocation: location, replacements: [{ deletedRegion: region(f.range), insertedContent: { text: f.newText } }] }],
              })),
            }
          : {}),
      };
    }),
  );
  return sarifLog({
    toolVersion,
    informationUri: 'https://developer.apple.com/library/archive/documentation/Security/Conceptual/CodeSigningGuide/RequirementLang/RequirementLang.html',
    rules: rules.map((r) => ({
      id: r.code,
      name: pascal(r.id),
      shortDescription: { text: r.title },
      fullDescription: { text: r.description },
      help: { text: r.help, markdown: `**${r.title}**\n\n${r.description}\n\n${r.help}` },
      defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
      properties: r.security
        ? { tags: ['security'], precision: 'high', 'security-severity': SECURITY_SEVERITY[r.defaultSeverity] }
        : { tags: ['correctness'], precision: 'very-high' },
    })),
    baseId: SRCROOT,
    baseFolder: cwd,
    extra: { artifacts, columnKind: 'utf16CodeUnits' },
    results,
    invocation: {
      executionSuccessful: true,
      exitCode: report.exitCode,
      toolExecutionNotifications: report.skipped.map((s) => ({
        level: 'note',
        message: { text: `skipped: ${s.reason}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(s.path), uriBaseId: SRCROOT } } }],
      })),
    },
  });
}

export function formatSarif(report: LintReport, toolVersion: string, cwd: string): string {
  return toJson(toSarif(report, toolVersion, cwd)) + '\n';
}
