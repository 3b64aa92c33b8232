/**
 * A short canonical rendering of one clause for the `clause` field of an
 * evaluation node. It follows the decompiler's operand rules (spec §4.2) so
 * the text reads like `codesign -d -r-` output, but keeps `exists` as a
 * word and dates as `timestamp "…"` so the clause stays valid source text.
 */
import type { CertSlot, Expr, Match, Value } from '../../grammar/ast.js';
import { toHex } from '../../grammar/bytes.js';
import { decodeOid } from '../../grammar/oid.js';
import { formatTimestamp } from '../../grammar/timestamp.js';

const KEYWORDS = new Set(
  'guest host designated library plugin or and always true never false identifier cdhash platform notarized legacy anchor apple generic certificate cert trusted info entitlement exists absent leaf root timestamp'.split(' '),
);

/** Max length of a rendered clause; longer ones end in `…`. */
export const CLAUSE_MAX = 160;

function isAlnum(b: number): boolean {
  return (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
}

function isGraphOrSpace(b: number): boolean {
  return (b >= 0x21 && b <= 0x7e) || b === 0x20 || (b >= 0x09 && b <= 0x0d);
}

/** Apple's `data` printer: bare when simple, quoted when printable, hex otherwise. */
export function valueText(bytes: Uint8Array, dotsAllowed: boolean): string {
  let kind: 'simple' | 'printable' | 'binary' = 'simple';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (kind === 'simple' && (isAlnum(b) || (dotsAllowed && b === 0x2e))) {
      if (i === 0 && b >= 48 && b <= 57) kind = 'printable';
      continue;
    }
    if (isGraphOrSpace(b)) {
      kind = 'printable';
      continue;
    }
    kind = 'binary';
    break;
  }
  const text = String.fromCharCode(...bytes.subarray(0, 4096));
  if (kind === 'simple' && (bytes.length === 0 || KEYWORDS.has(text))) kind = 'printable';
  if (kind === 'simple') return text;
  if (kind === 'printable') return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  return `0x${toHex(bytes)}`;
}

function slotText(slot: CertSlot): string {
  return slot.index === -1 ? 'root' : slot.index === 0 ? 'leaf' : String(slot.index);
}

function matchText(m: Match): string {
  switch (m.op) {
    case 'exists':
      return m.implicit ? '' : ' exists';
    case 'absent':
      return ' absent';
    case 'unknown':
      return ` /* match opcode ${m.code} */`;
    case 'on':
      return ` = timestamp "${m.text ?? formatTimestamp(m.seconds)}"`;
    case 'before':
      return ` < timestamp "${m.text ?? formatTimestamp(m.seconds)}"`;
    case 'after':
      return ` > timestamp "${m.text ?? formatTimestamp(m.seconds)}"`;
    case 'onOrBefore':
      return ` <= timestamp "${m.text ?? formatTimestamp(m.seconds)}"`;
    case 'onOrAfter':
      return ` >= timestamp "${m.text ?? formatTimestamp(m.seconds)}"`;
    case 'equal':
      return ` = ${val(m.value)}`;
    case 'contains':
      return ` ~ ${val(m.value)}`;
    case 'beginsWith':
      return ` = ${val(m.value)}*`;
    case 'endsWith':
      return ` = *${val(m.value)}`;
    case 'lessThan':
      return ` < ${val(m.value)}`;
    case 'greaterThan':
      return ` > ${val(m.value)}`;
    case 'lessEqual':
      return ` <= ${val(m.value)}`;
    case 'greaterEqual':
      return ` >= ${val(m.value)}`;
  }
}

function val(v: Value): string {
  return valueText(v.bytes, false);
}

function key(v: Value): string {
  return valueText(v.bytes, true);
}

type Level = 0 | 1 | 2 | 3; // primary < and < or < top

function render(e: Expr, parent: Level, budget: { left: number }): string {
  if (budget.left <= 0) return '…';
  let out: string;
  switch (e.kind) {
    case 'and': {
      const inner = `${render(e.left, 1, budget)} and ${render(e.right, 1, budget)}`;
      out = parent === 0 ? `(${inner})` : inner;
      break;
    }
    case 'or': {
      const inner = `${render(e.left, 2, budget)} or ${render(e.right, 2, budget)}`;
      out = parent <= 1 ? `(${inner})` : inner;
      break;
    }
    case 'not':
      out = `! ${render(e.operand, 0, budget)}`;
      break;
    case 'const':
      out = e.value ? 'always' : 'never';
      break;
    case 'identifier':
      out = `identifier ${val(e.value)}`;
      break;
    case 'cdhash':
      out = `cdhash H"${toHex(e.hash)}"`;
      break;
    case 'platform':
      out = `platform = ${e.value}`;
      break;
    case 'notarized':
      out = 'notarized';
      break;
    case 'legacy':
      out = 'legacy';
      break;
    case 'namedCode':
      out = `(${val(e.name)})`;
      break;
    case 'anchorApple':
      out = 'anchor apple';
      break;
    case 'anchorAppleGeneric':
      out = 'anchor apple generic';
      break;
    case 'namedAnchor':
      out = `anchor apple ${val(e.name)}`;
      break;
    case 'trustedCerts':
      out = 'anchor trusted';
      break;
    case 'trustedCert':
      out = `certificate ${slotText(e.slot)} trusted`;
      break;
    case 'certHash':
      out = e.hash ? `certificate ${slotText(e.slot)} = H"${toHex(e.hash)}"` : `certificate ${slotText(e.slot)} = ${e.path ? val(e.path) : '?'}`;
      break;
    case 'certField':
      out = `certificate ${slotText(e.slot)}[${key(e.key)}]${matchText(e.match)}`;
      break;
    case 'certGeneric':
      out = `certificate ${slotText(e.slot)}[field.${decodeOid(e.oid.bytes)}]${matchText(e.match)}`;
      break;
    case 'certPolicy':
      out = `certificate ${slotText(e.slot)}[policy.${decodeOid(e.oid.bytes)}]${matchText(e.match)}`;
      break;
    case 'certDate':
      out = `certificate ${slotText(e.slot)}[timestamp.${decodeOid(e.oid.bytes)}]${matchText(e.match)}`;
      break;
    case 'info':
      out = `info[${key(e.key)}]${matchText(e.match)}`;
      break;
    case 'entitlement':
      out = `entitlement[${key(e.key)}]${matchText(e.match)}`;
      break;
    case 'infoKeyValue':
      out = `info[${key(e.key)}] = ${val(e.value)}`;
      break;
    case 'unknownOp':
      out = `/* opcode ${e.opcode} */`;
      break;
    case 'error':
      out = '/* unreadable */';
      break;
  }
  // Only leaves are counted so composite text is not charged twice.
  if (e.kind !== 'and' && e.kind !== 'or' && e.kind !== 'not') budget.left -= out.length;
  return out;
}

/** The clause as short canonical text. */
export function clauseText(e: Expr): string {
  const text = render(e, 3, { left: CLAUSE_MAX * 4 });
  return text.length > CLAUSE_MAX ? `${text.slice(0, CLAUSE_MAX - 1)}…` : text;
}
