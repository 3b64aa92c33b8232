/**
 * One entry point for every form an LWCR comes in: JSON (csrl's form), an
 * XML or binary plist of the requirements dictionary (what codesign takes),
 * the envelope DER, a 0xfade8181 constraint blob, a kind-2 Requirement blob,
 * or hex of any of the binary forms.
 */
import { parseLwcrBplist, isBplist } from './bplist.js';
import { decodeDocument } from './der.js';
import { readEnvelope, unwrapConstraintBlob, unwrapRequirementBlob, type Envelope } from './envelope.js';
import { parseLwcrJson } from './json.js';
import { parseLwcrXmlPlist } from './xml-plist.js';
import { hexToBytes, LwcrSyntaxError, type LwValue } from './value.js';

export type LwcrForm = 'json' | 'xml-plist' | 'binary-plist' | 'der' | 'constraint-blob' | 'requirement-blob';

export interface LwcrDocument {
  form: LwcrForm;
  /** The requirements dictionary (for binary forms: the envelope's `reqs`, when it has one). */
  reqs: LwValue | undefined;
  /** Binary forms only: the envelope as stored. */
  envelope?: Envelope;
  /** Binary forms only: the envelope DER as read. */
  der?: Uint8Array;
}

const u32 = (b: Uint8Array) => ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;

/** Binary input: a blob, the DER envelope or a binary plist. */
export function readLwcrBytes(b: Uint8Array): LwcrDocument {
  if (isBplist(b)) return { form: 'binary-plist', reqs: parseLwcrBplist(b) };
  if (b.length >= 4 && u32(b) === 0xfade8181) return fromDer('constraint-blob', unwrapConstraintBlob(b), 8);
  if (b.length >= 4 && u32(b) === 0xfade0c00) return fromDer('requirement-blob', unwrapRequirementBlob(b), 16);
  if (b[0] === 0x70) return fromDer('der', b, 0);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(b);
  return readLwcrText(text);
}

function fromDer(form: LwcrForm, der: Uint8Array, _offset: number): LwcrDocument {
  const envelope = readEnvelope(decodeDocument(der));
  return { form, reqs: envelope.reqs, envelope, der };
}

/** Text input: JSON, an XML plist, or hex of a binary form. */
export function readLwcrText(text: string): LwcrDocument {
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) return { form: 'xml-plist', reqs: parseLwcrXmlPlist(text) };
  if (t.startsWith('{') || t.startsWith('[') || t.startsWith('"')) return { form: 'json', reqs: parseLwcrJson(text) };
  const compact = t.replace(/\s+/g, '').replace(/^0x/i, '');
  if (compact.length > 0 && /^[0-9a-fA-F]+$/.test(compact)) return readLwcrBytes(hexToBytes(compact));
  throw new LwcrSyntaxError('not an LWCR: expected JSON, an XML or binary property list, DER, a 0xfade8181 blob, or hex of one');
}
