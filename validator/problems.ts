/** A finding of the signature reader or verifier, with a stable code tools can key on. */
export interface Problem {
  /** Stable, kebab-case, e.g. `page-hash-mismatch`, `cms-signature-invalid`, `truncated`. */
  code: string;
  severity: 'error' | 'warning';
  /** One line a person can act on, with the evidence (offsets, expected and actual values). */
  message: string;
}
