/**
 * Signed configuration profiles: a `.mobileconfig` signed by an MDM or
 * Apple Configurator is a DER CMS SignedData (PKCS#7) whose encapsulated
 * content is the XML property list. The linter reads that content to find
 * the requirements in it; it does not verify the signature or the signer's
 * trust (that is what installing the profile does), and says so.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** A signed profile larger than this is not unwrapped (profiles are kilobytes; the linter reads files up to 4 MB). */
export const MAX_SIGNED_PROFILE_BYTES = 4 * 1024 * 1024;

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

export type SignedProfile =
  | { kind: 'content'; text: string; signers: number }
  | { kind: 'unreadable'; reason: string };

/** Whether the bytes start like DER (SEQUENCE) rather than text: worth trying as a signed profile. */
export function looksLikeCms(bytes: Uint8Array): boolean {
  return bytes.length > 16 && bytes[0] === 0x30 && (bytes[1] === 0x80 || (bytes[1]! & 0x80) !== 0);
}

/**
 * The property list inside a CMS-signed profile, read without verifying the
 * signature; `unreadable` when the bytes are not a SignedData with attached
 * content (a detached or corrupt signature).
 */
export function signedProfileContent(bytes: Uint8Array): SignedProfile {
  if (bytes.length > MAX_SIGNED_PROFILE_BYTES) return { kind: 'unreadable', reason: `larger than ${MAX_SIGNED_PROFILE_BYTES / 1048576} MB` };
  try {
    const asn = asn1js.fromBER(bytes);
    if (asn.offset === -1) return { kind: 'unreadable', reason: 'not DER: the file is neither a property list nor a CMS signature' };
    const info = new pkijs.ContentInfo({ schema: asn.result });
    if (info.contentType !== OID_SIGNED_DATA) return { kind: 'unreadable', reason: `CMS content type ${info.contentType} is not SignedData` };
    const signed = new pkijs.SignedData({ schema: info.content });
    const encap = signed.encapContentInfo;
    if (encap.eContentType !== OID_DATA) return { kind: 'unreadable', reason: `the signed content type ${encap.eContentType} is not data` };
    const e = encap.eContent;
    if (!e) return { kind: 'unreadable', reason: 'the signature is detached: the profile content is not in the file' };
    // getValue joins the chunks of a constructed (BER) OCTET STRING, as some signing tools write it.
    const content = new Uint8Array(e.getValue());
    let text = new TextDecoder('utf-8', { fatal: false }).decode(content);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.startsWith('bplist')) return { kind: 'unreadable', reason: 'the signed content is a binary property list' };
    return { kind: 'content', text, signers: signed.signerInfos.length };
  } catch (err) {
    return { kind: 'unreadable', reason: `not a readable CMS signature (${(err as Error).message})` };
  }
}
