/**
 * The security posture of one slice, reported beside every verdict: what a
 * requirement cannot express but an attacker can use. A client without
 * library validation, for example, can load foreign code that then passes
 * any requirement the client is checked against.
 */
import type { CertificateFacts, CodeFacts } from './facts.js';
import { appleRootBySha256 } from './evaluate/apple-roots.js';

export interface PostureItem {
  /** Stable, kebab-case. */
  code: string;
  severity: 'warning' | 'info';
  /** What was found and why it matters. */
  message: string;
}

export interface PostureOptions {
  /** When certificate validity is judged; defaults to now. */
  at?: Date;
}

/** CodeDirectory flags (cs_blobs.h). */
export const CS_FLAGS = {
  adhoc: 0x2,
  hard: 0x100,
  kill: 0x200,
  checkExpiration: 0x400,
  restrict: 0x800,
  enforcement: 0x1000,
  libraryValidation: 0x2000,
  runtime: 0x10000,
  linkerSigned: 0x20000,
} as const;

const ENT = {
  getTaskAllow: 'com.apple.security.get-task-allow',
  disableLibraryValidation: 'com.apple.security.cs.disable-library-validation',
  allowDyldEnv: 'com.apple.security.cs.allow-dyld-environment-variables',
  allowJit: 'com.apple.security.cs.allow-jit',
  allowUnsignedMemory: 'com.apple.security.cs.allow-unsigned-executable-memory',
  disablePageProtection: 'com.apple.security.cs.disable-executable-page-protection',
  debugger: 'com.apple.security.cs.debugger',
} as const;

const LEAF = '1.2.840.113635.100.6.1.';
const INTERMEDIATE = '1.2.840.113635.100.6.2.';

/**
 * Posture findings for the code described by `facts`. `codeDirectoryFlags`
 * overrides the flags of the primary CodeDirectory (e.g. flags a caller
 * read elsewhere).
 */
export function postureReport(facts: CodeFacts, codeDirectoryFlags?: number, options: PostureOptions = {}): PostureItem[] {
  const items: PostureItem[] = [];
  const add = (code: string, severity: PostureItem['severity'], message: string) => items.push({ code, severity, message });
  const signed = facts.codeDirectories.length > 0 || facts.cdhash !== undefined;
  if (!signed) {
    add('unsigned', 'warning', 'the code is not signed: no requirement can be satisfied, and macOS on Apple silicon refuses to run unsigned code');
    return items;
  }
  const flags = codeDirectoryFlags ?? facts.codeDirectories[0]?.flags ?? 0;

  // Who signed it.
  if (facts.linkerSigned || flags & CS_FLAGS.linkerSigned) {
    add('linker-signed', 'warning', 'linker-signed (ad-hoc, made by ld): no identity and no sealed resources or Info.plist; the designated requirement is only its cdhash, which changes with every build');
  } else if (facts.adhoc || flags & CS_FLAGS.adhoc || facts.certificates.length === 0) {
    add('adhoc', 'warning', 'ad-hoc signed: no certificate says who signed it, so anyone can produce an equally valid signature; the designated requirement is only its cdhash, which changes with every build');
  } else {
    identityItems(facts.certificates, add);
  }

  // What the kernel enforces.
  const ents = facts.entitlements ?? {};
  const on = (key: string) => ents[key] === true;
  const runtime = (flags & CS_FLAGS.runtime) !== 0;
  if (runtime) {
    add('hardened-runtime', 'info', 'hardened runtime is on (flag 0x10000): no DYLD_ environment variables, no unsigned executable memory and library validation, unless entitlements below relax them');
  } else {
    add('no-hardened-runtime', 'warning', 'hardened runtime is off (flag 0x10000 not set): the process accepts DYLD_ environment variables and code injection; notarization requires the hardened runtime');
  }
  const libraryValidation = (flags & CS_FLAGS.libraryValidation) !== 0 || (runtime && !on(ENT.disableLibraryValidation));
  if (libraryValidation) {
    add('library-validation', 'info', `library validation is on (${flags & CS_FLAGS.libraryValidation ? 'flag 0x2000' : 'implied by the hardened runtime'}): only Apple's libraries and those of the same team can be loaded`);
  } else {
    add('no-library-validation', 'warning', 'library validation is off: the process can load libraries signed by anyone, and foreign code running inside it passes every requirement the process is checked against');
  }
  if (flags & CS_FLAGS.restrict) add('restrict', 'info', 'the restrict flag (0x800) is set: DYLD_ environment variables are ignored');

  // Entitlements that weaken it.
  if (on(ENT.getTaskAllow)) {
    add('get-task-allow', 'warning', `${ENT.getTaskAllow} is true: any process of the same user can attach a debugger and inject code; it belongs only in development builds (notarization rejects it)`);
  }
  if (on(ENT.disableLibraryValidation)) {
    add('disable-library-validation', 'warning', `${ENT.disableLibraryValidation} is true: the hardened runtime will load libraries and plug-ins signed by anyone`);
  }
  if (on(ENT.allowDyldEnv)) {
    add('allow-dyld-environment-variables', 'warning', `${ENT.allowDyldEnv} is true: DYLD_INSERT_LIBRARIES and friends can inject code at launch`);
  }
  if (on(ENT.allowJit)) {
    add('allow-jit', 'warning', `${ENT.allowJit} is true: the process may create writable-and-executable (MAP_JIT) memory, which an exploit can use to run code`);
  }
  if (on(ENT.allowUnsignedMemory)) {
    add('allow-unsigned-executable-memory', 'warning', `${ENT.allowUnsignedMemory} is true: the process may execute memory that no signature covers`);
  }
  if (on(ENT.disablePageProtection)) {
    add('disable-executable-page-protection', 'warning', `${ENT.disablePageProtection} is true: code pages may be modified after signing, the weakest setting of the hardened runtime`);
  }
  if (on(ENT.debugger)) {
    add('debugger', 'info', `${ENT.debugger} is true: the process may attach to and control other processes`);
  }

  expiryItems(facts, options.at ?? new Date(), add);
  return items;
}

function hasExt(cert: CertificateFacts | undefined, oid: string): boolean {
  return cert?.extensions.some((x) => x.oid === oid) ?? false;
}

function identityItems(chain: readonly CertificateFacts[], add: (code: string, severity: PostureItem['severity'], message: string) => void): void {
  const leaf = chain[0];
  const intermediate = chain[1];
  const anchor = chain[chain.length - 1]!;
  if (!appleRootBySha256(anchor.sha256)) {
    add('identity-not-apple', 'warning', 'the certificate chain does not end at an Apple root: Gatekeeper rejects it, and only `anchor trusted` or a certificate hash pin can identify it');
    return;
  }
  if (hasExt(leaf, `${LEAF}13`)) {
    add('identity-developer-id', 'info', 'Developer ID Application identity (leaf 1.2.840.113635.100.6.1.13): distribution outside the Mac App Store');
  } else if (hasExt(leaf, `${LEAF}9`) || hasExt(leaf, `${LEAF}9.1`)) {
    add('identity-mac-app-store', 'info', 'Mac App Store identity (leaf 1.2.840.113635.100.6.1.9): signed by Apple for App Store distribution');
  } else if (hasExt(leaf, `${LEAF}12`) || hasExt(leaf, `${LEAF}2`) || (hasExt(intermediate, `${INTERMEDIATE}1`) && !hasExt(leaf, `${LEAF}7`) && !hasExt(leaf, `${LEAF}4`) && !hasExt(leaf, `${LEAF}3`))) {
    add('identity-development', 'warning', 'development identity (Apple Development / Mac Developer, leaf 1.2.840.113635.100.6.1.12 or 6.1.2): meant for the developer\'s own devices; requirements pinned to Developer ID or App Store markers reject it, and production checks should not accept it');
  } else if (hasExt(leaf, `${LEAF}7`) || hasExt(leaf, `${LEAF}4`) || hasExt(leaf, `${LEAF}3`)) {
    add('identity-distribution', 'info', 'App Store distribution identity (leaf 1.2.840.113635.100.6.1.7, 6.1.4 or 6.1.3): for submission to Apple');
  } else if (hasExt(leaf, '1.2.840.113635.100.6.22')) {
    add('identity-apple', 'info', 'Apple\'s own software signing identity (leaf 1.2.840.113635.100.6.22)');
  } else {
    add('identity-other-apple', 'info', 'a certificate issued under an Apple root, with none of the usual code-signing leaf markers');
  }
}

function expiryItems(facts: CodeFacts, at: Date, add: (code: string, severity: PostureItem['severity'], message: string) => void): void {
  const ts = facts.secureTimestamp;
  const when = at.toISOString();
  facts.certificates.forEach((cert, i) => {
    const name = cert.subjectText || `certificate ${i}`;
    if (cert.notAfter.getTime() < at.getTime()) {
      const covered = ts && ts.getTime() >= cert.notBefore.getTime() && ts.getTime() <= cert.notAfter.getTime();
      if (covered) {
        add('certificate-expired', 'info', `certificate ${i} (${name}) expired on ${cert.notAfter.toISOString()} (before ${when}); the secure timestamp ${ts!.toISOString()} shows it was signed while valid, so macOS still accepts the signature`);
      } else {
        add('certificate-expired', 'warning', `certificate ${i} (${name}) expired on ${cert.notAfter.toISOString()} (before ${when}) and no secure timestamp proves the code was signed while it was valid`);
      }
    } else if (cert.notBefore.getTime() > at.getTime()) {
      add('certificate-not-yet-valid', 'warning', `certificate ${i} (${name}) is valid only from ${cert.notBefore.toISOString()} (after ${when})`);
    }
  });
}
