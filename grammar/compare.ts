/**
 * Structural equality of ASTs by meaning: ranges and spelling-only fields
 * (Value.form and .text, CertSlot.spelling, Match `implicit`/`spelling`,
 * `field.`/`extension.` prefix, OID text, the text of dates) are ignored;
 * bytes, numbers and tree shape are compared. Iterative, so 100,000-term
 * chains compare without recursion.
 *
 * Set entries are compared in type order (stable), because the binary form
 * stores them sorted whatever order the text gave.
 */
import type { Expr, Match, RequirementDocument, RequirementSetEntry, Value } from './ast.js';
import { bytesEqual } from './bytes.js';

export interface AstEqualOptions {
  /** Treat `and`/`or` chains as flat lists, so left- and right-nested trees of the same operands are equal. */
  reassociate?: boolean;
}

type Node = RequirementDocument | Expr;

export function astEqual(a: Node, b: Node, options: AstEqualOptions = {}): boolean {
  const reassociate = options.reassociate === true;
  const pairs: Array<[Node, Node]> = [[a, b]];
  while (pairs.length > 0) {
    const [x, y] = pairs.pop()!;
    if (x.kind !== y.kind) return false;
    switch (x.kind) {
      case 'requirement': {
        const o = y as typeof x;
        if ((x.form ?? 1) !== (o.form ?? 1)) return false;
        if (!optionalBytesEqual(x.lwcr, o.lwcr)) return false;
        if ((x.form ?? 1) === 2) break;
        if (!x.expr || !o.expr) {
          if (x.expr !== o.expr) return false;
          break;
        }
        pairs.push([x.expr, o.expr]);
        break;
      }
      case 'set': {
        const o = y as typeof x;
        if (x.entries.length !== o.entries.length) return false;
        const xs = byType(x.entries);
        const ys = byType(o.entries);
        for (let i = 0; i < xs.length; i++) {
          if (xs[i]!.type >>> 0 !== ys[i]!.type >>> 0) return false;
          pairs.push([xs[i]!.requirement, ys[i]!.requirement]);
        }
        break;
      }
      case 'and':
      case 'or': {
        const o = y as typeof x;
        if (reassociate) {
          const xs = flatten(x, x.kind);
          const ys = flatten(o, x.kind);
          if (xs.length !== ys.length) return false;
          for (let i = 0; i < xs.length; i++) pairs.push([xs[i]!, ys[i]!]);
        } else {
          pairs.push([x.left, o.left], [x.right, o.right]);
        }
        break;
      }
      case 'not':
        pairs.push([x.operand, (y as typeof x).operand]);
        break;
      case 'unknownOp': {
        const o = y as typeof x;
        if (x.opcode !== o.opcode || x.flags !== o.flags || !optionalBytesEqual(x.payload, o.payload)) return false;
        const xo = x.operand;
        const yo = o.operand;
        if (!xo || !yo) {
          if (xo !== yo) return false;
        } else pairs.push([xo, yo]);
        break;
      }
      default:
        if (!leafEqual(x, y as typeof x)) return false;
    }
  }
  return true;
}

function byType(entries: RequirementSetEntry[]): RequirementSetEntry[] {
  return entries
    .map((e, i) => ({ e, i }))
    .sort((p, q) => (p.e.type >>> 0) - (q.e.type >>> 0) || p.i - q.i)
    .map((p) => p.e);
}

function flatten(root: Expr, kind: 'and' | 'or'): Expr[] {
  const out: Expr[] = [];
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === kind) stack.push(e.right, e.left);
    else out.push(e);
  }
  return out;
}

function optionalBytesEqual(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return a === b;
  return bytesEqual(a, b);
}

function valueEqual(a: Value, b: Value): boolean {
  return bytesEqual(a.bytes, b.bytes);
}

function matchEqual(a: Match, b: Match): boolean {
  if (a.op !== b.op) return false;
  if (a.op === 'unknown') {
    const o = b as typeof a;
    if (a.code !== o.code) return false;
    const av = a.data;
    const bv = o.data;
    return !av || !bv ? av === bv : valueEqual(av, bv);
  }
  if ('value' in a) return valueEqual(a.value, (b as typeof a).value);
  if ('seconds' in a) return a.seconds === (b as typeof a).seconds;
  return true;
}

type Leaf = Exclude<Expr, { kind: 'and' | 'or' | 'not' | 'unknownOp' }>;

function leafEqual(x: Leaf, y: Leaf): boolean {
  switch (x.kind) {
    case 'const':
      return x.value === (y as typeof x).value;
    case 'identifier':
      return valueEqual(x.value, (y as typeof x).value);
    case 'cdhash':
      return bytesEqual(x.hash, (y as typeof x).hash);
    case 'platform':
      return (x.value | 0) === ((y as typeof x).value | 0);
    case 'namedAnchor':
    case 'namedCode':
      return valueEqual(x.name, (y as typeof x).name);
    case 'trustedCert':
      return (x.slot.index | 0) === ((y as typeof x).slot.index | 0);
    case 'certHash': {
      const o = y as typeof x;
      if ((x.slot.index | 0) !== (o.slot.index | 0)) return false;
      // The digest is the meaning; the file path only matters while it is unresolved.
      if (x.hash && o.hash) return bytesEqual(x.hash, o.hash);
      if (x.hash || o.hash) return false;
      return !x.path || !o.path ? x.path === o.path : valueEqual(x.path, o.path);
    }
    case 'certField': {
      const o = y as typeof x;
      return (x.slot.index | 0) === (o.slot.index | 0) && valueEqual(x.key, o.key) && matchEqual(x.match, o.match);
    }
    case 'certGeneric':
    case 'certPolicy':
    case 'certDate': {
      const o = y as typeof x;
      return (x.slot.index | 0) === (o.slot.index | 0) && bytesEqual(x.oid.bytes, o.oid.bytes) && matchEqual(x.match, o.match);
    }
    case 'info':
    case 'entitlement': {
      const o = y as typeof x;
      return valueEqual(x.key, o.key) && matchEqual(x.match, o.match);
    }
    case 'infoKeyValue': {
      const o = y as typeof x;
      return valueEqual(x.key, o.key) && valueEqual(x.value, o.value);
    }
    case 'notarized':
    case 'legacy':
    case 'anchorApple':
    case 'anchorAppleGeneric':
    case 'trustedCerts':
    case 'error':
      return true;
  }
}
