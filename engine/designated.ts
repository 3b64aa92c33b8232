/**
 * The designated requirement of code on disk, per slice (explicit, or
 * implicit as Apple computes it): what "Insert designated requirement" puts
 * into a document and what `csrl info` shows.
 */
import { printCanonical } from '../grammar/print/canonical.js';
import { designatedRequirement } from '../validator/designated.js';
import type { CodeFacts } from '../validator/facts.js';
import { CodeReadError, readCode } from '../validator/read.js';

export class DesignatedError extends Error {
  override name = 'DesignatedError';
}

export async function designatedOf(target: string): Promise<{ arch: string; text: string; implicit: boolean }[]> {
  let report;
  try {
    report = await readCode(target, { verifyPages: false });
  } catch (err) {
    if (err instanceof CodeReadError) throw new DesignatedError(`${target} cannot be read: ${err.message}`);
    throw err;
  }
  const out: { arch: string; text: string; implicit: boolean }[] = [];
  for (const slice of report.slices) {
    if (slice.status === 'unsigned') continue;
    try {
      const dr = designatedRequirement(slice.facts);
      out.push({ arch: slice.arch, text: printCanonical(dr.requirement), implicit: dr.implicit });
    } catch (err) {
      throw new DesignatedError(`${target} (${slice.arch}): ${(err as Error).message}`);
    }
  }
  if (out.length === 0) throw new DesignatedError(`${target} is not signed, so it has no designated requirement`);
  return out;
}

/** The signing facts of every slice of the code at `target` (signature read, pages not hashed). */
export async function sliceFactsOf(target: string): Promise<CodeFacts[]> {
  try {
    return (await readCode(target, { verifyPages: false })).slices.map((s) => s.facts);
  } catch (err) {
    if (err instanceof CodeReadError) throw new DesignatedError(`${target} cannot be read: ${err.message}`);
    throw err;
  }
}
