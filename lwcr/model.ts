/**
 * What the LWCR language knows: facts, operators, `$query` opcodes,
 * validation categories and limits (spec lwcr.md §2). Every fact or number
 * the spec marks "(uncertain)" is a row here with `uncertain` set, so a
 * correction is one edit and tests can name it.
 */

export type FactType = 'bool' | 'int' | 'string' | 'data' | 'dict';

export interface FactInfo {
  key: string;
  type: FactType;
  /** Can a static check of the signed file decide it (§2.2, §5.3)? */
  static: boolean;
  summary: string;
  /** Why this row rests on uncertain facts, when it does. */
  uncertain?: string;
}

const f = (key: string, type: FactType, isStatic: boolean, summary: string, uncertain?: string): FactInfo => ({ key, type, static: isStatic, summary, ...(uncertain ? { uncertain } : {}) });

/** Facts of §2.2. Keys Apple does not spell out in full are marked uncertain. */
export const FACTS: readonly FactInfo[] = [
  f('apple-internal', 'bool', false, 'the OS is an Apple-internal variant'),
  f('cdhash', 'data', true, 'hash of the highest-ranked CodeDirectory, truncated to 20 bytes'),
  f('code-signing-flags', 'int', true, 'CodeDirectory flags on disk; the kernel csflags for a process', 'only the first byte and length (18) of the key are known'),
  f('developer-mode', 'bool', false, 'Developer Mode is enabled'),
  f('entitlements', 'dict', true, 'the entitlements of the signature (only $query applies)'),
  f('info-plist-hash', 'data', true, 'CodeDirectory special slot 1 (hash of Info.plist)', 'key reconstructed from its first 8 bytes and length'),
  f('in-tc-with-constraint-category', 'int', false, 'in a loaded trust cache with a constraint category', 'value type unknown'),
  f('is-init-proc', 'bool', false, 'the process is launchd (pid 1)'),
  f('is-main-binary', 'bool', true, 'CodeDirectory execSegFlags has CS_EXECSEG_MAIN_BINARY', 'key reconstructed from its first 8 bytes and length'),
  f('is-sip-protected', 'bool', false, 'the file is SIP-protected (depends on where it is installed)'),
  f('launch-type', 'int', false, '0 none, 1 system service, 2 sysdiagnose, 3 application'),
  f('on-authorized-authapfs-volume', 'bool', false, 'loaded from an authorized authenticated-APFS volume'),
  f('on-system-volume', 'bool', false, 'loaded from the booted system volume'),
  f('os-environment', 'string', false, 'sysctl hw.osenvironment', 'key reconstructed from its first 8 bytes and length'),
  f('platform-identifier', 'int', true, 'CodeDirectory platform byte (non-zero for Apple platform binaries)', 'key reconstructed from its first 8 bytes and length'),
  f('platform-type', 'int', true, 'Mach-O platform (LC_BUILD_VERSION) of the slice', 'only the prefix "platform" of the key is known; the value source is inferred'),
  f('signing-identifier', 'string', true, 'CodeDirectory identifier'),
  f('team-identifier', 'string', true, 'CodeDirectory team identifier (undefined when the CodeDirectory has none)'),
  f('team-identifier-for-current-process', 'bool', false, 'the peer has the evaluating process\'s team identifier', 'value type inferred from the Swift API'),
  f('validation-category', 'int', true, 'how the code was signed: 1 platform … 6 Developer ID, 10 none (§2.7)'),
];

export const FACT_BY_KEY: ReadonlyMap<string, FactInfo> = new Map(FACTS.map((x) => [x.key, x]));

/** Operators that combine entries where no fact is active (§2.4). */
export const LOGICAL_OPS = ['$and', '$or', '$and-array', '$or-array', '$optional'] as const;
export type LogicalOp = (typeof LOGICAL_OPS)[number];
/** Operators that apply to the value of a fact. */
export const VALUE_OPS = ['$in', '$lt', '$lte', '$gt', '$gte', '$flag-check', '$query'] as const;
export type ValueOp = (typeof VALUE_OPS)[number];
export const isLogicalOp = (k: string): k is LogicalOp => (LOGICAL_OPS as readonly string[]).includes(k);
export const isValueOp = (k: string): k is ValueOp => (VALUE_OPS as readonly string[]).includes(k);
/** Which fact types each value operator accepts (at parse time: $lt… and $flag-check need an int fact). */
export const VALUE_OP_FACT_TYPES: Record<ValueOp, readonly FactType[]> = {
  $in: ['int', 'string', 'data'],
  $lt: ['int'],
  $lte: ['int'],
  $gt: ['int'],
  $gte: ['int'],
  '$flag-check': ['int'],
  $query: ['dict'],
};

export interface QueryOpInfo {
  opcode: number;
  name: string;
  param: 'string' | 'int' | 'bool' | 'data';
  /** False: exists in CoreEntitlements but the TLE build examined answers E 1 (uncertain across OS versions). */
  executed: boolean;
  uncertain?: string;
}

/** `$query` opcodes (§2.5). */
export const QUERY_OPS: ReadonlyMap<number, QueryOpInfo> = new Map(
  (
    [
      [1, 'select key', 'string', true],
      [2, 'select index', 'int', false, 'documented by Apple but not executed by the TLE build examined'],
      [3, 'match string', 'string', true],
      [4, 'match string prefix', 'string', true],
      [5, 'match bool', 'bool', true],
      [6, 'string value allowed', 'string', true],
      [7, 'match integer', 'int', true],
      [8, 'string prefix value allowed', 'string', true, 'CoreEntitlements says prefix, Apple\'s doc says equal for arrays'],
      [9, 'select key with prefix', 'string', true],
      [10, 'integer value allowed', 'int', true],
      [11, 'match type', 'int', true],
      [12, 'match data', 'data', false, 'rejected by the TLE build examined'],
      [13, 'data value allowed', 'data', false, 'rejected by the TLE build examined'],
    ] as const
  ).map(([opcode, name, param, executed, uncertain]) => [opcode, { opcode, name, param, executed, ...(uncertain ? { uncertain } : {}) }]),
);
/** Bit 62 (kCEOpDynamic) is masked off before dispatch. */
export const QUERY_OP_DYNAMIC = 1n << 62n;
/** `$query` match-type values (op 11); 6 = data from CoreEntitlements' CEType_t. */
export const QUERY_TYPES: Record<number, string> = { 1: 'dict', 2: 'array', 3: 'int', 4: 'string', 5: 'bool', 6: 'data' };

/** Validation categories (§2.7). */
export const VALIDATION_CATEGORIES: Record<number, string> = {
  0: 'invalid',
  1: 'platform',
  2: 'TestFlight',
  3: 'development',
  4: 'App Store',
  5: 'enterprise / ad-hoc distribution',
  6: 'Developer ID',
  7: 'local signing',
  8: 'Rosetta',
  9: 'out-of-process JIT',
  10: 'none of the above',
};
/** Not meant for constraints: 0 is never a fact value, 7–9 are assigned by the system (doc). */
export const CONSTRAINT_INVALID_CATEGORIES: readonly number[] = [0, 7, 8, 9];
/** Categories issued by Apple to developers (§8 pitfall 10). */
export const APPLE_DEVELOPER_CATEGORIES: readonly number[] = [2, 3, 4, 5, 6];

/** Launch-type values ([XNU] cs_launch_type_t). */
export const LAUNCH_TYPES: Record<number, string> = { 0: 'none', 1: 'system service', 2: 'sysdiagnose', 3: 'application' };

/**
 * At most this many nested dictionary levels, counting the requirements
 * dictionary (the depth counter fails at 6: E 8). Uncertain exact count.
 */
export const MAX_DICT_DEPTH = 5;

/** Which evaluator defines which facts (§5.4): keys outside the set are E 5 (undefined fact) there. */
export type LwcrContext = 'launch' | 'on-disk' | 'process' | 'library';
const ON_DISK = ['apple-internal', 'cdhash', 'code-signing-flags', 'developer-mode', 'entitlements', 'info-plist-hash', 'is-main-binary', 'is-sip-protected', 'on-authorized-authapfs-volume', 'on-system-volume', 'os-environment', 'platform-type', 'platform-identifier', 'signing-identifier', 'team-identifier', 'validation-category'];
export const CONTEXT_FACTS: Record<LwcrContext, ReadonlySet<string>> = {
  // Uncertain: whether the kernel defines team-identifier-for-current-process for launch constraints.
  launch: new Set(FACTS.map((x) => x.key).filter((k) => k !== 'team-identifier-for-current-process')),
  'on-disk': new Set(ON_DISK),
  process: new Set(FACTS.map((x) => x.key).filter((k) => k !== 'is-main-binary' && k !== 'launch-type')),
  // Uncertain whether runtime facts are defined for library constraints; treated as defined.
  library: new Set(FACTS.map((x) => x.key).filter((k) => k !== 'team-identifier-for-current-process')),
};

/** Slot numbers of embedded constraints (§3.1). */
export const CONSTRAINT_SLOTS = { 8: 'launch-constraint-self', 9: 'launch-constraint-parent', 10: 'launch-constraint-responsible', 11: 'library-constraint' } as const;
export type ConstraintSlot = keyof typeof CONSTRAINT_SLOTS;
