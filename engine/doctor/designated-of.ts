/**
 * Sparkle's rule, "the new version must satisfy the old version's designated
 * requirement": the DR of OLD (explicit, or implicit as Apple computes it)
 * evaluated against NEW by the same engine as `csrl check`, every
 * architecture. OLD's own signature must verify (its DR is only as good as
 * its signature); if OLD's slices have different DRs, NEW is checked against
 * each and the worst result stands.
 */
import { printCanonical } from '../../grammar/print/canonical.js';
import { designatedRequirement, DesignatedRequirementError } from '../../validator/designated.js';
import { oneLine } from '../../validator/printable.js';
import { CodeReadError, readCode } from '../../validator/read.js';
import { checkPath, type CheckOptions } from '../check.js';
import { requirementFromText } from '../requirement.js';
import { failedResult, type CheckResult } from '../result.js';
import { RANK } from './clause.js';

export interface DesignatedOfResult {
  /** OLD's designated requirement per slice. */
  designated: { arch: string; text: string; implicit: boolean }[];
  /** NEW against each distinct DR, in slice order. */
  results: CheckResult[];
  /** The result that decides: the worst of `results` (or why OLD gave no DR). */
  result: CheckResult;
}

export async function checkDesignatedOf(oldPath: string, newPath: string, shownOld: string, options: CheckOptions = {}): Promise<DesignatedOfResult> {
  const fail = (code: string, message: string): DesignatedOfResult => {
    const result = failedResult('', newPath, { code, message });
    return { designated: [], results: [result], result };
  };
  let report;
  try {
    report = await (options.readCode ?? readCode)(oldPath, { verifyPages: options.verifyPages ?? true, at: options.at ?? 'signing-time', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    if (err instanceof CodeReadError) return fail('old-unreadable', `--designated-of ${oneLine(shownOld)}: ${err.message}`);
    throw err;
  }
  const designated: DesignatedOfResult['designated'] = [];
  for (const slice of report.slices) {
    if (slice.status === 'unsigned') return fail('old-unsigned', `--designated-of ${oneLine(shownOld)}: the ${slice.arch} slice is not signed, so it has no designated requirement`);
    if (!slice.verification.ok) {
      const first = slice.verification.problems.find((p) => p.severity === 'error');
      return fail('old-invalid', `--designated-of ${oneLine(shownOld)}: the ${slice.arch} slice's signature does not verify${first ? `: ${first.message} [${first.code}]` : ''}; its designated requirement is not trusted`);
    }
    try {
      const dr = designatedRequirement(slice.facts);
      designated.push({ arch: slice.arch, text: printCanonical(dr.requirement), implicit: dr.implicit });
    } catch (err) {
      if (err instanceof DesignatedRequirementError) return fail('old-no-designated', `--designated-of ${oneLine(shownOld)} (${slice.arch}): ${err.message}`);
      throw err;
    }
  }
  if (designated.length === 0) return fail('old-no-designated', `--designated-of ${oneLine(shownOld)}: no slice`);
  const results: CheckResult[] = [];
  for (const text of [...new Set(designated.map((d) => d.text))]) {
    const loaded = requirementFromText(text, { name: '<designated>', baseDir: '/', readCertificateFiles: false });
    if (!loaded.requirement) {
      results.push(failedResult(text, newPath, { code: 'requirement-invalid', message: `the designated requirement of ${oneLine(shownOld)} does not parse back: ${loaded.diagnostics[0]?.message ?? ''}` }));
      continue;
    }
    results.push(await checkPath(loaded.requirement, text, newPath, options));
  }
  const result = [...results].sort((a, b) => RANK[b.verdict] - RANK[a.verdict])[0]!;
  return { designated, results, result };
}
