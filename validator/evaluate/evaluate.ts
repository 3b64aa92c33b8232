/**
 * Requirement evaluation with per-clause explanations.
 *
 * Mirrors Apple's interpreter (`reqinterp.cpp`, spec §5) node by node over
 * the facts of one slice, and returns a tree that has the shape of the
 * requirement. Whatever only a Mac can decide (trust settings, notarization
 * tickets, the kernel trust cache, the legacy Developer ID list, named
 * requirements inside Security.framework) is `undetermined`, with a reason,
 * unless a documented rule already decides it.
 */
import type { Expr, Match, Requirement, Range } from '../../grammar/ast.js';
import { bytesEqual, toHex, utf8Strict } from '../../grammar/bytes.js';
import { decodeOid } from '../../grammar/oid.js';
import { CF_EPOCH_OFFSET } from '../../grammar/timestamp.js';
import { strongestCodeDirectory, type CertificateFacts, type CodeFacts, type PlistDict } from '../facts.js';
import { appleRootBySha256 } from './apple-roots.js';
import { certAt, certLabel, extensionDate, findExtension, hasPolicy, slotName, subjectAttribute, SUBJECT_FIELDS } from './certs.js';
import { clauseText } from './clause.js';
import { applyMatch, CertDate, CF_NULL, describeCandidate, describeExpectation, type Candidate } from './match.js';
import { describeOid } from './oids.js';

export type Verdict = 'true' | 'false' | 'undetermined';

export type UndeterminedReason =
  | 'needs-macos'
  | 'needs-trust-settings'
  | 'needs-notarization-ticket'
  | 'needs-trust-cache'
  | 'needs-legacy-list'
  | 'named-requirement'
  | 'unknown-opcode';

export interface EvalNode {
  kind: Expr['kind'];
  verdict: Verdict;
  /** One line with the evidence. */
  explanation: string;
  /** The node's source range (from the AST). */
  range: Range;
  /** The clause as short canonical text. */
  clause: string;
  children: EvalNode[];
  reason?: UndeterminedReason;
}

export interface EvaluateOptions {
  /** The time the evaluation is about. Apple's interpreter itself never looks at certificate validity; kept for callers that report it beside the tree. */
  at?: Date;
}

/** Apple's interpreter gives up (errSecCSReqInvalid) after this many nested evaluations. */
export const MAX_EVAL_DEPTH = 1000;

/** The Developer ID account-creation cutoff `legacy` uses: 2019-04-08T00:00:00Z (spec §5.3). */
export const LEGACY_ACCOUNT_CUTOFF = 576374400;
/** The secure-timestamp cutoff `legacy` uses: 2019-06-01T00:00:00Z. */
export const LEGACY_TIMESTAMP_CUTOFF = 581040000;

const OID_DEVID_DATE = '1.2.840.113635.100.6.1.33';
const OID_MACOS_SOFTWARE_SIGNING = '1.2.840.113635.100.6.22';
const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const APPLE_CODE_SIGNING_CA = 'Apple Code Signing Certification Authority';

interface Directory {
  identifier?: string;
  cdhash?: Uint8Array;
  platform?: number;
  /** Which CodeDirectory the values come from, for explanations. */
  source: string;
}

interface Ctx {
  facts: CodeFacts;
  directory: Directory | undefined;
  depth: number;
  /** Some node was deeper than MAX_EVAL_DEPTH: Apple's interpreter throws, for the whole requirement. */
  tooDeep: boolean;
}

function directoryOf(facts: CodeFacts): Directory | undefined {
  const cds = facts.codeDirectories;
  const best = strongestCodeDirectory(cds);
  if (best) {
    return {
      identifier: best.identifier ?? facts.identifier,
      cdhash: best.cdhash.subarray(0, 20),
      platform: best.platform,
      source: `the ${best.hashType} CodeDirectory${cds.length > 1 ? ` (slot 0x${best.slot.toString(16)}, the strongest of ${cds.length})` : ''}`,
    };
  }
  if (facts.identifier === undefined && facts.cdhash === undefined) return undefined;
  return { identifier: facts.identifier, cdhash: facts.cdhash?.subarray(0, 20), platform: facts.platform, source: 'the CodeDirectory' };
}

function node(e: Expr, verdict: Verdict, explanation: string, children: EvalNode[] = [], reason?: UndeterminedReason): EvalNode {
  const n: EvalNode = { kind: e.kind, verdict, explanation, range: e.range, clause: clauseText(e), children };
  if (reason) n.reason = reason;
  return n;
}

const v = (b: boolean): Verdict => (b ? 'true' : 'false');

/**
 * Evaluates a requirement (or one expression) against the facts of one slice.
 * Apple's interpreter never consults the clock or certificate validity, so
 * no verdict depends on `options.at`; validity is the reader's and the
 * posture report's business.
 */
export function evaluate(requirement: Requirement | Expr, facts: CodeFacts, _options: EvaluateOptions = {}): EvalNode {
  const ctx: Ctx = { facts, directory: directoryOf(facts), depth: 0, tooDeep: false };
  if (requirement.kind === 'requirement') {
    if (requirement.form === 2) {
      return {
        kind: 'error',
        verdict: 'undetermined',
        explanation: 'a lightweight code requirement (blob form 2) is a different language; it is not evaluated here',
        range: requirement.range,
        clause: '/* lightweight code requirement */',
        children: [],
        reason: 'needs-macos',
      };
    }
    if (!requirement.expr) {
      return { kind: 'error', verdict: 'undetermined', explanation: 'the requirement has no readable expression', range: requirement.range, clause: '', children: [] };
    }
    return rejectTooDeep(ev(requirement.expr, ctx), ctx);
  }
  return rejectTooDeep(ev(requirement, ctx), ctx);
}

/**
 * Apple's interpreter throws errSecCSReqInvalid when it nests too deep, which
 * ends the whole evaluation, whatever the other clauses say: the requirement
 * is never satisfied. Its depth counts every level of a left-nested chain
 * (`a and b and c …` as compiled, spec §2.3), so chains of about 1000
 * clauses and more all end here. The tree below keeps what each clause says.
 */
function rejectTooDeep(root: EvalNode, ctx: Ctx): EvalNode {
  if (!ctx.tooDeep) return root;
  root.verdict = 'false';
  root.explanation = `the requirement nests deeper than ${MAX_EVAL_DEPTH} levels (every clause of a chain of and/or is one level, as Apple compiles chains): Apple's interpreter rejects it as invalid (errSecCSReqInvalid), so it is never satisfied`;
  delete root.reason;
  return root;
}

function ev(e: Expr, ctx: Ctx): EvalNode {
  ctx.depth++;
  try {
    if (ctx.depth > MAX_EVAL_DEPTH) {
      ctx.tooDeep = true;
      return node(e, 'false', `nested deeper than ${MAX_EVAL_DEPTH} levels: Apple's interpreter rejects the requirement as invalid`);
    }
    return evalExpr(e, ctx);
  } finally {
    ctx.depth--;
  }
}

/** The deepest same-kind descendant that carries `verdict`, so `a and b and c` names the clause that failed. */
function culprit(n: EvalNode, verdict: Verdict): EvalNode {
  let cur = n;
  for (;;) {
    const next: EvalNode | undefined = cur.kind === n.kind ? cur.children.find((c) => c.verdict === verdict) : undefined;
    if (!next) return cur;
    cur = next;
  }
}

function evalExpr(e: Expr, ctx: Ctx): EvalNode {
  const { facts, directory } = ctx;
  switch (e.kind) {
    case 'and': {
      // Apple evaluates both sides, always; so do we, to explain both.
      const l = ev(e.left, ctx);
      const r = ev(e.right, ctx);
      const parts = [l, r];
      const n = node(e, 'true', '', parts);
      if (l.verdict === 'false' || r.verdict === 'false') {
        n.verdict = 'false';
        n.explanation = `${culprit(n, 'false').clause} does not hold`;
      } else if (l.verdict === 'undetermined' || r.verdict === 'undetermined') {
        n.verdict = 'undetermined';
        const c = culprit(n, 'undetermined');
        n.explanation = `${c.clause} cannot be decided here; everything else holds`;
        if (c.reason) n.reason = c.reason;
      } else {
        n.explanation = 'every part holds';
      }
      return n;
    }
    case 'or': {
      const l = ev(e.left, ctx);
      const r = ev(e.right, ctx);
      const n = node(e, 'false', '', [l, r]);
      if (l.verdict === 'true' || r.verdict === 'true') {
        n.verdict = 'true';
        n.explanation = `${culprit(n, 'true').clause} holds`;
      } else if (l.verdict === 'undetermined' || r.verdict === 'undetermined') {
        n.verdict = 'undetermined';
        const c = culprit(n, 'undetermined');
        n.explanation = `no alternative holds for sure; ${c.clause} cannot be decided here`;
        if (c.reason) n.reason = c.reason;
      } else {
        n.explanation = 'no alternative holds';
      }
      return n;
    }
    case 'not': {
      const o = ev(e.operand, ctx);
      const verdict: Verdict = o.verdict === 'undetermined' ? 'undetermined' : o.verdict === 'true' ? 'false' : 'true';
      const n = node(e, verdict, verdict === 'undetermined' ? 'the negated clause cannot be decided here' : `the negated clause is ${o.verdict}`, [o]);
      if (o.reason) n.reason = o.reason;
      return n;
    }
    case 'const':
      return node(e, v(e.value), e.value ? 'always true' : 'never true');
    case 'identifier': {
      if (!directory) return node(e, 'false', 'the code has no CodeDirectory (unsigned), so it has no identifier');
      const want = utf8Strict(e.value.bytes) ?? e.value.text;
      const have = directory.identifier;
      if (have === undefined) return node(e, 'false', `the CodeDirectory has no identifier, expected ${JSON.stringify(want)}`);
      const ok = bytesEqual(new TextEncoder().encode(have), e.value.bytes);
      return node(e, v(ok), ok ? `identifier is ${JSON.stringify(have)}` : `identifier is ${JSON.stringify(have)}, expected ${JSON.stringify(want)} (exact, case-sensitive)`);
    }
    case 'cdhash': {
      if (!directory || !directory.cdhash) return node(e, 'false', 'the code has no CodeDirectory (unsigned), so it has no cdhash');
      const ok = bytesEqual(directory.cdhash, e.hash);
      const extra = e.hash.length !== 20 ? ` (the requirement's hash has ${e.hash.length} bytes; cdhashes are compared at 20)` : '';
      return node(e, v(ok), ok ? `cdhash of ${directory.source} is ${toHex(directory.cdhash)}` : `cdhash of ${directory.source} is ${toHex(directory.cdhash)}, expected ${toHex(e.hash)}${extra}`);
    }
    case 'platform': {
      if (!directory) return node(e, 'false', 'the code has no CodeDirectory (unsigned), so it has no platform');
      const p = directory.platform ?? 0;
      const ok = p === e.value;
      return node(e, v(ok), ok ? `platform is ${p}` : `platform is ${p}, expected ${e.value}${p === 0 ? ' (0: not a platform binary)' : ''}`);
    }
    case 'notarized': {
      if (!directory?.cdhash) return node(e, 'false', 'the code has no cdhash, so there is nothing a notarization ticket could be for');
      return node(e, 'undetermined', `whether a notarization ticket exists for cdhash ${toHex(directory.cdhash)} is known only to a Mac (stapled ticket or Apple's ticket service)`, [], 'needs-notarization-ticket');
    }
    case 'legacy':
      return evalLegacy(e, ctx);
    case 'namedCode':
      return node(e, 'undetermined', `named code requirement ${JSON.stringify(e.name.text)} is read from Security.framework on a Mac`, [], 'named-requirement');
    case 'namedAnchor':
      return node(e, 'undetermined', `named anchor ${JSON.stringify(e.name.text)} is read from Security.framework on a Mac`, [], 'named-requirement');
    case 'anchorAppleGeneric': {
      const chain = facts.certificates;
      const anchor = certAt(chain, -1);
      if (!anchor) return node(e, 'false', 'there is no certificate chain (ad-hoc or unsigned code)');
      const root = appleRootBySha256(anchor.sha256);
      return node(
        e,
        v(root !== undefined),
        root ? `the anchor is ${root.name} (SHA-256 ${toHex(anchor.sha256).slice(0, 16)}…)` : `the anchor ${JSON.stringify(certLabel(anchor))} is not an Apple root (SHA-256 ${toHex(anchor.sha256).slice(0, 16)}… is not in Apple's table)`,
      );
    }
    case 'anchorApple':
      return evalAnchorApple(e, ctx);
    case 'trustedCerts': {
      if (facts.certificates.length === 0) return node(e, 'false', 'there is no certificate chain (ad-hoc or unsigned code), so no certificate can be trusted');
      return node(e, 'undetermined', `whether the local Trust Settings trust one of the ${facts.certificates.length} certificates for code signing is known only to the Mac that evaluates it`, [], 'needs-trust-settings');
    }
    case 'trustedCert': {
      const cert = certAt(facts.certificates, e.slot.index);
      if (!cert) return node(e, 'false', missingSlot(e.slot.index, facts.certificates));
      return node(e, 'undetermined', `whether the local Trust Settings trust certificate ${slotName(e.slot)} ${JSON.stringify(certLabel(cert))} is known only to the Mac that evaluates it`, [], 'needs-trust-settings');
    }
    case 'certHash': {
      const cert = certAt(facts.certificates, e.slot.index);
      if (!cert) return node(e, 'false', missingSlot(e.slot.index, facts.certificates));
      if (!e.hash) return node(e, 'undetermined', `the certificate file ${JSON.stringify(e.path?.text ?? '')} was not read, so there is no hash to compare`);
      if (e.hash.length !== 20) return node(e, 'false', `the hash has ${e.hash.length} bytes; Apple's interpreter rejects anything but a 20-byte SHA-1`);
      const ok = bytesEqual(cert.sha1, e.hash);
      return node(e, v(ok), ok ? `certificate ${slotName(e.slot)} ${JSON.stringify(certLabel(cert))} has SHA-1 ${toHex(cert.sha1)}` : `certificate ${slotName(e.slot)} ${JSON.stringify(certLabel(cert))} has SHA-1 ${toHex(cert.sha1)}, expected ${toHex(e.hash)}`);
    }
    case 'certField':
      return evalCertField(e, ctx);
    case 'certGeneric':
    case 'certPolicy': {
      const cert = certAt(facts.certificates, e.slot.index);
      if (!cert) return node(e, 'false', `${missingSlot(e.slot.index, facts.certificates)} (false even with absent)`);
      const oidText = decodeOid(e.oid.bytes);
      const what = e.kind === 'certPolicy' ? 'policy' : 'extension';
      const present = e.kind === 'certPolicy' ? hasPolicy(cert, e.oid.bytes) : findExtension(cert, e.oid.bytes) !== undefined;
      const candidate: Candidate = present ? true : CF_NULL;
      const out = applyMatch(e.match, candidate);
      const label = `certificate ${slotName(e.slot)} ${JSON.stringify(certLabel(cert))}`;
      let text = present ? `${label} has ${what} ${describeOid(oidText)}` : `${label} has no ${what} ${describeOid(oidText)}`;
      if (e.match.op !== 'exists' && e.match.op !== 'absent') {
        text += `; "${e.kind === 'certPolicy' ? 'policy.' : 'field.'}" keys only test presence, so a value comparison never holds`;
      } else if (e.match.op === 'absent') {
        text += ', expected absent';
      }
      return node(e, v(out.matched), text);
    }
    case 'certDate': {
      const cert = certAt(facts.certificates, e.slot.index);
      const oidText = decodeOid(e.oid.bytes);
      let candidate: Candidate = CF_NULL;
      let subject: string;
      if (!cert) {
        subject = `${missingSlot(e.slot.index, facts.certificates)}, so the date is missing (for timestamp. keys a missing certificate counts as absent)`;
      } else {
        const ext = findExtension(cert, e.oid.bytes);
        const label = `certificate ${slotName(e.slot)} ${JSON.stringify(certLabel(cert))}`;
        if (!ext) subject = `${label} has no extension ${describeOid(oidText)}`;
        else {
          const d = extensionDate(ext.value);
          if (d.ok) {
            candidate = new CertDate(d.cfSeconds);
            subject = `${label}[timestamp.${oidText}] is ${describeCandidate(candidate)}`;
          } else subject = `${label}[timestamp.${oidText}] counts as missing: ${d.why}`;
        }
      }
      const out = applyMatch(e.match, candidate);
      return node(e, v(out.matched), `${subject}; ${describeExpectation(e.match)}`);
    }
    case 'info':
      return evalDictKey(e, 'info', facts.infoPlist, e.key.bytes, e.match, 'there is no Info.plist');
    case 'entitlement':
      return evalDictKey(e, 'entitlement', facts.entitlements, e.key.bytes, e.match, 'the signature has no entitlements');
    case 'infoKeyValue': {
      const m: Match = { op: 'equal', range: e.value.range, value: e.value };
      return evalDictKey(e, 'info', facts.infoPlist, e.key.bytes, m, 'there is no Info.plist');
    }
    case 'unknownOp': {
      if (e.flags & 0x80) return node(e, 'false', `opcode ${e.opcode} is unknown; its opGenericFalse flag makes it false`);
      if (e.flags & 0x40) {
        const next = e.operand;
        if (next) {
          const n = ev(next, ctx);
          const out = node(e, n.verdict, `opcode ${e.opcode} is unknown; its opGenericSkip flag skips it and takes the result of the expression after it (${n.verdict})`, [n]);
          if (n.reason) out.reason = n.reason;
          return out;
        }
        return node(e, 'undetermined', `opcode ${e.opcode} is unknown; its opGenericSkip flag hands the result to the expression after it, which is not part of this tree`, [], 'unknown-opcode');
      }
      return node(e, 'false', `opcode ${e.opcode} is unknown and has no flag; Apple's interpreter fails with errSecCSUnimplemented`, [], 'unknown-opcode');
    }
    case 'error':
      return node(e, 'undetermined', 'this part of the requirement could not be read');
  }
}

function missingSlot(index: number, chain: readonly CertificateFacts[]): string {
  if (chain.length === 0) return `there is no certificate ${slotName(index)}: no certificate chain (ad-hoc or unsigned code)`;
  const resolved = index < 0 ? index + chain.length : index;
  const detail = index < 0 ? `${index} + ${chain.length} = ${resolved}` : `index ${index}`;
  return `there is no certificate ${slotName(index)}: the chain has ${chain.length} certificate${chain.length === 1 ? '' : 's'} (${detail} is outside 0…${chain.length - 1})`;
}

function evalDictKey(e: Expr, word: 'info' | 'entitlement', dict: PlistDict | undefined, keyBytes: Uint8Array, m: Match, noDict: string): EvalNode {
  const key = utf8Strict(keyBytes);
  const shownKey = key ?? `0x${toHex(keyBytes)}`;
  let candidate: Candidate = CF_NULL;
  let subject: string;
  if (!dict) subject = `${noDict}, so ${word}[${shownKey}] is missing`;
  else if (key === undefined || !Object.prototype.hasOwnProperty.call(dict, key)) subject = `${word}[${shownKey}] is missing`;
  else {
    candidate = dict[key]!;
    subject = `${word}[${shownKey}] is ${describeCandidate(candidate)}`;
  }
  const out = applyMatch(m, candidate);
  return node(e, v(out.matched), `${subject}, ${describeExpectation(m)}${out.note ? ` (${out.note})` : ''}`);
}

function evalCertField(e: Extract<Expr, { kind: 'certField' }>, ctx: Ctx): EvalNode {
  const chain = ctx.facts.certificates;
  const cert = certAt(chain, e.slot.index);
  const keyText = utf8Strict(e.key.bytes) ?? e.key.text;
  if (!cert) return node(e, 'false', `${missingSlot(e.slot.index, chain)} (false even with absent)`);
  const label = `certificate ${slotName(e.slot)}[${keyText}]`;
  let candidate: Candidate;
  if (keyText === 'email') {
    candidate = cert.emails.slice();
  } else if (keyText.startsWith('subject.')) {
    const name = keyText.slice('subject.'.length);
    const oid = Object.prototype.hasOwnProperty.call(SUBJECT_FIELDS, name) ? SUBJECT_FIELDS[name] : undefined;
    if (!oid) return node(e, 'false', `subject.${name} is not a subject field Apple's evaluator recognises (C, CN, D, L, O, OU, ST, STREET, UID, C-O, C-OU, C-ST, C-STREET); it is always false`);
    const value = subjectAttribute(cert, oid);
    if (value === undefined) return node(e, 'false', `certificate ${slotName(e.slot)} ${JSON.stringify(certLabel(cert))} has no subject ${name} attribute (false even with absent)`);
    candidate = value;
  } else {
    return node(e, 'false', `${keyText} is not a certificate field Apple's evaluator recognises; it is always false`);
  }
  const out = applyMatch(e.match, candidate);
  return node(e, v(out.matched), `${label} is ${describeCandidate(candidate)}, ${describeExpectation(e.match)}${out.note ? ` (${out.note})` : ''}`);
}

function evalAnchorApple(e: Expr, ctx: Ctx): EvalNode {
  const { facts, directory } = ctx;
  const chain = facts.certificates;
  if (chain.length === 0) {
    if (!directory?.cdhash) return node(e, 'false', 'the code is not signed: no certificate chain and no cdhash');
    if ((directory.platform ?? 0) !== 0) {
      return node(e, 'undetermined', `no certificate chain; this platform binary (platform ${directory.platform}) passes only if its cdhash ${toHex(directory.cdhash)} is in the Mac's kernel trust cache`, [], 'needs-trust-cache');
    }
    return node(e, 'false', 'no certificate chain, and ad-hoc code that is not a platform binary (platform 0) is not in Apple\'s trust caches');
  }
  const anchor = chain[chain.length - 1]!;
  const root = appleRootBySha256(anchor.sha256);
  if (!root) return node(e, 'false', `the anchor ${JSON.stringify(certLabel(anchor))} is not an Apple root, so this is not Apple's own code`);
  const ca = certAt(chain, -2);
  if (!ca) return node(e, 'false', `anchored at ${root.name}, but there is no certificate below the anchor (Apple's own code is issued by "${APPLE_CODE_SIGNING_CA}")`);
  const cn = subjectAttribute(ca, OID_CN);
  const o = subjectAttribute(ca, OID_O);
  if (cn !== APPLE_CODE_SIGNING_CA || o !== 'Apple Inc.') {
    return node(e, 'false', `anchored at ${root.name}, but certificate -2 is ${JSON.stringify(cn ?? ca.subjectText)}${o !== 'Apple Inc.' ? ` (O ${JSON.stringify(o ?? '')})` : ''}, not "${APPLE_CODE_SIGNING_CA}" of "Apple Inc.": this is not Apple's own code`);
  }
  const leaf = chain[0]!;
  const marker = leaf.extensions.some((x) => x.oid === OID_MACOS_SOFTWARE_SIGNING);
  if (marker) return node(e, 'true', `anchored at ${root.name}, issued by "${APPLE_CODE_SIGNING_CA}", and the leaf has extension ${describeOid(OID_MACOS_SOFTWARE_SIGNING)}`);
  // Apple's own code signed before the leaf marker existed still passes on a Mac through the kernel trust cache.
  return node(
    e,
    'undetermined',
    `issued by "${APPLE_CODE_SIGNING_CA}" under ${root.name}, but the leaf lacks extension ${describeOid(OID_MACOS_SOFTWARE_SIGNING)}; it passes only if its cdhash is in the Mac's kernel trust cache`,
    [],
    'needs-trust-cache',
  );
}

/** meetsDeveloperIDLegacyAllowedPolicy (legacydevid.cpp): the date rules decide what they can; the rest is the Mac's legacy list. */
function evalLegacy(e: Expr, ctx: Ctx): EvalNode {
  const { facts, directory } = ctx;
  const leaf = facts.certificates[0];
  if (!leaf) {
    // SecCertificateGetDeveloperIDDate fails with a parameter error (not "extension missing") for no certificate, which ends the check.
    return node(e, 'false', 'there is no leaf certificate (ad-hoc or unsigned code), so it cannot be a legacy Developer ID');
  }
  const ext = leaf.extensions.find((x) => x.oid === OID_DEVID_DATE);
  if (ext) {
    const d = extensionDate(ext.value);
    if (!d.ok) {
      return node(e, 'false', `the leaf's Developer ID date extension ${OID_DEVID_DATE} cannot be read (${d.why}); Apple's check stops with an error`);
    }
    if (d.cfSeconds >= LEGACY_ACCOUNT_CUTOFF) {
      return node(e, 'false', `the Developer ID account was created on ${isoCf(d.cfSeconds)}, at or after the 2019-04-08 cutoff, so it is not a legacy Developer ID`);
    }
  }
  if (facts.secureTimestamp) {
    const ts = facts.secureTimestamp.getTime() / 1000 - Number(CF_EPOCH_OFFSET);
    if (ts < LEGACY_TIMESTAMP_CUTOFF) {
      return node(e, 'true', `the secure timestamp ${facts.secureTimestamp.toISOString()} is before the 2019-06-01 cutoff (Apple's default; a Mac's preference can only move it earlier)`);
    }
  }
  if (!directory?.cdhash) return node(e, 'false', 'the code has no cdhash to look up in the legacy list');
  return node(
    e,
    'undetermined',
    `no date rule decides; whether cdhash ${toHex(directory.cdhash)}${facts.teamIdentifier ? ` of team ${facts.teamIdentifier}` : ''} is on Apple's legacy Developer ID list is known only to a Mac`,
    [],
    'needs-legacy-list',
  );
}

function isoCf(cfSeconds: number): string {
  return new Date((cfSeconds + Number(CF_EPOCH_OFFSET)) * 1000).toISOString().replace('.000Z', 'Z');
}
