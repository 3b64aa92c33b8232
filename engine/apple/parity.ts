/**
 * Parity of our requirement compiler with Apple's
 * (SecRequirementCreateWithStringAndErrors, SecRequirementCopyData,
 * SecRequirementCopyString). The live oracle is native.parseRequirement on
 * macOS (scripts/parity-macos.ts, run by .github/workflows/macos.yml);
 * elsewhere the same comparison runs against the results recorded in the
 * spec (requirement-language.md §1.6, §7, §8), so the comparison itself is
 * tested everywhere.
 */
import { fromHex, toHex } from '../../grammar/bytes.js';
import { decompile } from '../../grammar/codec/decode.js';
import { compile } from '../../grammar/codec/encode.js';
import { parse } from '../../grammar/parser.js';
import { printApple } from '../../grammar/print/apple.js';
import type { AppleParse, Unsupported } from '../../native/index.js';

export interface ParityCase {
  text: string;
  /** What the spec says Apple does. */
  expect: 'accept' | 'reject';
  /** Where the expectation comes from (spec section and its source). */
  source: string;
  /** Apple's blob as recorded in the spec (hex), when it records one. */
  bytes?: string;
  /** Apple's text (SecRequirementCopyString) as recorded in the spec. */
  dump?: string;
  /** Apple's compiler error lines (kSecCFErrorRequirementSyntax) as recorded in the spec. */
  appleError?: string;
}

const ANCHOR_APPLE_GENERIC_DEV_ID =
  'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13]';

/** The spec's accept/reject list (single requirements, as SecRequirementCreateWithString takes them). */
export const PARITY_CASES: readonly ParityCase[] = [
  // §7.1: byte arrays from Apple's sources (LWCRHelper.mm, codesigdb.cpp, keychain test data).
  { text: 'anchor apple', expect: 'accept', source: '§7.1 platformReqData', bytes: 'fade0c00000000100000000100000003', dump: 'anchor apple' },
  {
    text: 'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.25.1]',
    expect: 'accept',
    source: '§7.1 testflightReqData',
    bytes: 'fade0c000000003000000001000000060000000f0000000e000000000000000b2a864886f76364060119010000000000',
    dump: 'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.25.1] /* exists */',
  },
  {
    text: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and (certificate leaf[field.1.2.840.113635.100.6.1.2] or certificate leaf[field.1.2.840.113635.100.6.1.12])',
    expect: 'accept',
    source: '§7.1 developmentReqData',
    bytes:
      'fade0c00000000700000000100000006000000060000000f0000000e000000010000000a2a864886f76364060201000000000000000000070000000e000000000000000a2a864886f763640601020000000000000000000e000000000000000a2a864886f7636406010c000000000000',
    dump: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */ and (certificate leaf[field.1.2.840.113635.100.6.1.2] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.12] /* exists */)',
  },
  {
    text: ANCHOR_APPLE_GENERIC_DEV_ID,
    expect: 'accept',
    source: '§7.1 developerIDReqData',
    bytes:
      'fade0c00000000500000000100000006000000060000000f0000000e000000010000000a2a864886f763640602060000000000000000000e000000000000000a2a864886f7636406010d000000000000',
    dump: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */',
  },
  {
    text: 'cdhash H"9eb61ad881f8eb0f48821e617fbf7034fe790f0c"',
    expect: 'accept',
    source: '§7.1 kc-30-xara-upgrade-helpers.h',
    bytes: 'fade0c00000000280000000100000008000000149eb61ad881f8eb0f48821e617fbf7034fe790f0c',
    dump: 'cdhash H"9eb61ad881f8eb0f48821e617fbf7034fe790f0c"',
  },
  // §1.6 / §2.4 / §8.2: observed against Apple's compiler ([REQ]).
  { text: 'certificate leaf[subject.OU] = "59GAB85EFG"', expect: 'accept', source: '§1.6 observed' },
  { text: 'certificate leaf[subject.OU] = GA59B85EFG', expect: 'accept', source: '§1.6 observed' },
  { text: 'certificate leaf[subject.OU] = 59GAB85EFG', expect: 'reject', source: '§1.6 observed' },
  { text: 'info[CFBundleVersion] >= "17.4.2"', expect: 'accept', source: '§1.6 observed' },
  { text: 'info[CFBundleVersion] >= 17.4.2', expect: 'reject', source: '§1.6 observed' },
  { text: 'certificate 2[field.42] = hello.world*', expect: 'accept', source: '§1.8 observed' },
  { text: 'certificate anchor trusted', expect: 'reject', source: '§2.4 observed' },
  { text: 'certificate root apple', expect: 'reject', source: '§8.2 observed' },
  { text: 'certificate leaf[field.1.2.840.113635.100.6.1.9] > hello', expect: 'accept', source: '§5.3 observed' },
  // Derived from the grammar (§8.1, §8.2).
  { text: 'identifier com.foo-bar', expect: 'reject', source: '§8.1 grammar', appleError: "line 1:19: expecting EOF, found '-'" },
  { text: 'info[X] = 1', expect: 'reject', source: '§8.1 grammar' },
  { text: 'anchor apple\r\n', expect: 'reject', source: '§8.2.1 grammar (CR)' },
  { text: 'identifier "a\\\\b"', expect: 'reject', source: '§8.2.2 grammar (backslash)' },
  { text: 'Anchor apple', expect: 'reject', source: '§8.2.4 grammar (case)' },
  { text: 'info[key] = true', expect: 'reject', source: '§8.2.4 grammar (reserved)' },
  { text: 'cdhash H"0123"', expect: 'reject', source: '§8.3 grammar (hash length)' },
  { text: 'anchor apple, anchor apple', expect: 'reject', source: '§8.2.17 grammar (comma)' },
  { text: 'platform = -1', expect: 'reject', source: '§8.2.14 grammar' },
  { text: 'designated => anchor apple', expect: 'reject', source: 'users spec (set where a single requirement is expected)' },
  { text: '(anchor apple generic and certificate leaf[subject.OU] = 34XR7GXFPX)', expect: 'reject', source: 'Sparkle #2765' },
  { text: 'anchor apple;;', expect: 'accept', source: '§8.2.16 grammar' },
  { text: 'identifier == "com.example.app" and anchor apple generic', expect: 'accept', source: '§8.2.15 grammar' },
  { text: '/* x **/ anchor apple */ anchor apple', expect: 'accept', source: '§1.3 grammar (comment quirk)' },
  // §7.4: model-derived vectors (consistent with all Apple vectors).
  {
    text: 'identifier com.apple.Safari and anchor apple',
    expect: 'accept',
    source: '§7.4 model',
    bytes: 'fade0c000000002c00000001000000060000000200000010636f6d2e6170706c652e53616661726900000003',
    dump: 'identifier "com.apple.Safari" and anchor apple',
  },
  {
    text: 'entitlement["com.apple.security.app-sandbox"] exists',
    expect: 'accept',
    source: '§7.4 model',
    bytes: 'fade0c000000003800000001000000100000001e636f6d2e6170706c652e73656375726974792e6170702d73616e64626f78000000000000',
    dump: 'entitlement["com.apple.security.app-sandbox"] /* exists */',
  },
  { text: 'platform = 2', expect: 'accept', source: '§7.4 model', bytes: 'fade0c0000000014000000010000001400000002', dump: 'platform = 2' },
  { text: '! anchor apple', expect: 'accept', source: '§7.4 model', bytes: 'fade0c0000000014000000010000000900000003', dump: '! anchor apple' },
  {
    text: 'always or never and ! never',
    expect: 'accept',
    source: '§7.4 model',
    bytes: 'fade0c000000002400000001000000070000000100000006000000000000000900000000',
    dump: 'always or never and ! never',
  },
  {
    text: 'info[CFBundleVersion] absent',
    expect: 'accept',
    source: '§7.4 model',
    bytes: 'fade0c0000000028000000010000000a0000000f434642756e646c6556657273696f6e000000000e',
    dump: 'info[CFBundleVersion] absent ',
  },
  {
    text: 'anchor = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"',
    expect: 'accept',
    source: '§7.4 model',
    bytes: 'fade0c000000002c0000000100000004ffffffff000000140123456789abcdeffedcba98765432100a2bc5da',
    dump: 'certificate root = H"0123456789abcdeffedcba98765432100a2bc5da"',
  },
  {
    text: 'certificate -2 trusted',
    expect: 'accept',
    source: '§7.4 model',
    bytes: 'fade0c0000000014000000010000000cfffffffe',
    dump: 'certificate -2trusted',
  },
];

/** What our side says about one text: accept/reject plus the bytes and Apple-style text. */
export interface OurResult {
  accepted: boolean;
  bytes?: string;
  text?: string;
  firstError?: string;
  /** The error lines Apple's compiler would print, per our parser. */
  appleErrors?: string;
}

export function ourResult(text: string): OurResult {
  const parsed = parse(text, { mode: 'single' });
  if (!parsed.ok || !parsed.document) {
    const first = parsed.diagnostics.find((d) => d.severity === 'error');
    const appleLines = parsed.diagnostics.flatMap((d) => (d.severity === 'error' && d.apple !== undefined ? [d.apple] : []));
    return {
      accepted: false,
      ...(first ? { firstError: first.message } : {}),
      ...(appleLines.length > 0 ? { appleErrors: appleLines.join('\n') } : {}),
    };
  }
  const compiled = compile(parsed.document);
  if (!compiled.bytes) {
    const first = compiled.diagnostics.find((d) => d.severity === 'error');
    return { accepted: false, ...(first ? { firstError: first.message } : {}) };
  }
  // Apple's SecRequirementCopyString decompiles the compiled blob: do the same.
  return { accepted: true, bytes: toHex(compiled.bytes), text: printApple(decompile(compiled.bytes)) };
}

/** What the oracle says; recorded (spec) or live (Security.framework). */
export interface OracleResult {
  accepted: boolean;
  bytes?: string;
  text?: string;
  /** The compiler's error lines, when the oracle has them exactly. */
  syntaxErrors?: string;
  /** Any other error description (for display). */
  errorText?: string;
}

export type Oracle = (text: string) => Promise<OracleResult>;

export interface Disagreement {
  case: ParityCase;
  /** 'message' (error text differs, both reject) is reported but is not fatal: see isFatal. */
  kind: 'acceptance' | 'bytes' | 'text' | 'spec' | 'message';
  ours: string;
  apple: string;
}

/** Compares our compiler with the oracle on every case; also flags an oracle that contradicts the spec. */
export async function compareWithOracle(cases: readonly ParityCase[], oracle: Oracle): Promise<Disagreement[]> {
  const out: Disagreement[] = [];
  for (const c of cases) {
    const ours = ourResult(c.text);
    const apple = await oracle(c.text);
    if ((apple.accepted ? 'accept' : 'reject') !== c.expect) {
      out.push({ case: c, kind: 'spec', ours: `spec says ${c.expect}`, apple: describe(apple) });
    }
    if (ours.accepted !== apple.accepted) {
      out.push({ case: c, kind: 'acceptance', ours: describeOurs(ours), apple: describe(apple) });
      continue;
    }
    if (!ours.accepted) {
      if (apple.syntaxErrors !== undefined && normaliseErrors(apple.syntaxErrors) !== normaliseErrors(ours.appleErrors ?? '')) {
        out.push({ case: c, kind: 'message', ours: JSON.stringify(ours.appleErrors ?? ''), apple: JSON.stringify(apple.syntaxErrors) });
      }
      continue;
    }
    if (apple.bytes !== undefined && ours.bytes !== apple.bytes) out.push({ case: c, kind: 'bytes', ours: ours.bytes ?? '', apple: apple.bytes });
    if (apple.text !== undefined && ours.text !== apple.text) out.push({ case: c, kind: 'text', ours: ours.text ?? '', apple: apple.text });
  }
  return out;
}

/** Differences in error wording are worth fixing but do not make the parsers disagree on the language. */
export function isFatal(d: Disagreement): boolean {
  return d.kind !== 'message';
}

/** Apple terminates every error line with a newline; compare the lines only. */
function normaliseErrors(text: string): string {
  return text.replace(/\n+$/, '');
}

/** The results the spec records for Apple (expectation, and bytes/text where recorded). */
export function recordedOracle(cases: readonly ParityCase[]): Oracle {
  const byText = new Map(cases.map((c) => [c.text, c]));
  return async (text) => {
    const c = byText.get(text);
    if (!c) throw new Error(`no recorded result for ${JSON.stringify(text)}`);
    return {
      accepted: c.expect === 'accept',
      ...(c.bytes !== undefined ? { bytes: toHex(fromHex(c.bytes)) } : {}),
      ...(c.dump !== undefined ? { text: c.dump } : {}),
      ...(c.appleError !== undefined ? { syntaxErrors: `${c.appleError}\n` } : {}),
    };
  };
}

/** Security.framework through the native addon (macOS only). */
export function liveOracle(parseRequirement: (text: string) => Promise<AppleParse | Unsupported>): Oracle {
  return async (text) => {
    const r = await parseRequirement(text);
    if (!r.supported) throw new Error(`Apple's compiler is not available here: ${r.reason}`);
    const result: OracleResult = { accepted: r.accepted };
    if (r.bytes) result.bytes = toHex(r.bytes);
    if (r.text !== undefined) result.text = r.text;
    if (r.result.syntaxErrors !== undefined) result.syntaxErrors = r.result.syntaxErrors;
    if (r.result.errorText !== undefined) result.errorText = r.result.errorText;
    return result;
  };
}

export function formatDisagreement(d: Disagreement): string {
  return [
    `DISAGREEMENT (${d.kind}) ${JSON.stringify(d.case.text)} [${d.case.source}]`,
    `  ours:  ${d.ours}`,
    `  apple: ${d.apple}`,
  ].join('\n');
}

function describe(r: OracleResult): string {
  const error = r.syntaxErrors ?? r.errorText;
  return r.accepted ? `accepted${r.bytes ? ` ${r.bytes}` : ''}` : `rejected${error ? `: ${error.trim()}` : ''}`;
}

function describeOurs(r: OurResult): string {
  return r.accepted ? `accepted ${r.bytes}` : `rejected${r.firstError ? `: ${r.firstError}` : ''}`;
}
