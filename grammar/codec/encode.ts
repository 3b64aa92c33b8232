/**
 * AST → binary requirement blobs, byte for byte as Apple's compiler writes
 * them (spec §3; reqmaker.cpp). The AST is binary and every node maps to one
 * opcode, so the program is the tree in prefix order: a parser's left-nested
 * `and`/`or` chains come out left-nested exactly as `Maker::insert` makes
 * them, and a decoded right-nested tree re-encodes to its original bytes.
 */
import type { Expr, Match, Range, Requirement, RequirementDocument, RequirementSet } from '../ast.js';
import { MATCH_OPCODES } from '../ast.js';
import type { Diagnostic } from '../diagnostics.js';
import { KIND_EXPR, KIND_LWCR, OP, REQUIREMENT_MAGIC, REQUIREMENT_SET_MAGIC } from './opcodes.js';
import { childDepth, DEFAULT_MAX_DEPTH, type NestKind } from './nesting.js';
import { sha1 } from './sha1.js';
import { ByteWriter } from './writer.js';

export interface CompileOptions {
  /**
   * Reads a certificate file named by `anchor /path` / `certificate N = "file"`;
   * its SHA-1 (computed here, over the bytes exactly as read, like Apple's
   * hashOfCertificate) is stored. Absent, or returning undefined → error
   * CSR053 "<path>: not found". Nothing touches the file system unless the
   * caller passes this.
   */
  readCertificateFile?: (path: string) => Uint8Array | undefined;
  /**
   * Deepest nesting written (nesting.ts; default 1000): deeper trees get error
   * CSR020 at the first node past it and no bytes, because decompile refuses
   * what is deeper (one limit for both directions). Chains of `and`/`or`
   * (left-nested, as Apple compiles them) do not count.
   */
  maxDepth?: number;
}

export interface CompileResult {
  bytes: Uint8Array | undefined;
  diagnostics: Diagnostic[];
}

/** One requirement → `0xfade0c00` blob; a set → `0xfade0c01`, entries sorted by type, a later duplicate replacing an earlier one. */
export function compile(doc: RequirementDocument, options: CompileOptions = {}): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const bytes = doc.kind === 'set' ? encodeSet(doc, options, diagnostics) : encodeRequirement(doc, options, diagnostics);
  return { bytes: diagnostics.some((d) => d.severity === 'error') ? undefined : bytes, diagnostics };
}

/** A whole `0xfade0c00` blob holding one expression. */
export function compileExpr(expr: Expr, options: CompileOptions = {}): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const w = new ByteWriter();
  w.u32(REQUIREMENT_MAGIC);
  w.u32(0);
  w.u32(KIND_EXPR);
  encodeExpr(expr, w, options, diagnostics);
  w.patchU32(4, w.length);
  return { bytes: diagnostics.some((d) => d.severity === 'error') ? undefined : w.bytes(), diagnostics };
}

function encodeRequirement(req: Requirement, options: CompileOptions, diagnostics: Diagnostic[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(REQUIREMENT_MAGIC);
  w.u32(0);
  if (req.form === KIND_LWCR && req.lwcr) {
    w.u32(KIND_LWCR);
    w.data(req.lwcr);
  } else {
    w.u32(KIND_EXPR);
    if (req.expr) encodeExpr(req.expr, w, options, diagnostics);
    else diagnostics.push(error('CSR010', 'there is no expression to compile', req.range));
  }
  w.patchU32(4, w.length);
  return w.bytes();
}

function encodeSet(set: RequirementSet, options: CompileOptions, diagnostics: Diagnostic[]): Uint8Array {
  // SuperBlob::Maker keeps a std::map<type, blob>: later duplicates replace, output is in ascending type order.
  const byType = new Map<number, Requirement>();
  for (const entry of set.entries) byType.set(entry.type >>> 0, entry.requirement);
  const types = [...byType.keys()].sort((a, b) => a - b);
  const blobs = types.map((t) => encodeRequirement(byType.get(t)!, options, diagnostics));
  const w = new ByteWriter();
  w.u32(REQUIREMENT_SET_MAGIC);
  w.u32(0);
  w.u32(types.length);
  let offset = 12 + 8 * types.length;
  types.forEach((t, i) => {
    w.u32(t);
    w.u32(offset);
    offset += blobs[i]!.length;
  });
  for (const blob of blobs) w.raw(blob);
  w.patchU32(4, w.length);
  return w.bytes();
}

function error(code: Diagnostic['code'], message: string, range: Range, apple?: string): Diagnostic {
  return apple === undefined ? { code, severity: 'error', message, range } : { code, severity: 'error', message, range, apple };
}

function nestKind(e: Expr): NestKind {
  if (e.kind === 'and' || e.kind === 'or' || e.kind === 'not') return e.kind;
  return e.kind === 'unknownOp' && e.operand ? 'skip' : 'leaf';
}

/** Prefix order with an explicit stack: parser trees of long `and` chains are deep. */
function encodeExpr(root: Expr, w: ByteWriter, options: CompileOptions, diagnostics: Diagnostic[]): void {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  let tooDeep = false;
  // Parallel stacks: the node, and its nesting depth (nesting.ts).
  const stack: Expr[] = [root];
  const depths: number[] = [childDepth(undefined, 0, nestKind(root))];
  const push = (parent: Expr, parentDepth: number, child: Expr): void => {
    stack.push(child);
    depths.push(childDepth(nestKind(parent), parentDepth, nestKind(child)));
  };
  while (stack.length > 0) {
    const e = stack.pop()!;
    const depth = depths.pop()!;
    if (depth > maxDepth && !tooDeep) {
      // Reported once, at the first node (in text order) past the limit.
      tooDeep = true;
      diagnostics.push(
        error(
          'CSR020',
          `nesting deeper than ${maxDepth} levels of \`!\` and parentheses (chains of one operator do not count): decompile refuses such blobs, so none is written`,
          e.range,
        ),
      );
    }
    switch (e.kind) {
      case 'and':
      case 'or':
        w.u32(e.kind === 'and' ? OP.and : OP.or);
        push(e, depth, e.right);
        push(e, depth, e.left);
        break;
      case 'not':
        w.u32(OP.not);
        push(e, depth, e.operand);
        break;
      case 'const':
        w.u32(e.value ? OP.true : OP.false);
        break;
      case 'identifier':
        w.u32(OP.ident);
        w.data(e.value.bytes);
        break;
      case 'cdhash':
        w.u32(OP.cdHash);
        w.data(e.hash);
        break;
      case 'platform':
        w.u32(OP.platform);
        w.i32(e.value);
        break;
      case 'notarized':
        w.u32(OP.notarized);
        break;
      case 'legacy':
        w.u32(OP.legacyDevID);
        break;
      case 'anchorApple':
        w.u32(OP.appleAnchor);
        break;
      case 'anchorAppleGeneric':
        w.u32(OP.appleGenericAnchor);
        break;
      case 'namedAnchor':
        w.u32(OP.namedAnchor);
        w.data(e.name.bytes);
        break;
      case 'namedCode':
        w.u32(OP.namedCode);
        w.data(e.name.bytes);
        break;
      case 'trustedCerts':
        w.u32(OP.trustedCerts);
        break;
      case 'trustedCert':
        w.u32(OP.trustedCert);
        w.i32(e.slot.index);
        break;
      case 'certHash': {
        w.u32(OP.anchorHash);
        w.i32(e.slot.index);
        let hash = e.hash;
        if (hash === undefined) {
          const path = e.path?.text;
          const file = path !== undefined ? options.readCertificateFile?.(path) : undefined;
          if (file) hash = sha1(file);
          else {
            const name = path ?? '';
            diagnostics.push(error('CSR053', `${name}: not found`, e.path?.range ?? e.range, ` ${name}: not found`));
            hash = new Uint8Array(20);
          }
        }
        w.data(hash);
        break;
      }
      case 'certField':
        w.u32(OP.certField);
        w.i32(e.slot.index);
        w.data(e.key.bytes);
        encodeMatch(e.match, w);
        break;
      case 'certGeneric':
      case 'certPolicy':
      case 'certDate':
        w.u32(e.kind === 'certGeneric' ? OP.certGeneric : e.kind === 'certPolicy' ? OP.certPolicy : OP.certFieldDate);
        w.i32(e.slot.index);
        w.data(e.oid.bytes);
        encodeMatch(e.match, w);
        break;
      case 'info':
      case 'entitlement':
        w.u32(e.kind === 'info' ? OP.infoKeyField : OP.entitlementField);
        w.data(e.key.bytes);
        encodeMatch(e.match, w);
        break;
      case 'infoKeyValue':
        w.u32(OP.infoKeyValue);
        w.data(e.key.bytes);
        w.data(e.value.bytes);
        break;
      case 'unknownOp': {
        // Written back exactly as decoded: flags, size, unpadded payload (spec §5.9), then a skip op's operand.
        w.u32(((e.flags & 0xff) << 24) | (e.opcode & 0xffffff));
        if (e.payload) {
          w.u32(e.payload.length);
          w.raw(e.payload);
        }
        const operand = e.operand;
        if (operand) push(e, depth, operand);
        break;
      }
      case 'error':
        diagnostics.push(error('CSR010', 'cannot compile a requirement that has syntax errors', e.range));
        break;
      default: {
        const never: never = e;
        throw new Error(`unknown expression kind ${JSON.stringify((never as Expr).kind)}`);
      }
    }
  }
}

function encodeMatch(m: Match, w: ByteWriter): void {
  if (m.op === 'unknown') {
    w.u32(m.code);
    if (m.data) w.data(m.data.bytes);
    return;
  }
  w.u32(MATCH_OPCODES[m.op]);
  if ('value' in m) w.data(m.value.bytes);
  else if ('seconds' in m) w.i64(m.seconds);
}

