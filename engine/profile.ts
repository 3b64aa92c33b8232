/**
 * Signed configuration profiles: a `.mobileconfig` signed by an MDM or
 * Apple Configurator is a DER CMS SignedData (PKCS#7) whose encapsulated
 * content is the XML property list. The linter reads that content to find
 * the requirements in it; it does not verify the signature or the signer's
 * trust (that is what installing the profile does), and says so.
 */
import { CmsError } from '../validator/cms/errors.js';
import { TAG, decodeDer, expect, isContext, octetsOf, oidOf, type Der } from '../validator/cms/der.js';

/** A signed profile larger than this is not unwrapped (profiles are kilobytes; the linter reads files up to 4 MB). */
export const MAX_SIGNED_PROFILE_BYTES = 4 * 1024 * 1024;

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const OID_DATA = '1.2.840.113549.1.7.1';

export type SignedProfile =
  | { kind: 'content'; text: string }
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
    let info: Der;
    try {
      info = decodeDer(bytes);
    } catch {
      return { kind: 'unreadable', reason: 'not DER: the file is neither a property list nor a CMS signature' };
    }
    const [typeNode, wrapper] = expect(info, TAG.sequence, 'ContentInfo').children;
    const contentType = oidOf(typeNode, 'content type');
    if (contentType !== OID_SIGNED_DATA) return { kind: 'unreadable', reason: `CMS content type ${contentType} is not SignedData` };
    const signed = explicit(wrapper, 'SignedData');
    // SignedData: version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos (RFC 5652 §5.1).
    const fields = expect(signed, TAG.sequence, 'SignedData').children;
    const encap = expect(fields[2], TAG.sequence, 'encapsulated content info').children;
    const eContentType = oidOf(encap[0], 'encapsulated content type');
    if (eContentType !== OID_DATA) return { kind: 'unreadable', reason: `the signed content type ${eContentType} is not data` };
    if (encap[1] === undefined) return { kind: 'unreadable', reason: 'the signature is detached: the profile content is not in the file' };
    // octetsOf joins the chunks of a constructed (BER) OCTET STRING, as some signing tools write it.
    const content = octetsOf(explicit(encap[1], 'encapsulated content'), 'encapsulated content');
    let text = new TextDecoder('utf-8', { fatal: false }).decode(content);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.startsWith('bplist')) return { kind: 'unreadable', reason: 'the signed content is a binary property list' };
    return { kind: 'content', text };
  } catch (err) {
    return { kind: 'unreadable', reason: `not a readable CMS signature (${(err as Error).message})` };
  }
}

/** The single value inside a `[0] EXPLICIT` wrapper. */
function explicit(d: Der | undefined, what: string): Der {
  if (!isContext(d, 0) || !d.constructed || d.children.length !== 1) throw new CmsError(`${what} is not [0] EXPLICIT`);
  return d.children[0]!;
}
