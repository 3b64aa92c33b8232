/**
 * fast-check generators of requirement ASTs, for property tests of the codec,
 * the printers, the parser and the evaluator.
 *
 * Two flavours:
 * - `textual: true`: only ASTs that canonical text can express exactly
 *   (printCanonical → parse gives them back): operands a token can spell,
 *   20-byte hashes, OIDs some dotted text encodes to, dates in years
 *   0000–9999, no opInfoKeyValue / unknown opcodes / lightweight requirements,
 *   no empty sets.
 * - otherwise: anything the binary form can hold, including unknown flagged
 *   opcodes, unknown match operations, odd-length hashes, arbitrary bytes.
 *
 * All nodes carry NO_RANGE; parser-produced spellings are not imitated
 * except where a printer reads them (Value.form, Match.implicit).
 */
import fc from 'fast-check';
import type { CertSlot, DateMatchOp, Expr, Match, Oid, Requirement, RequirementDocument, RequirementSet, Value, ValueMatchOp } from '../../grammar/ast.js';
import { NO_RANGE } from '../../grammar/ast.js';
import { utf8Bytes, utf8Text } from '../../grammar/bytes.js';
import { decodeOid, encodeOid } from '../../grammar/oid.js';
import { isBareWord, KEYWORDS } from '../../grammar/print/values.js';

export interface ArbOptions {
  /** Only ASTs with an exact text form (see above). */
  textual?: boolean;
  /** Nesting depth bound for and/or/not. */
  maxDepth?: number;
}

const R = NO_RANGE;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHARS = [...LETTERS, ...'0123456789', '.', '.', '-', '_', ' ', '"', '*', '/', ':', '$', '\t', '\n', '\r', 'é', '日', '😀', '#', '='];

const bareWord = fc
  .tuple(
    fc.constantFrom(...LETTERS),
    fc.string({ unit: fc.constantFrom(...LETTERS, ...'0123456789'), maxLength: 6 }),
    fc.array(fc.oneof(fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 999 }).map(String)), { maxLength: 3 }),
  )
  .map(([a, b, parts]) => [a + b, ...parts].join('.'))
  .filter((s) => isBareWord(s));

/** Text a quoted STRING can hold: valid UTF-8, no backslash, no NUL. */
const quotableText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom(...KEYWORDS, '', '9ABCDE1234', '17.4.2', 'com.1password', 'a..b', '.x') },
);

function valueFromText(text: string, allowHex: boolean): fc.Arbitrary<Value> {
  const forms: Value['form'][] = ['quoted', 'binary'];
  if (isBareWord(text)) forms.push('bare');
  if (allowHex && text.length > 0) forms.push('hex');
  return fc.constantFrom(...forms).map((form) => ({ range: R, bytes: utf8Bytes(text), text, form }));
}

function bytesValue(bytes: Uint8Array): Value {
  return { range: R, bytes, text: utf8Text(bytes), form: 'binary' };
}

/** A key, identifier or name (no hex form in the grammar). */
function arbName(o: ArbOptions): fc.Arbitrary<Value> {
  const text = fc.oneof(bareWord, quotableText).chain((t) => valueFromText(t, false));
  if (o.textual) return text;
  return fc.oneof(text, fc.uint8Array({ maxLength: 12 }).map(bytesValue));
}

/** A match value: hex can hold any non-empty bytes, so every value has a text form. */
function arbMatchValue(): fc.Arbitrary<Value> {
  return fc.oneof(
    fc.oneof(bareWord, quotableText).chain((t) => valueFromText(t, true)),
    fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => ({ ...bytesValue(b), form: 'hex' as const })),
    fc.uint8Array({ maxLength: 12 }).map(bytesValue),
  );
}

const i32 = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -2147483648, max: 2147483647 }));

const arbSlot: fc.Arbitrary<CertSlot> = i32.map((index) => ({
  range: R,
  index,
  spelling: index === 0 ? 'leaf' : index === -1 ? 'root' : 'number',
}));

function arbOid(o: ArbOptions): fc.Arbitrary<Oid> {
  const arc = fc.oneof(fc.bigInt({ min: 0n, max: 200n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));
  const dotted = fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.bigInt({ min: 0n, max: 39n }), fc.array(arc, { maxLength: 8 }))
    .map(([a, b, rest]) => [String(a), String(b), ...rest.map(String)].join('.'))
    .map((text) => ({ range: R, bytes: encodeOid(text).bytes, text }));
  const empty = fc.constant<Oid>({ range: R, bytes: new Uint8Array(0), text: '' });
  if (o.textual) return fc.oneof({ weight: 5, arbitrary: dotted }, { weight: 1, arbitrary: empty });
  return fc.oneof(dotted, empty, fc.uint8Array({ maxLength: 12 }).map((bytes) => ({ range: R, bytes, text: decodeOid(bytes) })));
}

// Seconds since 2001 of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const MIN_TEXT_DATE = -63145526400n;
const MAX_TEXT_DATE = 252423993599n;

function arbMatch(o: ArbOptions): fc.Arbitrary<Match> {
  const valueOps: ValueMatchOp[] = ['equal', 'contains', 'beginsWith', 'endsWith', 'lessThan', 'greaterThan', 'lessEqual', 'greaterEqual'];
  const dateOps: DateMatchOp[] = ['on', 'before', 'after', 'onOrBefore', 'onOrAfter'];
  const seconds = o.textual
    ? fc.oneof(fc.bigInt({ min: MIN_TEXT_DATE, max: MAX_TEXT_DATE }), fc.constantFrom(0n, 576374400n))
    : fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
  const options: fc.Arbitrary<Match>[] = [
    fc.boolean().map((implicit) => ({ op: 'exists' as const, range: R, implicit })),
    fc.constant({ op: 'absent' as const, range: R }),
    fc.tuple(fc.constantFrom(...valueOps), arbMatchValue(), fc.constantFrom<'tilde' | 'wildcards'>('tilde', 'wildcards')).map(([op, value, spelling]) =>
      op === 'contains' ? { op, range: R, value, spelling } : { op, range: R, value },
    ),
    fc.tuple(fc.constantFrom(...dateOps), seconds).map(([op, s]) => ({ op, range: R, seconds: s })),
  ];
  if (!o.textual) {
    options.push(
      fc.tuple(fc.integer({ min: 15, max: 0xffffffff }), fc.uint8Array({ maxLength: 8 })).map(([code, b]) => ({ op: 'unknown' as const, range: R, code, data: bytesValue(b) })),
    );
  }
  return fc.oneof(...options);
}

function arbHash(o: ArbOptions): fc.Arbitrary<Uint8Array> {
  const sha1 = fc.uint8Array({ minLength: 20, maxLength: 20 });
  return o.textual ? sha1 : fc.oneof(sha1, fc.uint8Array({ maxLength: 48 }));
}

function subjectKey(o: ArbOptions): fc.Arbitrary<Value> {
  const names = fc.oneof(fc.constantFrom('CN', 'OU', 'O', 'C', 'C-OU', 'UID', 'STREET', 'x.y'), fc.string({ unit: fc.constantFrom(...LETTERS, '-', '.', ' '), maxLength: 6 }));
  return names.chain((n) => valueFromText('subject.' + n, false)).filter((v) => o.textual !== true || !v.text.includes('\\'));
}

export function arbLeaf(o: ArbOptions = {}): fc.Arbitrary<Expr> {
  const leaves: fc.Arbitrary<Expr>[] = [
    fc.boolean().map((value) => ({ kind: 'const' as const, range: R, value })),
    arbName(o).map((value) => ({ kind: 'identifier' as const, range: R, value })),
    arbHash(o).map((hash) => ({ kind: 'cdhash' as const, range: R, hash })),
    i32.map((value) => ({ kind: 'platform' as const, range: R, value })),
    fc.constantFrom<Expr>(
      { kind: 'notarized', range: R },
      { kind: 'legacy', range: R },
      { kind: 'anchorApple', range: R },
      { kind: 'anchorAppleGeneric', range: R },
      { kind: 'trustedCerts', range: R },
    ),
    arbName(o).map((name) => ({ kind: 'namedAnchor' as const, range: R, name })),
    arbName(o).map((name) => ({ kind: 'namedCode' as const, range: R, name })),
    arbSlot.map((slot) => ({ kind: 'trustedCert' as const, range: R, slot })),
    fc.tuple(arbSlot, arbHash(o)).map(([slot, hash]) => ({ kind: 'certHash' as const, range: R, slot, hash })),
    fc.tuple(arbSlot, subjectKey(o), arbMatch(o)).map(([slot, key, match]) => ({ kind: 'certField' as const, range: R, slot, key, match })),
    fc.tuple(arbSlot, arbOid(o), arbMatch(o), fc.constantFrom<'field' | 'extension'>('field', 'extension')).map(([slot, oid, match, prefix]) => ({ kind: 'certGeneric' as const, range: R, slot, oid, match, prefix })),
    fc.tuple(arbSlot, arbOid(o), arbMatch(o)).map(([slot, oid, match]) => ({ kind: 'certPolicy' as const, range: R, slot, oid, match })),
    fc.tuple(arbSlot, arbOid(o), arbMatch(o)).map(([slot, oid, match]) => ({ kind: 'certDate' as const, range: R, slot, oid, match })),
    fc.tuple(arbName(o), arbMatch(o)).map(([key, match]) => ({ kind: 'info' as const, range: R, key, match })),
    fc.tuple(arbName(o), arbMatch(o)).map(([key, match]) => ({ kind: 'entitlement' as const, range: R, key, match })),
  ];
  if (!o.textual) {
    leaves.push(
      fc.tuple(arbName(o), arbMatchValue()).map(([key, value]) => ({ kind: 'infoKeyValue' as const, range: R, key, value })),
      fc
        .tuple(fc.integer({ min: 24, max: 0xffffff }), fc.constantFrom(0x80, 0xc0, 0x81, 0xa0), fc.uint8Array({ maxLength: 9 }))
        .map(([opcode, flags, payload]) => ({ kind: 'unknownOp' as const, range: R, opcode, flags, payload })),
    );
  }
  return fc.oneof(...leaves);
}

export function arbExpr(o: ArbOptions = {}): fc.Arbitrary<Expr> {
  const maxDepth = o.maxDepth ?? 6;
  const { expr } = fc.letrec<{ expr: Expr }>((tie) => ({
    expr: fc.oneof(
      { maxDepth, depthIdentifier: 'expr' },
      { weight: 4, arbitrary: arbLeaf(o) },
      { weight: 1, arbitrary: fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => ({ kind: 'and' as const, range: R, left, right })) },
      { weight: 1, arbitrary: fc.tuple(tie('expr'), tie('expr')).map(([left, right]) => ({ kind: 'or' as const, range: R, left, right })) },
      { weight: 1, arbitrary: tie('expr').map((operand) => ({ kind: 'not' as const, range: R, operand })) },
      ...(o.textual
        ? []
        : [
            {
              weight: 1,
              // opGenericSkip (0x40 without 0x80): the following expression is the operand.
              arbitrary: fc.tuple(fc.integer({ min: 24, max: 0xffffff }), fc.uint8Array({ maxLength: 6 }), tie('expr')).map(
                ([opcode, payload, operand]) => ({ kind: 'unknownOp' as const, range: R, opcode, flags: 0x40, payload, operand }) as Expr,
              ),
            },
          ]),
    ),
  }));
  return expr;
}

export function arbRequirement(o: ArbOptions = {}): fc.Arbitrary<Requirement> {
  const exprForm = arbExpr(o).map((expr) => ({ kind: 'requirement' as const, range: R, expr, form: 1 as const }));
  if (o.textual) return exprForm;
  return fc.oneof(
    { weight: 9, arbitrary: exprForm },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((lwcr) => ({ kind: 'requirement' as const, range: R, expr: undefined, form: 2 as const, lwcr })) },
  );
}

export function arbRequirementSet(o: ArbOptions = {}): fc.Arbitrary<RequirementSet> {
  const type = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) });
  return fc.uniqueArray(type, { minLength: o.textual ? 1 : 0, maxLength: 5 }).chain((types) =>
    fc.tuple(...types.map(() => arbRequirement(o))).map((reqs) => ({
      kind: 'set' as const,
      range: R,
      entries: types.map((t, i) => ({ range: R, type: t, typeRange: R, requirement: reqs[i]! })),
    })),
  );
}

export function arbDocument(o: ArbOptions = {}): fc.Arbitrary<RequirementDocument> {
  return fc.oneof({ weight: 3, arbitrary: arbRequirement(o) }, { weight: 1, arbitrary: arbRequirementSet(o) });
}
