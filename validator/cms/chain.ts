/** Chain checks: each certificate signed by the next, and validity at a chosen time (never the clock by default). */
import { X509Certificate, type KeyObject } from 'node:crypto';
import type { CertificateFacts } from '../facts.js';
import type { Problem } from '../problems.js';
import { issuedBy } from './certificate.js';

const x509Cache = new WeakMap<CertificateFacts, X509Certificate | null>();

/** node:crypto's view of a certificate (null when OpenSSL refuses it), made once per facts object. */
export function x509Of(cert: CertificateFacts): X509Certificate | null {
  let x = x509Cache.get(cert);
  if (x === undefined) {
    try {
      x = new X509Certificate(Buffer.from(cert.der));
    } catch {
      x = null;
    }
    x509Cache.set(cert, x);
  }
  return x;
}

function label(prefix: string, i: number, cert: CertificateFacts): string {
  const cn = cert.subject.filter((a) => a.name === 'CN').pop()?.value;
  return `${prefix} ${i} (${cn ?? cert.subjectText})`;
}

/** The certificate's public key; undefined when OpenSSL cannot decode it (the getter throws for malformed keys). */
export function publicKeyOf(cert: CertificateFacts): KeyObject | undefined {
  try {
    return x509Of(cert)?.publicKey;
  } catch {
    return undefined;
  }
}

/** True when `issuer`'s key verifies `cert`'s signature. */
export function signedBy(cert: CertificateFacts, issuer: CertificateFacts): boolean {
  const x = x509Of(cert);
  const key = publicKeyOf(issuer);
  if (!x || !key) return false;
  try {
    return x.verify(key);
  } catch {
    return false;
  }
}

export interface ChainOptions {
  /** Word used in messages, e.g. `certificate` or `timestamp certificate`. */
  prefix?: string;
  /** Code prefix, e.g. `timestamp-` for the TSA chain. */
  codePrefix?: string;
}

/**
 * Checks a chain ordered leaf → anchor: every certificate is named and
 * signed by the next one, a self-signed anchor's own signature holds, and
 * each certificate is valid at `at`. Trust in the anchor itself is not
 * decided here (that is `anchor apple generic` or Trust Settings).
 */
export function verifyChain(chain: CertificateFacts[], at: Date, options: ChainOptions = {}): Problem[] {
  const prefix = options.prefix ?? 'certificate';
  const code = (c: string) => (options.codePrefix ?? '') + c;
  const problems: Problem[] = [];
  if (chain.length === 0) {
    return [{ code: code('chain-empty'), severity: 'error', message: `no ${prefix}s to verify` }];
  }
  chain.forEach((cert, i) => {
    if (!x509Of(cert)) {
      problems.push({ code: code('certificate-unreadable'), severity: 'error', message: `${label(prefix, i, cert)} is rejected by OpenSSL` });
    }
    const next = chain[i + 1];
    if (next) {
      if (!issuedBy(cert, next)) {
        problems.push({
          code: code('chain-broken'),
          severity: 'error',
          message: `${label(prefix, i, cert)} is issued by "${cert.issuerText}", but ${prefix} ${i + 1} is "${next.subjectText}"`,
        });
      } else if (!signedBy(cert, next)) {
        problems.push({
          code: code('chain-broken'),
          severity: 'error',
          message: `${label(prefix, i, cert)} is not signed by the key of ${label(prefix, i + 1, next)}`,
        });
      }
    } else if (cert.selfSigned) {
      if (!signedBy(cert, cert)) {
        problems.push({ code: code('chain-broken'), severity: 'error', message: `anchor ${label(prefix, i, cert)} has an invalid self-signature` });
      }
    } else {
      problems.push({
        code: code('chain-incomplete'),
        // codesign always embeds the whole chain; one that stops short cannot be judged and is not Apple's output.
        severity: 'error',
        message: `${label(prefix, i, cert)} is the last certificate but is not self-signed (issuer "${cert.issuerText}" is missing)`,
      });
    }
    if (at.getTime() > cert.notAfter.getTime()) {
      problems.push({
        code: code('certificate-expired'),
        severity: 'error',
        message: `${label(prefix, i, cert)} expired ${cert.notAfter.toISOString()}, before ${at.toISOString()}`,
      });
    } else if (at.getTime() < cert.notBefore.getTime()) {
      problems.push({
        code: code('certificate-not-yet-valid'),
        severity: 'error',
        message: `${label(prefix, i, cert)} is valid from ${cert.notBefore.toISOString()}, after ${at.toISOString()}`,
      });
    }
  });
  return problems;
}
