/**
 * The floor of `csrl compile --hex --each-line` and `csrl decompile
 * --each-line`: the same loop the benchmark runs in its own warm process,
 * run here in a fresh one straight on the library (no CLI, no output
 * writing). What this costs above the warm loop is Node's start and V8
 * warming up cold code (interpreter, then the optimising compilers), which no
 * change to the CLI can remove.
 *
 * Usage: node each-line-floor.js compile|decompile FILE
 */
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../grammar/bytes.js';
import { decompile } from '../grammar/codec/decode.js';
import { compile } from '../grammar/codec/encode.js';
import { parse } from '../grammar/parser.js';
import { printApple } from '../grammar/print/apple.js';

const [mode, file] = process.argv.slice(2);
const lines = readFileSync(file!, 'utf8').split('\n').filter((l) => l.length > 0);
let outBytes = 0;
if (mode === 'compile') {
  for (const l of lines) {
    const r = parse(l);
    if (r.ok && r.document) outBytes += toHex(compile(r.document).bytes!).length;
  }
} else {
  for (const h of lines) outBytes += printApple(decompile(fromHex(h))).length;
}
if (outBytes === 0) throw new Error('nothing was produced');
