/**
 * `validation-category` of a slice, statically, by Security.framework's
 * rules (spec lwcr.md §2.7, [SEC] `SecStaticCode::validationCategory`): trust
 * cache or `anchor apple` → 1, ad-hoc / no CMS → 10, a chain that does not
 * end at an Apple root → 10, else the CoreTrust policy its certificate
 * markers imply. CoreTrust is closed source, so the marker table below is
 * what the spec infers; rows it marks uncertain say so, and the answer
 * carries the doubt into the explanation.
 */
import type { Requirement } from '../grammar/ast.js';
import { decompile } from '../grammar/codec/decode.js';
import { appleRootBySha256 } from '../validator/evaluate/apple-roots.js';
import { evaluate } from '../validator/evaluate/evaluate.js';
import type { CertificateFacts, CodeFacts } from '../validator/facts.js';

const APPLE = '1.2.840.113635.100.6.';

/** One row per CoreTrust policy, in the order CoreTrust's flags are consulted (§2.7 a–g). Edit here to correct. */
export const CATEGORY_MARKERS: readonly { category: number; policy: string; leaf: readonly string[]; intermediate?: readonly string[]; uncertain?: string }[] = [
  { category: 6, policy: 'DEVELOPER_ID', intermediate: [APPLE + '2.6'], leaf: [APPLE + '1.13'] },
  { category: 4, policy: 'MAC_APP_STORE / IPHONE_APP_PROD / TVOS_APP_PROD', leaf: [APPLE + '1.9', APPLE + '9.1', APPLE + '1.3', APPLE + '3.1', APPLE + '1.24', APPLE + '24.1'] },
  { category: 3, policy: 'MAC_DEVELOPER / IPHONE_DEVELOPER', intermediate: [APPLE + '2.1'], leaf: [APPLE + '1.12', APPLE + '1.2'] },
  { category: 5, policy: 'IPHONE_DISTRIBUTION', leaf: [APPLE + '1.4'], uncertain: 'the distribution leaf marker is inferred' },
  { category: 10, policy: 'IPHONE_VPN_PROD', leaf: [APPLE + '1.6'], uncertain: 'the VPN leaf marker is inferred' },
  { category: 2, policy: 'TEST_FLIGHT_DEV / TEST_FLIGHT_PROD', leaf: [APPLE + '1.25.1', APPLE + '1.25.2'] },
];

export interface CategoryAnswer {
  /** The category, or undefined when only the Mac can tell. */
  value?: number;
  explanation: string;
  /** Set when the answer rests on an uncertain row. */
  uncertain?: string;
}

const hasExt = (c: CertificateFacts | undefined, oids: readonly string[]) => c !== undefined && c.extensions.some((e) => oids.includes(e.oid));

/**
 * `anchor apple` compiled (opAppleAnchor): decoded rather than parsed from
 * text, so that `csrl info` never builds the text parser (Chevrotain's
 * grammar analysis), which took longer than reading the whole signature.
 */
const ANCHOR_APPLE_BLOB = Uint8Array.of(0xfa, 0xde, 0x0c, 0x00, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 3);

let anchorApple: Requirement | undefined;
function anchorAppleRequirement(): Requirement {
  if (!anchorApple) {
    const doc = decompile(ANCHOR_APPLE_BLOB);
    anchorApple = doc && doc.kind === 'requirement' ? doc : undefined;
    if (!anchorApple) throw new Error('cannot parse "anchor apple"');
  }
  return anchorApple;
}

export function validationCategory(facts: CodeFacts): CategoryAnswer {
  // Rule 1 (trust cache) is invisible to a static check; Apple platform code is where it matters.
  const apple = evaluate(anchorAppleRequirement(), facts).verdict;
  if (apple === 'true') return { value: 1, explanation: 'the code satisfies `anchor apple` (macOS rule 2): platform' };
  if (facts.platform !== undefined && facts.platform !== 0) return { explanation: `platform binary (CodeDirectory platform ${facts.platform}): category 1 if its cdhash is in a loaded trust cache, which only the Mac knows` };
  if (apple === 'undetermined') return { explanation: 'whether the code satisfies `anchor apple` (category 1) is known only on the Mac' };
  if (facts.adhoc || facts.certificates.length === 0) return { value: 10, explanation: `${facts.adhoc ? 'ad-hoc signed' : 'no CMS signature'}: none of the above (10) unless its cdhash is in a trust cache` };
  const anchor = facts.certificates[facts.certificates.length - 1]!;
  const root = appleRootBySha256(anchor.sha256);
  if (!root) return { value: 10, explanation: `the chain ends at ${JSON.stringify(anchor.subjectText)}, not an Apple root: none of the above (10)` };
  const leaf = facts.certificates[0];
  const intermediate = facts.certificates.length > 2 ? facts.certificates[1] : undefined;
  for (const row of CATEGORY_MARKERS) {
    if (hasExt(leaf, row.leaf) && (!row.intermediate || hasExt(intermediate, row.intermediate))) {
      const a: CategoryAnswer = { value: row.category, explanation: `Apple chain (${root.name}) with ${row.policy} certificate markers: category ${row.category}` };
      if (row.uncertain) a.uncertain = row.uncertain;
      return a;
    }
  }
  return { value: 10, explanation: `Apple chain (${root.name}) without a known developer marker: none of the above (10)`, uncertain: 'chains without a known marker (e.g. Apple Distribution) are taken as 10' };
}
