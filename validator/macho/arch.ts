/** Architecture names as Apple's tools print them (`lipo -archs`, `codesign -a`), from <mach/machine.h>. */

export const CPU_ARCH_ABI64 = 0x01000000;
export const CPU_ARCH_ABI64_32 = 0x02000000;

const CPU_TYPE_VAX = 1;
const CPU_TYPE_MC680X0 = 6;
const CPU_TYPE_X86 = 7;
const CPU_TYPE_MC98000 = 10;
const CPU_TYPE_HPPA = 11;
const CPU_TYPE_ARM = 12;
const CPU_TYPE_MC88000 = 13;
const CPU_TYPE_SPARC = 14;
const CPU_TYPE_I860 = 15;
const CPU_TYPE_POWERPC = 18;

const ARM_SUBTYPES: Record<number, string> = {
  5: 'armv4t',
  6: 'armv6',
  7: 'armv5',
  8: 'xscale',
  9: 'armv7',
  10: 'armv7f',
  11: 'armv7s',
  12: 'armv7k',
  13: 'armv8',
  14: 'armv6m',
  15: 'armv7m',
  16: 'armv7em',
};

const PPC_SUBTYPES: Record<number, string> = {
  1: 'ppc601',
  2: 'ppc602',
  3: 'ppc603',
  4: 'ppc603e',
  5: 'ppc603ev',
  6: 'ppc604',
  7: 'ppc604e',
  8: 'ppc620',
  9: 'ppc750',
  10: 'ppc7400',
  11: 'ppc7450',
  100: 'ppc970',
};

/** The capability bits (e.g. pointer authentication ABI version) live in the top byte of the subtype. */
const CPU_SUBTYPE_MASK = 0xff000000;

export function archName(cpuType: number, cpuSubtype: number): string {
  const sub = (cpuSubtype & ~CPU_SUBTYPE_MASK) >>> 0;
  switch (cpuType >>> 0) {
    case CPU_TYPE_X86:
      return 'i386';
    case CPU_TYPE_X86 | CPU_ARCH_ABI64:
      return sub === 8 ? 'x86_64h' : 'x86_64';
    case CPU_TYPE_ARM:
      return ARM_SUBTYPES[sub] ?? 'arm';
    case CPU_TYPE_ARM | CPU_ARCH_ABI64:
      return sub === 2 ? 'arm64e' : sub === 1 ? 'arm64v8' : 'arm64';
    case CPU_TYPE_ARM | CPU_ARCH_ABI64_32:
      return 'arm64_32';
    case CPU_TYPE_POWERPC:
      return PPC_SUBTYPES[sub] ?? 'ppc';
    case CPU_TYPE_POWERPC | CPU_ARCH_ABI64:
      return sub === 100 ? 'ppc970-64' : 'ppc64';
    case CPU_TYPE_VAX:
      return 'vax';
    case CPU_TYPE_MC680X0:
      return 'm68k';
    case CPU_TYPE_MC98000:
      return 'm98k';
    case CPU_TYPE_HPPA:
      return 'hppa';
    case CPU_TYPE_MC88000:
      return 'm88k';
    case CPU_TYPE_SPARC:
      return 'sparc';
    case CPU_TYPE_I860:
      return 'i860';
    default:
      return `cputype${cpuType >>> 0}.${sub}`;
  }
}

const FILE_TYPES: Record<number, string> = {
  1: 'object',
  2: 'execute',
  3: 'fvmlib',
  4: 'core',
  5: 'preload',
  6: 'dylib',
  7: 'dylinker',
  8: 'bundle',
  9: 'dylib_stub',
  10: 'dsym',
  11: 'kext_bundle',
  12: 'fileset',
};

export function fileTypeName(fileType: number): string {
  return FILE_TYPES[fileType] ?? `filetype${fileType >>> 0}`;
}
