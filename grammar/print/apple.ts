/**
 * Apple-style text: byte for byte what Apple's decompiler prints
 * (reqdumper.cpp; spec §4), so output can be compared with `codesign -d -r-`,
 * quirks included (`/* exists *\/`, ` absent ` with its trailing space,
 * `certificate leaftrusted`, `certificate root = H"…"` for `anchor = H"…"`,
 * date matches as `<CFDate description>`).
 *
 * Date matches print `<` + describeCFDate(seconds) + `>`: the NSDate-style
 * `2019-04-08 00:00:00 +0000`. What a given macOS prints there was not
 * verified on a Mac (spec §4.2); only that part is a guess.
 *
 * Lightweight code requirements (kind 2) have no Apple text form in the
 * sources read; they print as `/* lightweight code requirement *\/ 0x<DER hex>`.
 *
 * Sets print in the order of the AST's entries (a decoded set: stored
 * order, as Apple does; Apple's compiler sorts by type, so compile first to
 * see what Apple would show for a parsed set).
 */
import type { Expr, Match, Requirement, RequirementDocument, RequirementSetEntry } from '../ast.js';
import { toHex } from '../bytes.js';
import { compileExpr } from '../codec/encode.js';
import { TYPE_NAMES } from '../codec/opcodes.js';
import { decodeOid } from '../oid.js';
import { describeCFDate } from '../timestamp.js';
import { dumpExprBytes, Level } from './apple-bytes.js';
import { appleHash, appleValue } from './values.js';

export function printApple(node: RequirementDocument | Expr): string {
  if (node.kind === 'set') return node.entries.map(setLine).join('');
  const text = node.kind === 'requirement' ? requirementText(node) : exprText(node, Level.Top);
  // Dumper::dump(const Requirement *) drops one leading space (left by the unknown-opcode forms).
  return text.startsWith(' ') ? text.slice(1) : text;
}

function setLine(entry: RequirementSetEntry): string {
  const type = entry.type >>> 0;
  const prefix = type < TYPE_NAMES.length ? `${TYPE_NAMES[type]} => ` : `/*unknown type*/ ${type | 0} => `;
  return prefix + requirementText(entry.requirement) + '\n';
}

function requirementText(req: Requirement): string {
  if (req.form === 2 && req.lwcr) return `/* lightweight code requirement */ 0x${toHex(req.lwcr)}`;
  return req.expr ? exprText(req.expr, Level.Top) : '';
}

function needsByteReplay(root: Expr): boolean {
  const stack: Expr[] = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    switch (e.kind) {
      case 'unknownOp':
        return true;
      case 'and':
      case 'or':
        stack.push(e.left, e.right);
        break;
      case 'not':
        stack.push(e.operand);
        break;
      default:
        if ('match' in e && e.match.op === 'unknown') return true;
    }
  }
  return false;
}

function exprText(root: Expr, level: Level): string {
  if (needsByteReplay(root)) {
    const blob = compileExpr(root).bytes;
    if (blob) {
      const dump = dumpExprBytes(blob, 12, blob.length, level);
      return dump.failedAt === undefined
        ? dump.text
        : `${dump.text} /* Apple's decompiler fails here: it reads past the end of the requirement (byte ${dump.failedAt - 12} of the program) */`;
    }
  }
  type Task = string | { e: Expr; level: Level };
  const tasks: Task[] = [{ e: root, level }];
  let out = '';
  while (tasks.length > 0) {
    const t = tasks.pop()!;
    if (typeof t === 'string') {
      out += t;
      continue;
    }
    const e = t.e;
    switch (e.kind) {
      case 'and':
        if (t.level > Level.Primary) tasks.push({ e: e.right, level: Level.And }, ' and ', { e: e.left, level: Level.And });
        else tasks.push(')', { e: e.right, level: Level.And }, ' and ', { e: e.left, level: Level.And }, '(');
        break;
      case 'or':
        if (t.level > Level.And) tasks.push({ e: e.right, level: Level.Or }, ' or ', { e: e.left, level: Level.Or });
        else tasks.push(')', { e: e.right, level: Level.Or }, ' or ', { e: e.left, level: Level.Or }, '(');
        break;
      case 'not':
        tasks.push({ e: e.operand, level: Level.Primary }, '! ');
        break;
      case 'unknownOp': {
        // Reached only when the tree could not be compiled for a byte replay.
        out += e.flags & 0x80 ? ` false /* opcode ${e.opcode} */` : e.flags & 0x40 ? ` /* opcode ${e.opcode} */` : `OPCODE ${((e.flags << 24) | e.opcode) | 0} NOT UNDERSTOOD (ending print)`;
        break;
      }
      default:
        out += leafText(e);
    }
  }
  return out;
}

function slotText(index: number): string {
  return index === 0 ? ' leaf' : index === -1 ? ' root' : ` ${index | 0}`;
}

function leafText(e: Exclude<Expr, { kind: 'and' | 'or' | 'not' | 'unknownOp' }>): string {
  switch (e.kind) {
    case 'const':
      return e.value ? 'always' : 'never';
    case 'identifier':
      return 'identifier ' + appleValue(e.value.bytes, false);
    case 'anchorApple':
      return 'anchor apple';
    case 'anchorAppleGeneric':
      return 'anchor apple generic';
    case 'certHash':
      // An unresolved file path has no digest yet; show the path where the hash would be.
      return 'certificate' + slotText(e.slot.index) + ' = ' + (e.hash ? appleHash(e.hash) : e.path ? appleValue(e.path.bytes, false) : 'H""');
    case 'infoKeyValue':
      return 'info[' + appleValue(e.key.bytes, true) + '] = ' + appleValue(e.value.bytes, false);
    case 'cdhash':
      return 'cdhash ' + appleHash(e.hash);
    case 'info':
      return 'info[' + appleValue(e.key.bytes, true) + ']' + matchText(e.match);
    case 'entitlement':
      return 'entitlement[' + appleValue(e.key.bytes, true) + ']' + matchText(e.match);
    case 'certField':
      return 'certificate' + slotText(e.slot.index) + '[' + appleValue(e.key.bytes, true) + ']' + matchText(e.match);
    case 'certGeneric':
      return 'certificate' + slotText(e.slot.index) + '[field.' + decodeOid(e.oid.bytes) + ']' + matchText(e.match);
    case 'certPolicy':
      return 'certificate' + slotText(e.slot.index) + '[policy.' + decodeOid(e.oid.bytes) + ']' + matchText(e.match);
    case 'certDate':
      return 'certificate' + slotText(e.slot.index) + '[timestamp.' + decodeOid(e.oid.bytes) + ']' + matchText(e.match);
    case 'trustedCert':
      return 'certificate' + slotText(e.slot.index) + 'trusted';
    case 'trustedCerts':
      return 'anchor trusted';
    case 'namedAnchor':
      return 'anchor apple ' + appleValue(e.name.bytes, false);
    case 'namedCode':
      return '(' + appleValue(e.name.bytes, false) + ')';
    case 'platform':
      return `platform = ${e.value | 0}`;
    case 'notarized':
      return 'notarized';
    case 'legacy':
      return 'legacy';
    case 'error':
      return '/* syntax error */';
  }
}

const DATE_OPS = { on: ' = ', before: ' < ', after: ' > ', onOrBefore: ' <= ', onOrAfter: ' >= ' } as const;

function matchText(m: Match): string {
  switch (m.op) {
    case 'exists':
      return ' /* exists */';
    case 'absent':
      return ' absent ';
    case 'equal':
      return ' = ' + appleValue(m.value.bytes, false);
    case 'contains':
      return ' ~ ' + appleValue(m.value.bytes, false);
    case 'beginsWith':
      return ' = ' + appleValue(m.value.bytes, false) + '*';
    case 'endsWith':
      return ' = *' + appleValue(m.value.bytes, false);
    case 'lessThan':
      return ' < ' + appleValue(m.value.bytes, false);
    case 'greaterThan':
      return ' > ' + appleValue(m.value.bytes, false);
    case 'lessEqual':
      return ' <= ' + appleValue(m.value.bytes, false);
    case 'greaterEqual':
      return ' >= ' + appleValue(m.value.bytes, false);
    case 'unknown':
      return ` MATCH OPCODE ${m.code | 0} NOT UNDERSTOOD`;
    default:
      return `${DATE_OPS[m.op]}<${describeCFDate(m.seconds)}>`;
  }
}
