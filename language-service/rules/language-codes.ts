import { DIAGNOSTIC_CODES } from '../../grammar/diagnostics.js';
import type { RuleSeverity } from './types.js';

export interface CodeInfo {
  code: string;
  id: string;
  title: string;
  defaultSeverity: Exclude<RuleSeverity, 'off'>;
  description: string;
  help: string;
}

const LANGUAGE_SEVERITY: Record<string, Exclude<RuleSeverity, 'off'>> = {
  CSR002: 'warning', CSR021: 'warning', CSR060: 'warning', CSR061: 'warning', CSR062: 'warning', CSR063: 'warning',
  CSR064: 'warning', CSR065: 'warning', CSR066: 'warning', CSR067: 'warning', CSR068: 'warning', CSR069: 'information',
};

/** Not a grammar code: a literal the analysis could not read (concatenated strings, interpolation, …). */
export const NOT_ANALYSED_CODE = 'CSR100';

/**
 * Not a grammar code: the requirements were read from signed content (a CMS-signed
 * configuration profile) without verifying the signature; positions are in that content.
 */
export const SIGNED_CONTENT_CODE = 'CSR190';

/** Metadata of the language-level codes (grammar/diagnostics.ts) plus the analysis note CSR100, for SARIF rule lists. */
export const LANGUAGE_CODES: readonly CodeInfo[] = [
  ...Object.entries(DIAGNOSTIC_CODES).map(([code, title]) => ({
    code,
    id: title.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase(),
    title,
    defaultSeverity: LANGUAGE_SEVERITY[code] ?? 'error',
    description: title.charAt(0).toUpperCase() + title.slice(1) + '.',
    help: 'See docs/lint-rules.md and the language reference (spec requirement-language.md §1, §2.7, §8).',
  })),
  {
    code: NOT_ANALYSED_CODE, id: 'not-analysed', title: 'requirement text not analysed', defaultSeverity: 'information',
    description: 'The requirement is built at run time (concatenated literals, interpolation, a variable), so it was not checked.',
    help: 'Write the requirement as one literal so it can be checked.',
  },
  {
    code: SIGNED_CONTENT_CODE, id: 'signed-content-unverified', title: 'signed content read without verifying the signature', defaultSeverity: 'information',
    description: 'A CMS-signed configuration profile: the signed property list was read to lint its requirements; the signature and the signer\'s trust were not verified, and positions are in the signed content.',
    help: 'Lint the unsigned profile to get positions in the file you edit; installing the profile verifies the signature.',
  },
];
