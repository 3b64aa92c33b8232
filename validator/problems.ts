/** A finding of the signature reader or verifier, with a stable code tools can key on. */
export interface Problem {
  /** Stable, kebab-case, e.g. `page-hash-mismatch`, `cms-signature-invalid`, `truncated`. */
  code: string;
  severity: 'error' | 'warning';
  /** One line a person can act on, with the evidence (offsets, expected and actual values). */
  message: string;
}

/**
 * Problems of the bundle resource check (validator/resources), as
 * `codesign --verify` reports them; each message starts with the path of the
 * file concerned, relative to the bundle.
 */
export const RESOURCE_PROBLEM_CODES = Object.freeze({
  'resource-modified': 'a sealed file whose hash differs from the seal',
  'resource-missing': 'a sealed, non-optional file, link or nested code that is gone',
  'resource-added': 'a file, link or nested code that the rules seal but the seal does not list',
  'resource-symlink-changed': 'a sealed symbolic link whose target text changed',
  'resource-type-changed': 'a file sealed as one kind (file, link, nested code) that is now another',
  'resource-nested-altered': 'warning: nested code whose CDHash is not the sealed one (re-signed); Apple does not check it, only the nested signature and the sealed requirement',
  'resource-nested-invalid': 'nested code that cannot be read or whose own signature does not verify',
  'resource-nested-requirement': 'nested code that does not satisfy its sealed requirement',
  'resource-nested-requirement-undetermined': 'warning: the sealed requirement needs facts only a Mac has',
  'resource-nested-not-verified': 'no longer reported: nested code beyond the nesting limit is a resources-limit error',
  'resource-seal-invalid': 'an unusable seal entry (bad key such as "../x", wrong value type, unparsable requirement)',
  'resource-seal-malformed': 'a CodeResources that cannot be used at all (not a plist, bad rules, too many entries)',
  'resources-not-sealed': 'a signed bundle whose signature seals no resources (Apple: errSecCSResourcesNotFound)',
  'resource-unreadable': 'a file or folder that could not be read',
  'resource-unsupported-type': 'a socket, FIFO or device inside the bundle',
  'resources-limit': 'verification stopped at a limit (files, bytes, folder depth, nesting depth, rule-matching steps); the bundle counts as invalid',
  'resources-more-problems': 'the count of resource problems past the reporting limit',
} as const);

export type ResourceProblemCode = keyof typeof RESOURCE_PROBLEM_CODES;
