/**
 * The signed test files every door table checks (test/engine/doors.test.ts
 * for requirements, lwcr-doors.test.ts for LWCRs): an ad-hoc signed Mach-O
 * with identifier com.example.doors, the same with one code-page byte
 * flipped, and a universal file whose arm64 slice is unsigned.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeFat, makeMachO, signMachO } from '../signer/index.js';

export const DOOR_IDENTIFIER = 'com.example.doors';

export interface DoorFiles {
  good: string;
  flipped: string;
  fat: string;
}

export function writeDoorFiles(dir: string): DoorFiles {
  const good = signMachO(makeMachO({ codeSize: 40_000 }), { identifier: DOOR_IDENTIFIER, adhoc: true });
  const flipped = Buffer.from(good);
  flipped[8 * 4096 + 17]! ^= 0x01; // a byte of code page 8
  const files = { good: join(dir, 'good'), flipped: join(dir, 'flipped'), fat: join(dir, 'fat') };
  writeFileSync(files.good, good);
  writeFileSync(files.flipped, flipped);
  writeFileSync(files.fat, makeFat([signMachO(makeMachO({ arch: 'x86_64' }), { identifier: DOOR_IDENTIFIER, adhoc: true }), makeMachO({ arch: 'arm64' })]));
  return files;
}
