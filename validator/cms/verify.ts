/**
 * Verification of a code signature's CMS against its CodeDirectory: what
 * Apple's static validation checks about the signature itself, done with
 * node:crypto. Trust decisions about the anchor are left to the evaluator.
 */
import { constants, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { HashType } from '../facts.js';
import type { Problem } from '../problems.js';
import { digestName, digestOfHashType, isKnownDigest, signatureAlgorithm } from './algorithms.js';
import { equalBytes, toHex } from './bytes.js';
import { publicKeyOf, verifyChain } from './chain.js';
import { algorithmOf, CLASS_CONTEXT, decodeDer, expect, smallInteger, TAG } from './der.js';
import { CmsError } from './errors.js';
import { decodeCms, type CmsFacts, type DecodedCms, type SignerView } from './parse.js';

/** The cdhash of one CodeDirectory as the reader computed it (full length), in superblob slot order. */
export interface ComputedCdhash {
  hashType: HashType;
  cdhash: Uint8Array;
}

function hash(algorithm: string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(algorithm).update(data).digest());
}

/** Checks `signature` over `data` with `key` for the CMS algorithm; false for anything unsupported or malformed. */
export function verifyWithKey(
  key: KeyObject,
  algorithmOid: string,
  parameters: unknown,
  digest: string,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const alg = signatureAlgorithm(algorithmOid);
  if (!alg) return false;
  const keyType = key.asymmetricKeyType;
  try {
    switch (alg.family) {
      case 'rsa':
        return keyType === 'rsa' && cryptoVerify(alg.digest ?? digest, data, key, signature);
      case 'ecdsa':
        return keyType === 'ec' && cryptoVerify(alg.digest ?? digest, data, key, signature);
      case 'eddsa':
        return keyType === 'ed25519' && cryptoVerify(null, data, key, signature);
      case 'rsa-pss': {
        if (keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
        const params = pssParameters(parameters);
        return cryptoVerify(params.digest, data, {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: params.saltLength,
        }, signature);
      }
    }
  } catch {
    return false;
  }
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1): hashAlgorithm [0] (default SHA-1) and
 * saltLength [2] (default 20); the mask generation is MGF1 over the same
 * hash, which is what node:crypto does. Throws when `parameters` is absent or malformed.
 */
function pssParameters(parameters: unknown): { digest: string; saltLength: number } {
  if (!(parameters instanceof Uint8Array)) throw new CmsError('RSASSA-PSS parameters are missing');
  const out = { digest: 'sha1', saltLength: 20 };
  for (const field of expect(decodeDer(parameters), TAG.sequence, 'RSASSA-PSS parameters').children) {
    if (!field.constructed || field.children.length !== 1) throw new CmsError('RSASSA-PSS parameter is not EXPLICIT');
    if (field.cls === CLASS_CONTEXT && field.tag === 0) out.digest = digestName(algorithmOf(field.children[0], 'RSASSA-PSS hash algorithm').oid);
    else if (field.cls === CLASS_CONTEXT && field.tag === 2) out.saltLength = smallInteger(field.children[0], 'RSASSA-PSS salt length');
  }
  return out;
}

interface SignerCodes {
  /** What to call the signature in messages. */
  what: string;
  digestMismatch: string;
  signatureInvalid: string;
  unsupported: string;
  signerMissing: string;
  contentType: string;
}

const MAIN_CODES: SignerCodes = {
  what: 'CMS signature',
  digestMismatch: 'cms-digest-mismatch',
  signatureInvalid: 'cms-signature-invalid',
  unsupported: 'cms-unsupported-algorithm',
  signerMissing: 'signer-certificate-missing',
  contentType: 'cms-content-type-mismatch',
};

const TIMESTAMP_CODES: SignerCodes = {
  what: 'timestamp token',
  digestMismatch: 'timestamp-invalid',
  signatureInvalid: 'timestamp-invalid',
  unsupported: 'timestamp-invalid',
  signerMissing: 'timestamp-invalid',
  contentType: 'timestamp-invalid',
};

/** Checks one SignerInfo: message digest over `content` and the signature over the signed attributes (or the content). */
function verifySigner(view: SignerView, content: Uint8Array, codes: SignerCodes): Problem[] {
  const error = (code: string, message: string): Problem => ({ code, severity: 'error', message });
  if (!isKnownDigest(view.digestAlgorithm)) {
    return [error(codes.unsupported, `${codes.what} uses unsupported digest algorithm ${view.digestAlgorithm}`)];
  }
  if (!signatureAlgorithm(view.signatureAlgorithmOid)) {
    return [error(codes.unsupported, `${codes.what} uses unsupported signature algorithm ${view.signatureAlgorithmOid}`)];
  }
  const problems: Problem[] = [];
  let signedBytes = content;
  if (view.signedAttributes) {
    signedBytes = view.signedAttributes;
    const actual = hash(view.digestAlgorithm, content);
    if (!view.messageDigest) {
      problems.push(error(codes.digestMismatch, `${codes.what} has signed attributes but no message digest`));
    } else if (!equalBytes(view.messageDigest, actual)) {
      problems.push(error(
        codes.digestMismatch,
        `${codes.what} message digest is ${toHex(view.messageDigest)}, but the ${view.digestAlgorithm} of the signed content is ${toHex(actual)}`,
      ));
    }
  }
  if (view.signedAttributes && view.contentTypeAttribute !== view.contentType) {
    problems.push(error(
      codes.contentType,
      `${codes.what} signs content type ${view.contentTypeAttribute ?? '(none)'} but encapsulates ${view.contentType}`,
    ));
  }
  const key = view.signer ? publicKeyOf(view.signer) : undefined;
  if (!view.signer) {
    problems.push(error(codes.signerMissing, `${codes.what} does not carry the signer's certificate`));
  } else if (!key) {
    problems.push(error(codes.signerMissing, `${codes.what} signer certificate "${view.signer.subjectText}" has no usable public key`));
  } else if (!verifyWithKey(key, view.signatureAlgorithmOid, view.signatureParameters, view.digestAlgorithm, signedBytes, view.signature)) {
    problems.push(error(codes.signatureInvalid, `${codes.what} does not verify with the key of "${view.signer.subjectText}"`));
  }
  return problems;
}

/**
 * CDHashes (plist, truncated to 20 bytes, CodeDirectory order) and CDHashes2
 * (full, keyed by digest) must name exactly the CodeDirectories present:
 * they are what binds the alternate CodeDirectories, which the CMS does not
 * sign directly, to the signature.
 */
export function checkCdhashes(facts: CmsFacts, computed: ComputedCdhash[]): Problem[] {
  const problems: Problem[] = [];
  const mismatch = (message: string) => problems.push({ code: 'cdhashes-mismatch', severity: 'error', message });
  if (facts.cdhashes2) {
    const used = new Set<number>();
    for (const cd of computed) {
      const digest = digestOfHashType(cd.hashType);
      const index = facts.cdhashes2.findIndex((e, i) => !used.has(i) && digestOfHashType(e.hashType) === digest);
      const entry = facts.cdhashes2[index];
      if (!entry) {
        mismatch(`CDHashes2 attribute has no ${digest} entry for the ${cd.hashType} CodeDirectory ${toHex(cd.cdhash)}`);
        continue;
      }
      used.add(index);
      const expected = cd.hashType === 'sha256Truncated' ? entry.digest.subarray(0, cd.cdhash.length) : entry.digest;
      if (!equalBytes(expected, cd.cdhash)) {
        mismatch(`CDHashes2 ${digest} entry is ${toHex(entry.digest)}, but the CodeDirectory hashes to ${toHex(cd.cdhash)}`);
      }
    }
    facts.cdhashes2.forEach((e, i) => {
      if (!used.has(i)) mismatch(`CDHashes2 names a ${e.hashType} cdhash ${toHex(e.digest)} that no CodeDirectory has`);
    });
  }
  if (facts.cdhashesPlist) {
    const listed = facts.cdhashesPlist;
    if (listed.length !== computed.length) {
      mismatch(`CDHashes plist lists ${listed.length} cdhashes, but the signature has ${computed.length} CodeDirectories`);
    }
    computed.forEach((cd, i) => {
      const entry = listed[i];
      const truncated = cd.cdhash.subarray(0, 20);
      if (entry && !equalBytes(entry, truncated)) {
        mismatch(`CDHashes plist entry ${i} is ${toHex(entry)}, but CodeDirectory ${i} (${cd.hashType}) hashes to ${toHex(truncated)}`);
      }
    });
  }
  if (!facts.cdhashes2 && !facts.cdhashesPlist && computed.length > 1) {
    problems.push({
      code: 'cdhashes-missing',
      severity: 'error',
      message: `the signature has ${computed.length} CodeDirectories but the CMS carries no CDHashes attribute binding the alternates`,
    });
  }
  return problems;
}

/** The RFC 3161 token must stamp the main signature value and verify with its own chain at its own time. */
export function verifyTimestamp(decoded: DecodedCms): Problem[] {
  if (decoded.facts.timestampError) {
    return [{ code: 'timestamp-invalid', severity: 'error', message: `timestamp token: ${decoded.facts.timestampError}` }];
  }
  const ts = decoded.timestamp;
  const time = decoded.facts.timestamp?.time;
  if (!ts || !time) return [];
  const problems = verifySigner(ts.view, ts.view.content ?? new Uint8Array(), TIMESTAMP_CODES);
  if (!isKnownDigest(ts.imprint.digestAlgorithm)) {
    problems.push({ code: 'timestamp-invalid', severity: 'error', message: `timestamp imprint uses unsupported digest ${ts.imprint.digestAlgorithm}` });
  } else {
    const expected = hash(ts.imprint.digestAlgorithm, decoded.main.signature);
    if (!equalBytes(expected, ts.imprint.digest)) {
      problems.push({
        code: 'timestamp-invalid',
        severity: 'error',
        message: `timestamp imprint is ${toHex(ts.imprint.digest)}, but the ${ts.imprint.digestAlgorithm} of the signature value is ${toHex(expected)}`,
      });
    }
  }
  if (ts.view.signer) {
    problems.push(...verifyChain(ts.view.chain, time, { prefix: 'timestamp certificate', codePrefix: 'timestamp-' }));
  }
  return problems;
}

/**
 * Checks that the detached CMS SignedData signs `codeDirectory` (the exact
 * slot-0 CodeDirectory bytes): messageDigest = hash(CD), the signature over
 * the signed attributes verifies with the signer's key, the CDHashes
 * attributes agree with `computedCdhashes` (slot order), each certificate is
 * signed by the next, and every certificate is valid at `at`. A timestamp
 * token, when present, must stamp this signature. Empty result = valid.
 */
export function verifyCmsSignature(der: Uint8Array, codeDirectory: Uint8Array, computedCdhashes: ComputedCdhash[], at: Date): Problem[] {
  let decoded: DecodedCms;
  try {
    decoded = decodeCms(der);
  } catch (e) {
    if (!(e instanceof CmsError)) throw e;
    return [{ code: 'cms-malformed', severity: 'error', message: e.message }];
  }
  const { facts, main } = decoded;
  const problems: Problem[] = [];
  if (main.content) {
    problems.push({
      code: 'cms-not-detached',
      severity: 'error',
      message: `the CMS encapsulates ${main.content.length} bytes of content; a code signature signs the CodeDirectory detached`,
    });
  }
  if (main.signerCount > 1) {
    problems.push({ code: 'cms-multiple-signers', severity: 'warning', message: `the CMS has ${main.signerCount} signers; only the first is checked, as Apple does` });
  }
  problems.push(...verifySigner(main, codeDirectory, MAIN_CODES));
  problems.push(...checkCdhashes(facts, computedCdhashes));
  if (main.signer) problems.push(...verifyChain(main.chain, at));
  if (main.extra.length > 0) {
    problems.push({
      code: 'cms-extra-certificates',
      severity: 'warning',
      message: `the CMS carries ${main.extra.length} certificate(s) not on the signer's chain (${main.extra.map((c) => `"${c.subjectText}"`).join(', ')}); they are ignored`,
    });
  }
  problems.push(...verifyTimestamp(decoded));
  return problems;
}
