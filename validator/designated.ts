/**
 * The designated requirement (DR) of one slice: the explicit one from the
 * embedded requirement set (type 3), or else the implicit one Apple computes
 * with DRMaker (spec §6.3), built in the same shape and nesting so that its
 * bytes are the bytes Apple would make.
 */
import type { CertSlot, Expr, Match, Oid, Requirement, Value } from '../grammar/ast.js';
import { NO_RANGE, REQUIREMENT_TYPES } from '../grammar/ast.js';
import { utf8Bytes, utf8Text } from '../grammar/bytes.js';
import { BlobError, decompile } from '../grammar/codec/decode.js';
import { encodeOid } from '../grammar/oid.js';
import { printApple } from '../grammar/print/apple.js';
import { appleRootBySha256 } from './evaluate/apple-roots.js';
import { certAt, subjectAttribute } from './evaluate/certs.js';
import type { CodeDirectoryFacts, CodeFacts } from './facts.js';

/** Why no designated requirement can be given (unsigned code, or a requirement set Apple's reader rejects). */
export class DesignatedRequirementError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DesignatedRequirementError';
  }
}

export interface DesignatedRequirement {
  requirement: Requirement;
  /** True when the signature holds no explicit DR and this one was computed as Apple computes it. */
  implicit: boolean;
  /** Apple-style text, as `codesign -d -r-` prints it (without the `designated => ` prefix). */
  text: string;
}

const OID_WWDR_MARKER = '1.2.840.113635.100.6.2.1'; // DRMaker adcSdkMarkerOID
const OID_DEVID_CA_MARKER = '1.2.840.113635.100.6.2.6'; // caspianIntermediateMarker
const OID_DEVID_APP_LEAF = '1.2.840.113635.100.6.1.13'; // caspianLeafMarker
const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_OU = '2.5.4.11';

/**
 * The DR of the code described by `facts`. Throws DesignatedRequirementError
 * for unsigned code and for a requirement set that cannot be decoded.
 */
export function designatedRequirement(facts: CodeFacts): DesignatedRequirement {
  if (facts.requirementSet) {
    const explicit = explicitDesignated(facts.requirementSet);
    if (explicit) return { requirement: explicit, implicit: false, text: printApple(explicit) };
  }
  const requirement = implicitDesignated(facts);
  return { requirement, implicit: true, text: printApple(requirement) };
}

function explicitDesignated(blob: Uint8Array): Requirement | undefined {
  let doc;
  try {
    doc = decompile(blob);
  } catch (err) {
    if (err instanceof BlobError) throw new DesignatedRequirementError(`the embedded requirement set is invalid: ${err.message}`);
    throw err;
  }
  if (doc.kind !== 'set') return doc;
  return doc.entries.find((e) => e.type === REQUIREMENT_TYPES.designated)?.requirement;
}

const R = NO_RANGE;

function value(text: string): Value {
  const bytes = utf8Bytes(text);
  return { range: R, bytes, text: utf8Text(bytes), form: 'quoted' };
}

function slot(index: number): CertSlot {
  return { range: R, index, spelling: index === 0 ? 'leaf' : index === -1 ? 'root' : 'number' };
}

function oid(text: string): Oid {
  return { range: R, bytes: encodeOid(text).bytes, text };
}

const exists: Match = { op: 'exists', range: R, implicit: true };
const and = (left: Expr, right: Expr): Expr => ({ kind: 'and', range: R, left, right });
/** DRMaker puts each `opAnd` before its left operand and the rest after it, so its chains nest to the right. */
const rightAnd = (...parts: Expr[]): Expr => parts.reduceRight((acc, p) => and(p, acc));
const certMarker = (s: number, o: string): Expr => ({ kind: 'certGeneric', range: R, slot: slot(s), oid: oid(o), prefix: 'field', match: exists });
const subjectEquals = (s: number, key: string, v: string): Expr => ({
  kind: 'certField',
  range: R,
  slot: slot(s),
  key: value(key),
  match: { op: 'equal', range: R, value: value(v) },
});

/** Apple's CodeDirectory::HashAlgorithm numbers; `codeDirectories()` is a map ordered by them. */
const HASH_TYPE_ORDER: Record<CodeDirectoryFacts['hashType'], number> = { sha1: 1, sha256: 2, sha256Truncated: 3, sha384: 4 };

/** DRMaker::make (signed code) or the cdhash chain of defaultDesignatedRequirement (ad-hoc code). */
export function implicitDesignated(facts: CodeFacts): Requirement {
  const chain = facts.certificates;
  if (chain.length === 0) return { kind: 'requirement', range: R, expr: adhocDesignated(facts), form: 1 };
  const id: Expr = { kind: 'identifier', range: R, value: value(facts.identifier ?? '') };
  const anchor = chain[chain.length - 1]!;
  let rest: Expr;
  const intermediate = chain.length === 3 ? chain[1]! : undefined;
  const has = (o: string) => intermediate?.extensions.some((x) => x.oid === o) ?? false;
  if (appleRootBySha256(anchor.sha256)) {
    const leaf = chain[0]!;
    if (has(OID_WWDR_MARKER)) {
      rest = rightAnd({ kind: 'anchorAppleGeneric', range: R }, subjectEquals(0, 'subject.CN', subjectAttribute(leaf, OID_CN) ?? ''), certMarker(1, OID_WWDR_MARKER));
    } else if (has(OID_DEVID_CA_MARKER)) {
      rest = rightAnd(
        { kind: 'anchorAppleGeneric', range: R },
        certMarker(1, OID_DEVID_CA_MARKER),
        certMarker(0, OID_DEVID_APP_LEAF),
        subjectEquals(0, 'subject.OU', subjectAttribute(leaf, OID_OU) ?? ''),
      );
    } else {
      rest = { kind: 'anchorApple', range: R };
    }
  } else {
    rest = nonAppleAnchor(facts);
  }
  return { kind: 'requirement', range: R, expr: and(id, rest), form: 1 };
}

/** Pins the highest certificate that still carries the leaf's Organization (DRMaker::nonAppleAnchor). */
function nonAppleAnchor(facts: CodeFacts): Expr {
  const chain = facts.certificates;
  const leafO = subjectAttribute(chain[0]!, OID_O);
  let s = 0;
  if (leafO !== undefined) {
    for (;;) {
      const ca = certAt(chain, s + 1);
      if (!ca || subjectAttribute(ca, OID_O) !== leafO) break;
      s++;
    }
    if (s === chain.length - 1) s = -1;
  }
  return { kind: 'certHash', range: R, slot: slot(s), hash: certAt(chain, s)!.sha1 };
}

/** Ad-hoc code: `cdhash H"…"` for every CodeDirectory, joined with `or` (Maker::Chain nests to the left). */
function adhocDesignated(facts: CodeFacts): Expr {
  const hashes = [...facts.codeDirectories]
    .sort((a, b) => HASH_TYPE_ORDER[a.hashType] - HASH_TYPE_ORDER[b.hashType])
    .map((cd) => cd.cdhash.subarray(0, 20));
  if (hashes.length === 0 && facts.cdhash) hashes.push(facts.cdhash.subarray(0, 20));
  if (hashes.length === 0) throw new DesignatedRequirementError('unsigned code has no designated requirement');
  const terms: Expr[] = hashes.map((hash) => ({ kind: 'cdhash', range: R, hash: Uint8Array.from(hash) }));
  return terms.reduce((acc, t) => ({ kind: 'or', range: R, left: acc, right: t }));
}
