/**
 * What the editor says about LWCR facts, operators and values: hover texts
 * and completion items, computed here once for every front end (the
 * language server, and through it VS Code or any LSP editor). The facts
 * themselves (keys, types, static or runtime) come from lwcr/model.ts; this
 * adds the words: where each fact is defined, which OS, and what the
 * enumerated values mean (spec lwcr.md §2.2–§2.7, §5.4, §7).
 */
import { CONTEXT_FACTS, FACT_BY_KEY, LAUNCH_TYPES, LOGICAL_OPS, QUERY_OPS, VALIDATION_CATEGORIES, VALUE_OP_FACT_TYPES, VALUE_OPS, type FactInfo, type LwcrContext } from '../../lwcr/index.js';

/** Where an LWCR was found in a host document (embedded/lwcr.ts). */
export type LwcrSource = 'spawn-constraint' | 'constraint-plist' | 'json' | 'xpc-dictionary' | 'swift-dictionary' | 'swift-builder';

/** Which OS evaluates an LWCR written in each form (spec §1, §7). */
export const FORM_AVAILABILITY: Record<LwcrSource, string> = {
  'spawn-constraint': 'launchd `SpawnConstraint`: launchd passes it to the kernel when it spawns the job (macOS 14)',
  'constraint-plist': 'a launch or library constraint file for `codesign --launch-constraint-*` / `--library-constraint` (third-party code: macOS 14)',
  json: 'csrl\'s JSON form of an LWCR (`csrl lwcr encode` turns it into the blob `codesign` embeds)',
  'xpc-dictionary': 'an XPC peer requirement: `xpc_connection_set_peer_lightweight_code_requirement` (macOS 14.4), `xpc_peer_requirement_create_lwcr` (macOS 26)',
  'swift-dictionary': 'an XPC peer requirement: `XPCPeerRequirement(lightweightCodeRequirements:)` (macOS 26)',
  'swift-builder': 'the LightweightCodeRequirements framework (macOS 14.4)',
};

/** Fact-specific OS notes, beyond the form's availability. */
const FACT_OS: Record<string, string> = {
  'team-identifier-for-current-process': 'macOS 15 (`TeamIdentifierMatchesCurrentProcess`)',
  'launch-type': 'Launch Services sets 3 (application) for app launches since macOS 14.0',
  'validation-category': 'macOS 13 for trust-cache categories; macOS 14 for third-party constraints',
};

const CONTEXT_WORDS: Record<LwcrContext, string> = { launch: 'launch and spawn constraints (kernel)', 'on-disk': 'on-disk checks (Security.framework)', process: 'process checks (XPC, SecTask)', library: 'library constraints' };

/** The Swift builder type of each fact (LightweightCodeRequirements framework), where there is one. */
export const SWIFT_CONSTRAINTS: Record<string, { fact: string; value: 'string' | 'category' | 'platform' | 'bool' | 'opaque' }> = {
  TeamIdentifier: { fact: 'team-identifier', value: 'string' },
  SigningIdentifier: { fact: 'signing-identifier', value: 'string' },
  ValidationCategory: { fact: 'validation-category', value: 'category' },
  PlatformType: { fact: 'platform-type', value: 'platform' },
  IsInitProcess: { fact: 'is-init-proc', value: 'bool' },
  IsMainBinary: { fact: 'is-main-binary', value: 'bool' },
  IsSIPProtected: { fact: 'is-sip-protected', value: 'bool' },
  TeamIdentifierMatchesCurrentProcess: { fact: 'team-identifier-for-current-process', value: 'bool' },
  CodeDirectoryHash: { fact: 'cdhash', value: 'opaque' },
  InfoPlistHash: { fact: 'info-plist-hash', value: 'opaque' },
};
export const SWIFT_CONSTRAINT_OF_FACT: ReadonlyMap<string, string> = new Map(Object.entries(SWIFT_CONSTRAINTS).map(([name, c]) => [c.fact, name]));

/** `ValidationCategory(.x)` cases and their numbers (spec §7, §2.7). */
export const SWIFT_CATEGORIES: Record<string, number> = { platform: 1, testflight: 2, development: 3, appStore: 4, enterprise: 5, developerID: 6, none: 10 };
/** `PlatformType(.x)` cases: Mach-O `PLATFORM_*` numbers (LC_BUILD_VERSION). */
export const SWIFT_PLATFORMS: Record<string, number> = {
  macOS: 1, iOS: 2, tvOS: 3, watchOS: 4, bridgeOS: 5, macCatalyst: 6, iOSSimulator: 7, tvOSSimulator: 8, watchOSSimulator: 9, driverKit: 10, visionOS: 11, visionOSSimulator: 12,
};

const OPERATOR_DOCS: Record<string, string> = {
  $and: 'every entry of the dictionary must match; evaluated in order, stops at the first false or error. The top level is an implicit `$and`.',
  $or: 'any entry of the dictionary matches. An `$optional` entry whose fact is undefined does not count as a match.',
  '$and-array': '`$and` over an array of `[operator, operand]` pairs: lets the same fact appear more than once.',
  '$or-array': '`$or` over an array of `[operator, operand]` pairs: lets the same fact appear more than once (e.g. "≠ N" as `$lt N` or `$gt N`).',
  $optional: 'a dictionary with exactly one entry: if its fact or operator is undefined for this code (E 5 / E 1) the entry is ignored (true under `$and`, no match under `$or`). A misspelt fact under `$optional` is silently ignored.',
  $in: 'the fact equals one of the array\'s elements; elements of another type are skipped. An empty array never matches.',
  $lt: 'signed 64-bit comparison: fact < value (integer facts only).',
  $lte: 'signed 64-bit comparison: fact ≤ value (integer facts only).',
  $gt: 'signed 64-bit comparison: fact > value (integer facts only).',
  $gte: 'signed 64-bit comparison: fact ≥ value (integer facts only).',
  '$flag-check': 'every bit of the value is set in the fact (code-signing flags): `(value & ~fact) == 0`. Not in Apple\'s documentation.',
  $query: 'a CoreEntitlements query over the entitlements: an array of `[opcode, parameter]` steps; true if the state is still valid after the last step (`entitlements` only).',
};

/** Markdown describing a fact key, for hovers and completion items. */
export function factMarkdown(key: string, source?: LwcrSource): string | undefined {
  const info = FACT_BY_KEY.get(key);
  if (!info) return undefined;
  const lines = [`**\`${info.key}\`** — LWCR fact (${typeWord(info)})`, '', `${capital(info.summary)}.`, ''];
  lines.push(info.static
    ? '- **Static:** yes — decided from the signed file (`csrl check --lwcr` evaluates it).'
    : '- **Static:** no — only the running system knows it; a static check reports it as undetermined.');
  const defined = (Object.keys(CONTEXT_FACTS) as LwcrContext[]).filter((c) => CONTEXT_FACTS[c].has(info.key));
  const missing = (Object.keys(CONTEXT_FACTS) as LwcrContext[]).filter((c) => !CONTEXT_FACTS[c].has(info.key));
  lines.push(`- **Defined for:** ${defined.map((c) => CONTEXT_WORDS[c]).join('; ')}${missing.length ? `. Undefined (E 5) for ${missing.map((c) => CONTEXT_WORDS[c]).join('; ')}` : ''}.`);
  const os = FACT_OS[info.key];
  lines.push(`- **OS:** ${source ? FORM_AVAILABILITY[source] : 'launch constraints macOS 13/14, XPC peer requirements macOS 14.4'}${os ? `; ${os}` : ''}.`);
  const values = valuesOf(info.key);
  if (values.length) lines.push(`- **Values:** ${values.map((v) => `${v.value} ${v.name}`).join(', ')}.`);
  if (info.uncertain) lines.push(`- **Uncertain:** ${info.uncertain}.`);
  return lines.join('\n');
}

/** Markdown describing an operator, for hovers and completion items. */
export function operatorMarkdown(op: string): string | undefined {
  const doc = OPERATOR_DOCS[op];
  if (!doc) {
    if (op === '$not' || op === '$ne' || op === '$nin') return `**\`${op}\`** — not an LWCR operator: LWCRs have no negation (E 1 at evaluation). For an integer "≠ N" use \`$or-array\` with \`$lt\` and \`$gt\`.`;
    return undefined;
  }
  const where = (LOGICAL_OPS as readonly string[]).includes(op)
    ? 'logical operator, where no fact is active'
    : `value operator, on ${VALUE_OP_FACT_TYPES[op as (typeof VALUE_OPS)[number]].map((t) => (t === 'dict' ? 'entitlements' : `${t} facts`)).join(', ')}`;
  return `**\`${op}\`** — LWCR ${where}\n\n${capital(doc)}`;
}

/** Markdown for a value of a fact: the meaning of an enumerated number. */
export function valueMarkdown(key: string, value: bigint | number | boolean | string): string | undefined {
  if (typeof value === 'boolean' || typeof value === 'string') return undefined;
  const n = Number(value);
  const v = valuesOf(key, true).find((x) => x.value === n);
  if (!v) return key === 'validation-category' || key === 'launch-type' ? `**${n}** — not a known ${key} value.` : undefined;
  const note = key === 'validation-category' && [0, 7, 8, 9].includes(n) ? ' Not valid in a constraint (assigned by the system, or never a fact value).' : key === 'validation-category' && n === 10 ? ' Includes ad-hoc signed code: anyone can produce it.' : key === 'validation-category' && (n === 2 || n === 3) ? ' Production requirements should not admit it.' : '';
  return `**${key} ${n}** — ${v.name}.${note}`;
}

/** Markdown for a `$query` opcode. */
export function queryOpMarkdown(opcode: number): string | undefined {
  const info = QUERY_OPS.get(opcode);
  if (!info) return undefined;
  return `**\`$query\` op ${opcode}** — ${info.name} (parameter: ${info.param})${info.executed ? '' : '. Not executed by the evaluator examined (E 1)'}${info.uncertain ? `. Uncertain: ${info.uncertain}` : ''}.`;
}

export interface EnumValue {
  value: number;
  name: string;
  /** Not meant for constraints (categories 0, 7–9). */
  discouraged?: boolean;
}

/** The enumerated values of a fact; `all` includes those not meant for constraints. */
export function valuesOf(key: string, all = false): EnumValue[] {
  if (key === 'validation-category') {
    return Object.entries(VALIDATION_CATEGORIES)
      .map(([k, name]) => ({ value: Number(k), name, ...([0, 7, 8, 9].includes(Number(k)) ? { discouraged: true } : {}) }))
      .filter((v) => all || !v.discouraged);
  }
  if (key === 'launch-type') return Object.entries(LAUNCH_TYPES).map(([k, name]) => ({ value: Number(k), name }));
  if (key === 'platform-type') return Object.entries(SWIFT_PLATFORMS).map(([name, value]) => ({ value, name }));
  return [];
}

/** Value operators that apply to a fact (by its type). */
export function operatorsFor(key: string): string[] {
  const info = FACT_BY_KEY.get(key);
  if (!info) return [...VALUE_OPS];
  return VALUE_OPS.filter((op) => VALUE_OP_FACT_TYPES[op].includes(info.type));
}

function typeWord(info: FactInfo): string {
  return info.type === 'dict' ? 'dictionary, `$query` only' : info.type === 'int' ? 'integer' : info.type === 'bool' ? 'boolean' : info.type;
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
