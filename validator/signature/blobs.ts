/** Magic numbers and slot numbers of embedded code signatures (Apple's cs_blobs.h / codedirectory.h). */

export const CSMAGIC_REQUIREMENT = 0xfade0c00;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
export const CSMAGIC_DETACHED_SIGNATURE = 0xfade0cc1;
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
export const CSMAGIC_EMBEDDED_ENTITLEMENTS = 0xfade7171;
export const CSMAGIC_EMBEDDED_DER_ENTITLEMENTS = 0xfade7172;
export const CSMAGIC_LAUNCH_CONSTRAINT = 0xfade8181;

export const SLOT_CODEDIRECTORY = 0;
export const SLOT_INFO = 1;
export const SLOT_REQUIREMENTS = 2;
export const SLOT_RESOURCEDIR = 3;
export const SLOT_APPLICATION = 4;
export const SLOT_ENTITLEMENTS = 5;
export const SLOT_REP_SPECIFIC = 6;
export const SLOT_DER_ENTITLEMENTS = 7;
export const SLOT_LAUNCH_CONSTRAINT_SELF = 8;
export const SLOT_LAUNCH_CONSTRAINT_PARENT = 9;
export const SLOT_LAUNCH_CONSTRAINT_RESPONSIBLE = 10;
export const SLOT_LIBRARY_CONSTRAINT = 11;
export const SLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
export const SLOT_ALTERNATE_CODEDIRECTORY_MAX = 5;
export const SLOT_SIGNATURE = 0x10000;

const SLOT_NAMES: Record<number, string> = {
  0: 'CodeDirectory',
  1: 'Info.plist',
  2: 'Requirements',
  3: 'CodeResources',
  4: 'Application',
  5: 'Entitlements',
  6: 'RepSpecific',
  7: 'DER Entitlements',
  8: 'LaunchConstraint(self)',
  9: 'LaunchConstraint(parent)',
  10: 'LaunchConstraint(responsible)',
  11: 'LibraryConstraint',
  0x10000: 'CMS Signature',
};

export function slotName(slot: number): string {
  if (slot >= SLOT_ALTERNATE_CODEDIRECTORIES && slot < SLOT_ALTERNATE_CODEDIRECTORIES + SLOT_ALTERNATE_CODEDIRECTORY_MAX) {
    return `Alternate CodeDirectory ${slot - SLOT_ALTERNATE_CODEDIRECTORIES}`;
  }
  return SLOT_NAMES[slot] ?? `slot 0x${slot.toString(16)}`;
}

export function hex32(n: number): string {
  return '0x' + (n >>> 0).toString(16).padStart(8, '0');
}
