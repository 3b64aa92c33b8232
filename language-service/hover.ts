import type { Expr, Range } from '../grammar/ast.js';
import type { Analysis } from './analysis/analyze.js';
import { summarizeRequirement } from './analysis/summary.js';
import {
  certSlotDoc,
  ENTITLEMENT_KEYS,
  FIELD_PREFIX_DOCS,
  INFO_KEYS,
  KEYWORD_DOCS,
  oidInfo,
  OPERATOR_DOCS,
  SUBJECT_FIELDS,
  TEAM_ID_RE,
} from './knowledge.js';
import { contains, nodePath, requirementRefs, tokenAt, type Token } from './locate.js';

export interface HoverResult {
  markdown: string;
  range: Range;
}

/** Where Apple's parser rejects the text (1-based line and column, in the caller's coordinates). */
export interface Rejection {
  message: string;
  line: number;
  column: number;
}

export interface HoverOptions {
  /**
   * The text does not compile: the hover says so instead of describing who
   * is allowed. Default: the first error of the analysis's own parse.
   */
  rejected?: Rejection;
}

/** The parser's first error: Apple rejects the whole requirement (or set), so no "who is allowed" applies. */
export function parseRejection(analysis: Analysis): Rejection | undefined {
  const d = analysis.parse.diagnostics.find((x) => x.severity === 'error');
  return d ? { message: d.message, line: d.range.start.line, column: d.range.start.column } : undefined;
}

/** Hover in requirement-text coordinates. */
export function hoverAt(text: string, analysis: Analysis, offset: number, options: HoverOptions = {}): HoverResult | undefined {
  const tokens = analysis.parse.tokens;
  const token = tokenAt(tokens, offset);
  const refs = requirementRefs(analysis.parse, text);
  const ref = refs.find((r) => contains(r.range, offset)) ?? (refs.length === 1 ? refs[0] : undefined);
  const path = nodePath(ref?.requirement.expr, offset);
  const node = path[path.length - 1];
  const parts: string[] = [];
  if (token && token.type !== 'comment') {
    const doc = describeToken(token, tokens, node, text);
    if (doc) parts.push(doc);
  }
  const rejected = options.rejected ?? parseRejection(analysis);
  if (rejected) {
    if (ref || parts.length > 0) {
      parts.push(`**Does not compile:** Apple rejects this requirement text as a whole (line ${rejected.line}, column ${rejected.column}: ${rejected.message}), so it cannot be used as written. Fix that error first: no summary of who is allowed is given for text that does not compile.`);
    }
  } else if (ref) {
    const who = summarizeRequirement(ref.requirement);
    const label = ref.entryType ? `**\`${ref.entryType.name}\` requirement allows:** ` : '**Who is allowed:** ';
    parts.push(label + who + '.');
  }
  if (parts.length === 0) return undefined;
  const range = token && token.type !== 'comment' ? token.range : ref?.range ?? { start: { offset, line: 1, column: 1 }, end: { offset, line: 1, column: 1 } };
  return { markdown: parts.join('\n\n---\n\n'), range };
}

function describeToken(token: Token, tokens: readonly Token[], node: Expr | undefined, text: string): string | undefined {
  const image = token.image;
  switch (token.type) {
    case 'keyword': {
      if (image === 'apple') {
        const i = tokens.indexOf(token);
        if (tokens[i + 1]?.image === 'generic' || tokens[i - 1]?.image === 'generic') return KEYWORD_DOCS['generic'];
      }
      let doc = KEYWORD_DOCS[image] ?? `\`${image}\``;
      if ((image === 'leaf' || image === 'root') && node && 'slot' in node) doc += '\n\n' + certSlotDoc(node.slot.index, node.slot.spelling);
      return doc;
    }
    case 'operator':
      return OPERATOR_DOCS[image];
    case 'hash':
      return node?.kind === 'cdhash'
        ? '`H"…"`: a CodeDirectory hash (40 hex digits) pinning one exact build.'
        : '`H"…"`: the SHA-1 of a certificate (40 hex digits), pinning that exact certificate.';
    case 'hex':
      return '`0x…`: bytes written in hex; Apple compares them as a UTF-8 string.';
    case 'integer':
      if (node && 'slot' in node && contains(node.slot.range, token.range.start.offset)) return certSlotDoc(node.slot.index, node.slot.spelling);
      if (node?.kind === 'platform') return `Platform ${image} (the CodeDirectory platform byte).`;
      return `The number ${image}.`;
    case 'path':
      return `A certificate file path: Apple reads the file when compiling and stores its SHA-1. A bare path needs at least two components and no dots.`;
    case 'dotkey':
    case 'string':
      return describeWord(token, node, text);
    default:
      return undefined;
  }
}

function unquote(image: string): string {
  return image.startsWith('"') ? image.slice(1, -1).replace(/\\"/g, '"') : image;
}

function describeWord(token: Token, node: Expr | undefined, _text: string): string | undefined {
  const word = unquote(token.image);
  const at = token.range.start.offset;
  if (!node) return undefined;
  const inKey = 'key' in node && node.key && contains(node.key.range, at);
  const inOid = 'oid' in node && contains(node.oid.range, at);
  if (node.kind === 'certGeneric' || node.kind === 'certPolicy' || node.kind === 'certDate') {
    if (inOid || !('value' in node.match && contains(node.match.value.range, at))) {
      const prefix = node.kind === 'certGeneric' ? `${node.prefix}.` : node.kind === 'certPolicy' ? 'policy.' : 'timestamp.';
      const info = oidInfo(node.oid.text);
      const head = info
        ? `**${info.name}** (${node.oid.text})\n\n${info.meaning}${info.on ? `\n\nTypically on: ${info.on}.` : ''}`
        : `OID ${node.oid.text || '(empty)'}: not one of Apple's well-known OIDs.`;
      return `${head}\n\n${FIELD_PREFIX_DOCS[prefix]}`;
    }
  }
  if (node.kind === 'certField') {
    if (inKey) {
      const name = node.key.text.replace(/^subject\./, '');
      const f = SUBJECT_FIELDS.find((s) => s.name === name);
      return f
        ? `\`subject.${f.name}\` (${f.oid}): ${f.meaning}.${f.needsQuotes ? ' Must be quoted: `["subject.' + f.name + '"]`.' : ''}`
        : `\`${node.key.text}\`: not a subject field Apple's evaluator knows, so it always evaluates to false.`;
    }
    if (node.key.text === 'subject.OU' && TEAM_ID_RE.test(word)) return `Team ID \`${word}\`.`;
  }
  if (node.kind === 'info' && inKey) {
    const k = INFO_KEYS.find((i) => i.key === word);
    return k ? `Info.plist key \`${k.key}\`: ${k.meaning}` : `Info.plist key \`${word}\` (top-level keys only).`;
  }
  if (node.kind === 'entitlement' && inKey) {
    const k = ENTITLEMENT_KEYS.find((i) => i.key === word);
    return k ? `Entitlement \`${k.key}\`: ${k.meaning}` : `Entitlement \`${word}\`.`;
  }
  if (node.kind === 'identifier') return `Signing identifier \`${word}\`: compared exactly (case-sensitive, no wildcards).`;
  if (node.kind === 'namedAnchor') return `Named anchor \`${word}\`: a requirement Apple ships inside Security.framework.`;
  if (node.kind === 'namedCode') return `Named code requirement \`${word}\`.`;
  if (node.kind === 'certHash' && node.path) return `Certificate file \`${word}\`: read when compiling; its SHA-1 is stored.`;
  return undefined;
}
