/**
 * The Apple roots `anchor apple generic` accepts: Security's
 * SecIsAppleTrustAnchor looks the SHA-256 of the anchor's DER up in this
 * fixed table (spec §5.4, SecAppleAnchor.c of the 2025 tag).
 */
import { toHex } from '../../grammar/bytes.js';

export interface AppleRoot {
  name: string;
  sha256: string;
  /** SHA-1 of the same DER: what `certificate root = H"…"` would pin. */
  sha1: string;
}

export const APPLE_ROOTS: readonly AppleRoot[] = Object.freeze([
  { name: 'Apple Root CA', sha256: 'b0b1730ecbc7ff4505142c49f1295e6eda6bcaed7e2c68c5be91b5a11001f024', sha1: '611e5b662c593a08ff58d14ae22452d198df6c60' },
  { name: 'Apple Root CA - G2', sha256: 'c2b9b042dd57830e7d117dac55ac8ae19407d38e41d88f3215bc3a890444a050', sha1: '14698989bfb2950921a42452646d37b50af017e2' },
  { name: 'Apple Root CA - G3', sha256: '63343abfb89a6a03ebb57e9b3f5fa7be7c4f5c756f3017b3a8c488c3653e9179', sha1: 'b52cb02fd567e0359fe8fa4d4c41037970fe01b0' },
  { name: 'Apple Platform Backport RSA Root CA - G1', sha256: 'fb3f6cf69467b5fa9ffa2b3b392b6e5e775bbb09c77b6e759e9038e26bbf9049', sha1: 'ded166e6ff966c8ccb7bf0500ebfed2740e90bd9' },
  { name: 'Apple Platform Backport ECC Root CA - G1', sha256: 'eda23b3f224f45e0952f20e4d2b33e000d49c8044c1168de47b443cd2b3536dc', sha1: '32324b0b6d5c5191c1c8dafda90e5406db4f4fd8' },
]);

const BY_SHA256 = new Map(APPLE_ROOTS.map((r) => [r.sha256, r]));

/** The Apple root with this SHA-256, if it is one. */
export function appleRootBySha256(sha256: Uint8Array): AppleRoot | undefined {
  return BY_SHA256.get(toHex(sha256));
}
