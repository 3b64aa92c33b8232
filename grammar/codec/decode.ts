/**
 * Binary requirement blobs → AST (spec §3), validating everything Apple's
 * readers validate: magic, declared length (≥ 12 and exactly the buffer
 * length), the kind word, the set index, every data length against the blob
 * end, nesting depth, and opcodes. Blobs are untrusted: decoding is
 * iterative (no recursion), bounded by `maxDepth`, linear in the blob size,
 * and the only exception it throws is BlobError, naming the byte offset.
 *
 * Decoded nodes carry ranges whose offsets are byte offsets into the buffer
 * (line 1, column offset + 1). Strings get `form: 'binary'` and a lenient
 * UTF-8 `text`.
 */
import type { UnknownOpExpr,
  CertSlot,
  Expr,
  Match,
  Oid,
  Position,
  Range,
  Requirement,
  RequirementDocument,
  RequirementSet,
  RequirementSetEntry,
  Value,
  ValueMatchOp,
  DateMatchOp,
} from '../ast.js';
import { utf8Text } from '../bytes.js';
import { childDepth, DEFAULT_MAX_DEPTH, type NestKind } from './nesting.js';
import { decodeOid } from '../oid.js';
import {
  KIND_EXPR,
  KIND_LWCR,
  MATCH_MAX,
  OP,
  OP_GENERIC_FALSE,
  OP_GENERIC_SKIP,
  REQUIREMENT_MAGIC,
  REQUIREMENT_SET_MAGIC,
} from './opcodes.js';

/** A blob that Apple's reader would reject (or that this decoder cannot represent). */
export class BlobError extends Error {
  readonly offset: number;
  constructor(offset: number, problem: string) {
    super(`at byte offset ${offset} (0x${offset.toString(16)}): ${problem}`);
    this.name = 'BlobError';
    this.offset = offset;
  }
}

export interface DecompileOptions {
  /**
   * Deepest nesting accepted, counted as the parser counts it: `!` and the
   * parentheses Apple's dumper prints (nesting.ts), so an `and`/`or` chain of
   * any length decodes. The same limit bounds compile.
   */
  maxDepth?: number;
}

export { DEFAULT_MAX_DEPTH };

/** The kind of blob, by its magic; undefined for anything else. */
export function blobKind(bytes: Uint8Array): 'requirement' | 'set' | undefined {
  if (bytes.length < 4) return undefined;
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (magic === REQUIREMENT_MAGIC) return 'requirement';
  if (magic === REQUIREMENT_SET_MAGIC) return 'set';
  return undefined;
}

/** Decodes a `0xfade0c00` requirement or `0xfade0c01` set. Throws only BlobError. */
export function decompile(bytes: Uint8Array, options: DecompileOptions = {}): RequirementDocument {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (bytes.length < 12) {
    throw new BlobError(0, `a requirement blob has a 12-byte header, but there are only ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== REQUIREMENT_MAGIC && magic !== REQUIREMENT_SET_MAGIC) {
    throw new BlobError(0, `magic 0x${hex32(magic)} is neither 0xfade0c00 (requirement) nor 0xfade0c01 (requirement set)`);
  }
  const declared = view.getUint32(4);
  if (declared !== bytes.length) {
    throw new BlobError(4, `the header declares ${declared} bytes, but the blob has ${bytes.length}`);
  }
  const ctx: Ctx = { bytes, view, maxDepth };
  return magic === REQUIREMENT_MAGIC ? decodeRequirement(ctx, 0, bytes.length) : decodeSet(ctx);
}

interface Ctx {
  bytes: Uint8Array;
  view: DataView;
  maxDepth: number;
}

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pos(offset: number): Position {
  return { offset, line: 1, column: offset + 1 };
}

function range(start: number, end: number): Range {
  return { start: pos(start), end: pos(end) };
}

/** How many times over the sub-blobs of a set may cover its bytes before decoding gives up. */
const OVERLAP_FACTOR = 4;

function decodeSet(ctx: Ctx): RequirementSet {
  const { view, bytes } = ctx;
  const length = bytes.length;
  const count = view.getUint32(8);
  const indexEnd = 12 + 8 * count;
  if (indexEnd > length) {
    throw new BlobError(8, `the set claims ${count} entries, whose index needs ${indexEnd} bytes, but the blob has ${length}`);
  }
  const entries: RequirementSetEntry[] = [];
  // Entries may share or overlap sub-blobs. Sharing is decoded once; both are bounded so a crafted
  // index cannot make decoding, printing or evaluating quadratic (Apple's compiler writes sub-blobs back
  // to back, never overlapping or shared; Apple's reader accepts both, so this refusal is ours).
  const decoded = new Map<number, Requirement>();
  let coveredBytes = 0;
  for (let i = 0; i < count; i++) {
    const at = 12 + 8 * i;
    const type = view.getUint32(at);
    const offset = view.getUint32(at + 4);
    // Offset 0 marks an absent entry (SuperBlob::blob returns NULL); it has no requirement to show.
    if (offset === 0) continue;
    if (offset < indexEnd) {
      throw new BlobError(at + 4, `set entry ${i} points at offset ${offset}, inside the header and index (which end at ${indexEnd})`);
    }
    if (offset + 12 > length) {
      throw new BlobError(at + 4, `set entry ${i} points at offset ${offset}, too close to the end of the ${length}-byte set for a requirement header`);
    }
    const subMagic = view.getUint32(offset);
    if (subMagic !== REQUIREMENT_MAGIC) {
      throw new BlobError(offset, `set entry ${i}: magic 0x${hex32(subMagic)} is not 0xfade0c00 (requirement)`);
    }
    const subLength = view.getUint32(offset + 4);
    if (subLength < 12 || offset + subLength > length) {
      throw new BlobError(offset + 4, `set entry ${i}: its requirement declares ${subLength} bytes, which ${subLength < 12 ? 'is shorter than the 12-byte header' : `runs past the end of the set (${length - offset} bytes left)`}`);
    }
    // A shared sub-blob counts once per entry: it is decoded once, but every printout and
    // evaluation repeats it (20 entries sharing a 4 KB sub-blob made --json fail; 8,000 ran for minutes).
    coveredBytes += subLength;
    if (coveredBytes > OVERLAP_FACTOR * length) {
      throw new BlobError(at + 4, `set entry ${i}: the set's sub-blobs overlap more than ${OVERLAP_FACTOR} times over (a sub-blob shared by several entries counts once for each)`);
    }
    let requirement = decoded.get(offset);
    if (!requirement) {
      requirement = decodeRequirement(ctx, offset, offset + subLength);
      decoded.set(offset, requirement);
    }
    entries.push({ range: requirement.range, type, typeRange: range(at, at + 4), requirement });
  }
  return { kind: 'set', range: range(0, length), entries };
}

function decodeRequirement(ctx: Ctx, start: number, end: number): Requirement {
  const kind = ctx.view.getUint32(start + 8);
  const r = new Reader(ctx, start + 12, end);
  if (kind === KIND_EXPR) {
    return { kind: 'requirement', range: range(start, end), form: 1, expr: decodeExpr(r, ctx.maxDepth) };
  }
  if (kind === KIND_LWCR) {
    const item = r.data('lightweight code requirement payload');
    return { kind: 'requirement', range: range(start, end), form: 2, expr: undefined, lwcr: item.bytes };
  }
  throw new BlobError(start + 8, `requirement kind ${kind} is neither 1 (expression) nor 2 (lightweight code requirement); Apple reports errSecCSReqUnsupported`);
}

interface DataItem {
  start: number;
  end: number;
  bytes: Uint8Array;
}

/** Apple's Requirement::Reader: every read is checked against the blob end. */
class Reader {
  constructor(
    private readonly ctx: Ctx,
    public pc: number,
    readonly end: number,
  ) {}

  private need(n: number, what: string): void {
    if (this.pc + n > this.end) {
      // The padding after the last data item may already have carried pc past the end.
      if (this.pc > this.end) throw new BlobError(this.end, `${what} would start at byte ${this.pc}, past the end of the blob`);
      const left = this.end - this.pc;
      throw new BlobError(this.pc, `${what} needs ${n} bytes, but the blob ends ${left === 0 ? 'here' : `after ${left}`}`);
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.ctx.view.getUint32(this.pc);
    this.pc += 4;
    return v;
  }

  i32(what: string): number {
    this.need(4, what);
    const v = this.ctx.view.getInt32(this.pc);
    this.pc += 4;
    return v;
  }

  i64(what: string): bigint {
    this.need(8, what);
    const v = this.ctx.view.getBigInt64(this.pc);
    this.pc += 8;
    return v;
  }

  /** The next `n` bytes as a copy, unaligned (the payload of a flagged unknown opcode). */
  take(n: number): Uint8Array {
    const bytes = new Uint8Array(this.ctx.bytes.subarray(this.pc, this.pc + n));
    this.pc += n;
    return bytes;
  }

  /** getData: length word, bytes; the padding is skipped unchecked (and may run past the end, as in Apple's reader). */
  data(what: string): DataItem {
    const start = this.pc;
    const length = this.u32(`the length of ${what}`);
    if (this.pc + length > this.end) {
      throw new BlobError(start, `${what} claims ${length} bytes, but only ${Math.max(0, this.end - this.pc)} remain before the end of the blob`);
    }
    const bytes = new Uint8Array(this.ctx.bytes.subarray(this.pc, this.pc + length));
    const end = this.pc + length;
    this.pc = end + ((4 - (length % 4)) % 4);
    return { start, end, bytes };
  }
}

/** Lenient UTF-8; nearly every operand is short ASCII, which skips TextDecoder's per-call cost. */
function text(bytes: Uint8Array): string {
  if (bytes.length > 64) return utf8Text(bytes);
  let s = '';
  for (const b of bytes) {
    if (b >= 0x80) return utf8Text(bytes);
    s += String.fromCharCode(b);
  }
  return s;
}

function toValue(item: DataItem): Value {
  return { range: range(item.start, item.end), bytes: item.bytes, text: text(item.bytes), form: 'binary' };
}

function toOid(item: DataItem): Oid {
  return { range: range(item.start, item.end), bytes: item.bytes, text: decodeOid(item.bytes) };
}

function readSlot(r: Reader): CertSlot {
  const start = r.pc;
  const index = r.i32('the certificate slot');
  return { range: range(start, r.pc), index, spelling: index === 0 ? 'leaf' : index === -1 ? 'root' : 'number' };
}

const VALUE_OPS: readonly ValueMatchOp[] = [
  'equal',
  'contains',
  'beginsWith',
  'endsWith',
  'lessThan',
  'greaterThan',
  'lessEqual',
  'greaterEqual',
];
const DATE_OPS: readonly DateMatchOp[] = ['on', 'before', 'after', 'onOrBefore', 'onOrAfter'];

function readMatch(r: Reader): Match {
  const start = r.pc;
  const code = r.u32('the match operation');
  if (code === 0) return { op: 'exists', range: range(start, r.pc), implicit: false };
  if (code === MATCH_MAX) return { op: 'absent', range: range(start, r.pc) };
  if (code <= 8) {
    const value = toValue(r.data('the match value'));
    return { op: VALUE_OPS[code - 1]!, range: range(start, r.pc), value };
  }
  if (code <= 13) {
    const seconds = r.i64('the match date');
    return { op: DATE_OPS[code - 9]!, range: range(start, r.pc), seconds };
  }
  // Apple's Match constructor consumes one data item for an unknown match operation.
  const value = toValue(r.data(`the operand of unknown match operation ${code}`));
  const m: Extract<Match, { op: 'unknown' }> = { op: 'unknown', range: range(start, r.pc), code, data: value };
  return m;
}

interface Frame {
  kind: 'and' | 'or' | 'not' | 'skip';
  /** Nesting depth as nesting.ts counts it. */
  depth: number;
  start: number;
  need: number;
  children: Expr[];
  /** For 'skip': the unknown op node waiting for its operand. */
  skip?: UnknownOpExpr;
}

function decodeExpr(r: Reader, maxDepth: number): Expr {
  const stack: Frame[] = [];
  /** Depth of a frame of `kind` opened at `start` under the current top; a BlobError past maxDepth. */
  const depthOf = (kind: NestKind, start: number): number => {
    const top = stack[stack.length - 1];
    const depth = childDepth(top?.kind, top?.depth ?? 0, kind);
    if (depth > maxDepth) throw new BlobError(start, `expressions are nested more than ${maxDepth} deep (counting \`!\` and parentheses, as the parser does)`);
    return depth;
  };
  for (;;) {
    const start = r.pc;
    const word = r.u32('an opcode');
    const op = word & 0xffffff;
    let node: Expr;
    switch (op) {
      case OP.and:
      case OP.or: {
        const kind = op === OP.and ? 'and' : 'or';
        stack.push({ kind, depth: depthOf(kind, start), start, need: 2, children: [] });
        continue;
      }
      case OP.not:
        stack.push({ kind: 'not', depth: depthOf('not', start), start, need: 1, children: [] });
        continue;
      case OP.false:
      case OP.true:
        node = { kind: 'const', value: op === OP.true, range: range(start, r.pc) };
        break;
      case OP.ident: {
        const value = toValue(r.data('the identifier'));
        node = { kind: 'identifier', value, range: range(start, r.pc) };
        break;
      }
      case OP.appleAnchor:
        node = { kind: 'anchorApple', range: range(start, r.pc) };
        break;
      case OP.anchorHash: {
        const slot = readSlot(r);
        const hash = r.data('the certificate hash').bytes;
        node = { kind: 'certHash', slot, hash, range: range(start, r.pc) };
        break;
      }
      case OP.infoKeyValue: {
        const key = toValue(r.data('the info key'));
        const value = toValue(r.data('the info value'));
        node = { kind: 'infoKeyValue', key, value, range: range(start, r.pc) };
        break;
      }
      case OP.cdHash: {
        const hash = r.data('the cdhash').bytes;
        node = { kind: 'cdhash', hash, range: range(start, r.pc) };
        break;
      }
      case OP.infoKeyField:
      case OP.entitlementField: {
        const key = toValue(r.data(op === OP.infoKeyField ? 'the info key' : 'the entitlement key'));
        const match = readMatch(r);
        node = { kind: op === OP.infoKeyField ? 'info' : 'entitlement', key, match, range: range(start, r.pc) };
        break;
      }
      case OP.certField: {
        const slot = readSlot(r);
        const key = toValue(r.data('the certificate field name'));
        const match = readMatch(r);
        node = { kind: 'certField', slot, key, match, range: range(start, r.pc) };
        break;
      }
      case OP.trustedCert: {
        const slot = readSlot(r);
        node = { kind: 'trustedCert', slot, range: range(start, r.pc) };
        break;
      }
      case OP.trustedCerts:
        node = { kind: 'trustedCerts', range: range(start, r.pc) };
        break;
      case OP.certGeneric:
      case OP.certPolicy:
      case OP.certFieldDate: {
        const slot = readSlot(r);
        const oid = toOid(r.data('the OID'));
        const match = readMatch(r);
        const rg = range(start, r.pc);
        node =
          op === OP.certGeneric
            ? { kind: 'certGeneric', slot, oid, prefix: 'field', match, range: rg }
            : { kind: op === OP.certPolicy ? 'certPolicy' : 'certDate', slot, oid, match, range: rg };
        break;
      }
      case OP.appleGenericAnchor:
        node = { kind: 'anchorAppleGeneric', range: range(start, r.pc) };
        break;
      case OP.namedAnchor:
      case OP.namedCode: {
        const name = toValue(r.data(op === OP.namedAnchor ? 'the anchor name' : 'the code name'));
        node = { kind: op === OP.namedAnchor ? 'namedAnchor' : 'namedCode', name, range: range(start, r.pc) };
        break;
      }
      case OP.platform: {
        const value = r.i32('the platform number');
        node = { kind: 'platform', value, range: range(start, r.pc) };
        break;
      }
      case OP.notarized:
        node = { kind: 'notarized', range: range(start, r.pc) };
        break;
      case OP.legacyDevID:
        node = { kind: 'legacy', range: range(start, r.pc) };
        break;
      default: {
        if ((word & (OP_GENERIC_FALSE | OP_GENERIC_SKIP)) === 0) {
          throw new BlobError(start, `unknown opcode ${op} (word 0x${hex32(word)}) without a size flag; Apple's evaluator fails with errSecCSUnimplemented`);
        }
        // Flagged ops carry a u32 size and that many payload bytes, not aligned (reqinterp.cpp).
        const size = r.u32(`the size of unknown opcode ${op}`);
        if (r.pc + size > r.end) {
          throw new BlobError(r.pc - 4, `unknown opcode ${op} claims ${size} payload bytes, but only ${r.end - r.pc} remain`);
        }
        const payload = r.take(size);
        const unknown: UnknownOpExpr = { kind: 'unknownOp', opcode: op, flags: word >>> 24, payload, range: range(start, r.pc) };
        if ((word & OP_GENERIC_FALSE) === 0) {
          // opGenericSkip: the following expression is evaluated in its place.
          stack.push({ kind: 'skip', depth: depthOf('skip', start), start, need: 1, children: [], skip: unknown });
          continue;
        }
        node = unknown;
        break;
      }
    }
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) return node;
      top.children.push(node);
      if (top.children.length < top.need) break;
      stack.pop();
      const rg = range(top.start, r.pc);
      if (top.kind === 'not') node = { kind: 'not', operand: top.children[0]!, range: rg };
      else if (top.kind === 'skip') {
        const unknown = top.skip!;
        unknown.operand = top.children[0]!;
        unknown.range = rg;
        node = unknown;
      } else node = { kind: top.kind, left: top.children[0]!, right: top.children[1]!, range: rg };
    }
  }
}
