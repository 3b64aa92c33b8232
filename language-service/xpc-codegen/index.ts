/**
 * "Generate XPC validation code": Swift, Objective-C or C that makes an XPC
 * service accept only clients satisfying a requirement, for a deployment
 * target, with the client hardening check in every variant. Pure (no I/O,
 * no editor), so the VS Code command and any other front end show the same
 * code. The requirement text reaches the output only through the literal
 * writers of language-service/embedded/escape.ts.
 */
import { analyzeRequirement } from '../analysis/analyze.js';
import type { Diagnostic } from '../../grammar/diagnostics.js';
import { libxpcCode } from './libxpc.js';
import { nsxpcCode } from './nsxpc.js';
import { selectTiers, validateOptions, type Tier, type XpcCodegenOptions, type XpcLanguage } from './options.js';
import { planPeerRequirement, type PeerPlan } from './peer.js';
import { swiftXpcCode } from './swift-xpc.js';

export * from './options.js';
export type { PeerPlan } from './peer.js';

export interface GeneratedXpcCode {
  code: string;
  /** The VS Code language id of the code. */
  languageId: 'swift' | 'objective-c' | 'c';
  /** The mechanisms used, newest first (the last one without an availability check). */
  tiers: Tier[];
  plan: PeerPlan;
}

export function xpcDocumentLanguage(language: XpcLanguage): GeneratedXpcCode['languageId'] {
  return language === 'swift' ? 'swift' : language === 'objc' ? 'objective-c' : 'c';
}

export function generateXpcCode(requirementText: string, options: XpcCodegenOptions): GeneratedXpcCode {
  validateOptions(options);
  const plan = planPeerRequirement(requirementText);
  const tiers = selectTiers(options, (tier) => {
    if (tier === 'peer-lwcr') return plan.lwcr !== undefined;
    if (tier === 'xpc-listener-requirement') return plan.builder !== undefined;
    return true;
  });
  const parts = options.family === 'nsxpc' ? nsxpcCode(requirementText, options, tiers) : options.language === 'swift' ? swiftXpcCode(requirementText, tiers, plan) : libxpcCode(requirementText, options, tiers, plan);
  const code = parts.map((p) => p.replace(/^\n+|\n+$/g, '')).join('\n\n') + '\n';
  return { code, languageId: xpcDocumentLanguage(options.language), tiers, plan };
}

/**
 * What a person should hear before embedding the requirement in code:
 * errors (Apple would reject the requirement at run time) and security
 * findings (lint warnings and errors, CSR1xx), from the same analysis the
 * editor shows.
 */
export function xpcCodegenConcerns(requirementText: string): { errors: Diagnostic[]; security: Diagnostic[] } {
  const { diagnostics } = analyzeRequirement(requirementText, { mode: 'single' });
  return {
    errors: diagnostics.filter((d) => d.severity === 'error' && !d.code.startsWith('CSR1')),
    security: diagnostics.filter((d) => d.code.startsWith('CSR1') && (d.severity === 'error' || d.severity === 'warning')),
  };
}
