/**
 * Apple's decompiler (reqdumper.cpp `Dumper::expr`) run on the bytes of one
 * requirement program, step for step. printApple uses it for trees holding
 * unknown opcodes or unknown match operations: Apple's dumper prints those
 * without reading their size field or operand, so it goes on to decode the
 * following bytes as if they were opcodes, and only a byte-level replay
 * reproduces what it prints. Iterative (no recursion) and linear in the
 * blob size, since the bytes it reads that way are arbitrary.
 */
import { toHex } from '../bytes.js';
import { decodeOid } from '../oid.js';
import { describeCFDate } from '../timestamp.js';
import { appleValue } from './values.js';

/** Syntax levels of the dumper: primary < and < or < top. */
export const Level = { Primary: 0, And: 1, Or: 2, Top: 3 } as const;
export type Level = (typeof Level)[keyof typeof Level];

export interface ByteDump {
  text: string;
  /** Byte offset where Apple's reader would have thrown errSecCSReqInvalid (read past the end), if it would. */
  failedAt?: number;
}

class ReadPastEnd extends Error {
  constructor(readonly offset: number) {
    super('read past end');
  }
}

type Task = string | { level: Level };

/** Dumps the expression starting at `start` of a blob whose bytes end at `end`, at syntax level `level`. */
export function dumpExprBytes(bytes: Uint8Array, start: number, end: number, level: Level = Level.Top): ByteDump {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pc = start;
  let out = '';
  const u32 = (): number => {
    if (pc + 4 > end) throw new ReadPastEnd(pc);
    const v = view.getUint32(pc);
    pc += 4;
    return v;
  };
  const data = (): Uint8Array => {
    const length = u32();
    if (pc + length > end) throw new ReadPastEnd(pc - 4);
    const d = bytes.subarray(pc, pc + length);
    pc += length + ((4 - (length % 4)) % 4);
    return d;
  };
  const slot = (): string => {
    const s = u32() | 0;
    return s === 0 ? ' leaf' : s === -1 ? ' root' : ` ${s}`;
  };
  const match = (): string => {
    const code = u32();
    switch (code) {
      case 0: return ' /* exists */';
      case 1: return ' = ' + appleValue(data(), false);
      case 2: return ' ~ ' + appleValue(data(), false);
      case 3: return ' = ' + appleValue(data(), false) + '*';
      case 4: return ' = *' + appleValue(data(), false);
      case 5: return ' < ' + appleValue(data(), false);
      case 6: return ' > ' + appleValue(data(), false);
      case 7: return ' <= ' + appleValue(data(), false);
      case 8: return ' >= ' + appleValue(data(), false);
      case 9: case 10: case 11: case 12: case 13: {
        const op = [' = ', ' < ', ' > ', ' <= ', ' >= '][code - 9]!;
        if (pc + 8 > end) throw new ReadPastEnd(pc);
        const seconds = view.getBigInt64(pc);
        pc += 8;
        return `${op}<${describeCFDate(seconds)}>`;
      }
      case 14: return ' absent ';
      default: return ` MATCH OPCODE ${code | 0} NOT UNDERSTOOD`;
    }
  };

  const tasks: Task[] = [{ level }];
  try {
    while (tasks.length > 0) {
      const task = tasks.pop()!;
      if (typeof task === 'string') {
        out += task;
        continue;
      }
      const word = u32();
      const op = word & 0xffffff;
      switch (op) {
        case 0: out += 'never'; break;
        case 1: out += 'always'; break;
        case 2: out += 'identifier ' + appleValue(data(), false); break;
        case 3: out += 'anchor apple'; break;
        case 4: {
          out += 'certificate' + slot() + ' = ';
          out += `H"${toHex(data())}"`;
          break;
        }
        case 5: {
          out += 'info[' + appleValue(data(), true) + '] = ';
          out += appleValue(data(), false);
          break;
        }
        case 6:
          if (task.level > Level.Primary) tasks.push({ level: Level.And }, ' and ', { level: Level.And });
          else tasks.push(')', { level: Level.And }, ' and ', { level: Level.And }, '(');
          break;
        case 7:
          if (task.level > Level.And) tasks.push({ level: Level.Or }, ' or ', { level: Level.Or });
          else tasks.push(')', { level: Level.Or }, ' or ', { level: Level.Or }, '(');
          break;
        case 8: out += `cdhash H"${toHex(data())}"`; break;
        case 9: tasks.push({ level: Level.Primary }, '! '); break;
        case 10: {
          out += 'info[' + appleValue(data(), true) + ']';
          out += match();
          break;
        }
        case 11: {
          out += 'certificate' + slot() + '[';
          out += appleValue(data(), true) + ']';
          out += match();
          break;
        }
        case 12: out += 'certificate' + slot() + 'trusted'; break;
        case 13: out += 'anchor trusted'; break;
        case 14: case 17: case 22: {
          out += 'certificate' + slot() + (op === 14 ? '[field.' : op === 17 ? '[policy.' : '[timestamp.');
          out += decodeOid(data()) + ']';
          out += match();
          break;
        }
        case 15: out += 'anchor apple generic'; break;
        case 16: {
          out += 'entitlement[' + appleValue(data(), true) + ']';
          out += match();
          break;
        }
        case 18: out += 'anchor apple ' + appleValue(data(), false); break;
        case 19: out += '(' + appleValue(data(), false) + ')'; break;
        case 20: out += `platform = ${u32() | 0}`; break;
        case 21: out += 'notarized'; break;
        case 23: out += 'legacy'; break;
        default:
          // Neither flagged form reads the size field: the caller goes on decoding from it.
          if (word & 0x80000000) out += ` false /* opcode ${op} */`;
          else if (word & 0x40000000) out += ` /* opcode ${op} */`;
          // Only this expr() call returns; its parent keeps printing (`return` in Dumper::expr).
          else out += `OPCODE ${word | 0} NOT UNDERSTOOD (ending print)`;
      }
    }
  } catch (err) {
    if (err instanceof ReadPastEnd) return { text: out, failedAt: err.offset };
    throw err;
  }
  return { text: out };
}
