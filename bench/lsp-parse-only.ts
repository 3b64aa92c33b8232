/**
 * The floor of the language server's open of a large set, for bench/lsp.ts:
 * only the parse of its entries, cut as the server cuts them
 * (server/documents.ts entryStarts) and parsed as it parses them, in a fresh
 * process like the server's. The parser is built first, as the server builds
 * it after the handshake. Prints the CPU time (user + system, all threads, ms)
 * of the parses alone.
 */
import { parse } from '../grammar/parser.js';
import { MAX_DEPTH } from '../language-service/analysis/analyze.js';
import { entryStarts } from '../server/documents.js';
import { csreqDoc } from './lsp.js';

const text = csreqDoc(5000, 0).text;
const starts = entryStarts(text, 'set');
if (!starts) throw new Error('the benchmark document is not cut into entries');
// Copies, as the server analyses each entry's own copy of its text (language-service/analysis/lean.ts ownString).
const pieces = starts.map((s, i) => ('\0' + text.slice(s, starts[i + 1] ?? text.length)).slice(1));
parse('designated => anchor apple generic and identifier "com.example.app"\n', { mode: 'set', maxDepth: MAX_DEPTH });
const before = process.cpuUsage();
for (const piece of pieces) parse(piece, { mode: 'set', maxDepth: MAX_DEPTH });
const used = process.cpuUsage(before);
console.log(`parse-cpu-ms ${(used.user + used.system) / 1000}`);
