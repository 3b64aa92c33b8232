/** Byte helpers shared by the CMS modules. */

/** A standalone copy, so results never alias a library's or the caller's buffer. */
export function copyBytes(view: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (view instanceof ArrayBuffer) return new Uint8Array(view.slice(0));
  return new Uint8Array(view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Serial numbers as hex of the DER INTEGER contents without the sign byte, the way OpenSSL and Apple print them. */
export function integerHex(bytes: Uint8Array): string {
  const start = bytes.length > 1 && bytes[0] === 0 && (bytes[1]! & 0x80) !== 0 ? 1 : 0;
  return toHex(bytes.subarray(start));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
