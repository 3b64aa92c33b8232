/**
 * Certificate lookups of Apple's interpreter: slot arithmetic (`cert(ix)`),
 * subject attributes (last occurrence wins), extension presence by OID
 * contents octets, and the GeneralizedTime-in-UTF8String dates read by
 * `[timestamp.…]` and `legacy`.
 */
import type { CertSlot } from '../../grammar/ast.js';
import { bytesEqual } from '../../grammar/bytes.js';
import { encodeOid } from '../../grammar/oid.js';
import { parseTimestamp } from '../../grammar/timestamp.js';
import type { CertificateFacts } from '../facts.js';
import { decodeDer, stringOf, TAG } from '../cms/der.js';

/** `Context::cert(ix)`: negative indexes count back from the anchor; anything outside the chain is missing. */
export function certAt(chain: readonly CertificateFacts[], index: number): CertificateFacts | undefined {
  const ix = index < 0 ? index + chain.length : index;
  if (ix < 0 || ix >= chain.length) return undefined;
  return chain[ix];
}

/** `leaf`, `root` or the number, as the dumper prints slots. */
export function slotName(slot: CertSlot | number): string {
  const i = typeof slot === 'number' ? slot : slot.index;
  return i === 0 ? 'leaf' : i === -1 ? 'root' : String(i);
}

/** Names `subject.X` accepts in Apple's evaluator (spec §1.8), with their attribute OIDs. */
export const SUBJECT_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  C: '2.5.4.6',
  CN: '2.5.4.3',
  D: '2.5.4.13',
  L: '2.5.4.7',
  O: '2.5.4.10',
  'C-O': '2.5.4.10.1',
  OU: '2.5.4.11',
  'C-OU': '2.5.4.11.1',
  ST: '2.5.4.8',
  'C-ST': '2.5.4.8.1',
  STREET: '2.5.4.9',
  'C-STREET': '2.5.4.9.1',
  UID: '0.9.2342.19200300.100.1.1',
});

/** SecCertificateCopySubjectAttributeValue: the last attribute with this OID. */
export function subjectAttribute(cert: CertificateFacts, oid: string): string | undefined {
  let found: string | undefined;
  for (const a of cert.subject) if (a.oid === oid) found = a.value;
  return found;
}

/** Short name for explanations: the subject CN, else the one-line subject. */
export function certLabel(cert: CertificateFacts): string {
  return subjectAttribute(cert, '2.5.4.3') ?? cert.subjectText;
}

const oidBytesCache = new Map<string, Uint8Array>();

function oidBytes(dotted: string): Uint8Array {
  let b = oidBytesCache.get(dotted);
  if (!b) {
    b = encodeOid(dotted).bytes;
    if (oidBytesCache.size < 4096) oidBytesCache.set(dotted, b);
  }
  return b;
}

/** Same OID, compared as contents octets (what the blob stores) so lax encodings compare as Apple compares them. */
export function sameOid(dotted: string, contents: Uint8Array): boolean {
  if (contents.length === 0) return false;
  return bytesEqual(oidBytes(dotted), contents);
}

export function findExtension(cert: CertificateFacts, contents: Uint8Array) {
  return cert.extensions.find((x) => sameOid(x.oid, contents));
}

export function hasPolicy(cert: CertificateFacts, contents: Uint8Array): boolean {
  return cert.policies.some((p) => sameOid(p, contents));
}

export type ExtensionDate =
  | { ok: true; cfSeconds: number; text: string }
  | { ok: false; why: string };

/**
 * An extension value that must be a DER UTF8String holding GeneralizedTime
 * text (Apple's Developer ID date). A bad decode or the zero time gives
 * kCFNull in Apple's evaluator, reported here with the reason.
 */
export function extensionDate(value: Uint8Array): ExtensionDate {
  if (value.length > 4096) return { ok: false, why: 'the extension value is too large to be a date' };
  let text: string | undefined;
  try {
    const parsed = decodeDer(value);
    if (parsed.cls === 0 && parsed.tag === TAG.utf8String && !parsed.constructed) text = stringOf(parsed);
  } catch {
    // Not DER at all: said below.
  }
  if (text === undefined) {
    return { ok: false, why: 'the extension value is not a DER UTF8String' };
  }
  const ts = parseTimestamp(text);
  if (!ts.valid) return { ok: false, why: `"${text}" is not GeneralizedTime text (${ts.reason ?? 'invalid'})` };
  if (ts.seconds === 0n) return { ok: false, why: 'the date is the zero time (2001-01-01), which Apple treats as no date' };
  return { ok: true, cfSeconds: Number(ts.seconds), text };
}
