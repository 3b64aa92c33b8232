/**
 * The editor side of "Generate XPC validation code": the quick picks and the
 * question asked before a requirement with errors or security findings is
 * embedded in code. The generation itself is language-service/xpc-codegen
 * (the same code for every front end). Pure (no `vscode`), so it is tested
 * without an editor.
 */
import type { Diagnostic } from '../grammar/diagnostics.js';
import { DEPLOYMENT_TARGETS, XPC_FLAVOURS, type DeploymentTarget, type XpcFamily, type XpcLanguage } from '../language-service/xpc-codegen/options.js';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export function flavourItems(): PickItem<{ language: XpcLanguage; family: XpcFamily }>[] {
  return XPC_FLAVOURS.map((f) => ({ label: f.label, detail: f.detail, value: { language: f.language, family: f.family } }));
}

/** Deployment targets, oldest supported system first in the detail; NSXPCConnection has nothing for 14.4 or 26 of its own, so those say so. */
export function targetItems(family: XpcFamily, language: XpcLanguage): PickItem<DeploymentTarget>[] {
  return DEPLOYMENT_TARGETS.map((t) => ({
    label: t.label,
    description: 'or later',
    detail: family === 'nsxpc' && (t.target === '26' || t.target === '14.4') ? 'NSXPCConnection: setCodeSigningRequirement (macOS 13) is its newest check' : language !== 'swift' && t.target === '26' ? 'C API: the macOS 14.4 peer requirements' : t.detail,
    value: t.target,
  }));
}

/** Most findings listed in the question; the rest are counted. */
const MAX_LISTED = 8;

/**
 * The modal question before generating, or undefined when there is nothing
 * to say. Errors first: Apple rejects such a requirement at run time (the
 * generated code then fails closed, and no client gets in at all).
 */
export function codegenQuestion(concerns: { errors: Diagnostic[]; security: Diagnostic[] }): { message: string; detail: string; proceed: string } | undefined {
  const { errors, security } = concerns;
  if (errors.length === 0 && security.length === 0) return undefined;
  const what = [errors.length > 0 ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : '', security.length > 0 ? `${security.length} security finding${security.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' and ');
  const message = `The requirement has ${what}. Generate XPC validation code anyway?`;
  const line = (d: Diagnostic) => `• line ${d.range.start.line}: ${d.message} (${d.code})`;
  const all = [...errors, ...security];
  const lines = all.slice(0, MAX_LISTED).map(line);
  if (all.length > MAX_LISTED) lines.push(`… and ${all.length - MAX_LISTED} more (see the Problems view).`);
  if (errors.length > 0) lines.push('', 'Apple rejects a requirement with errors when the service starts checking clients: the generated code then accepts no client at all.');
  return { message, detail: lines.join('\n'), proceed: 'Generate anyway' };
}
