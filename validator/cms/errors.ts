/** Raised for any CMS or certificate input that cannot be decoded; the message says what and where. */
export class CmsError extends Error {
  override name = 'CmsError';
}

/** Runs a decoder from a library and turns whatever it throws (including stack exhaustion) into a CmsError. */
export function decoding<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CmsError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new CmsError(`${what}: ${detail}`);
  }
}
