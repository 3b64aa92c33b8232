/**
 * Hovers on LWCRs in host documents (plists, JSON, XPC dictionary code,
 * Swift literals and builders), at a host offset: what a fact, an operator
 * or an enumerated value means, where it is defined, which OS, and whether
 * a static check can decide it (knowledge.ts).
 */
import { FACT_BY_KEY, FACTS, isLogicalOp, isValueOp, type LwEntry, type LwValue } from '../../lwcr/index.js';
import { findLwcr, type HostLwcr } from '../embedded/lwcr.js';
import { factMarkdown, FORM_AVAILABILITY, operatorMarkdown, queryOpMarkdown, SWIFT_CONSTRAINT_OF_FACT, valueMarkdown } from './knowledge.js';

export interface LwcrHover {
  markdown: string;
  start: number;
  end: number;
}

const inside = (r: { start: { offset: number }; end: { offset: number } }, offset: number) => r.start.offset <= offset && offset <= r.end.offset;

export function lwcrHoverAt(text: string, languageId: string, offset: number): LwcrHover | undefined {
  for (const l of findLwcr(text, languageId).found) {
    if (!inside(l.reqs.range, offset) && !containsDeep(l.reqs, offset)) continue;
    const h = hoverIn(l, l.reqs, offset, undefined, 0);
    if (h) return h;
  }
  return undefined;
}

function containsDeep(v: LwValue, offset: number): boolean {
  if (inside(v.range, offset)) return true;
  return v.kind === 'dict' && v.entries.some((e) => inside(e.keyRange, offset) || containsDeep(e.value, offset));
}

function hoverIn(l: HostLwcr, v: LwValue, offset: number, fact: string | undefined, depth: number): LwcrHover | undefined {
  if (depth > 64) return undefined;
  if (v.kind === 'dict') {
    for (const e of v.entries) {
      if (inside(e.keyRange, offset)) return keyHover(l, e, fact);
      const nextFact = FACT_BY_KEY.has(e.key) ? e.key : e.key.startsWith('$') ? fact : e.key;
      const inner = hoverIn(l, e.value, offset, nextFact, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }
  if (v.kind === 'array') {
    // `$query` steps: [opcode, parameter].
    if (fact === 'entitlements' && v.items.length === 2 && v.items[0]?.kind === 'int' && inside(v.items[0].range, offset)) {
      const md = queryOpMarkdown(Number(v.items[0].value));
      if (md) return { markdown: md, start: v.items[0].range.start.offset, end: v.items[0].range.end.offset };
    }
    for (const x of v.items) {
      const inner = hoverIn(l, x, offset, fact, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }
  if (!inside(v.range, offset) || !fact || (v.kind !== 'int' && v.kind !== 'bool')) return undefined;
  const md = valueMarkdown(fact, v.value);
  return md ? { markdown: md, start: v.range.start.offset, end: v.range.end.offset } : undefined;
}

function keyHover(l: HostLwcr, e: LwEntry, activeFact: string | undefined): LwcrHover {
  const at = { start: e.keyRange.start.offset, end: e.keyRange.end.offset };
  const diagnostics = l.analysis.diagnostics.filter((d) => d.range.start.offset === e.keyRange.start.offset && d.severity !== 'information').map((d) => `- ⚠ ${d.message} [${d.code}]`);
  const tail = diagnostics.length ? `\n\n${diagnostics.join('\n')}` : '';
  const fact = factMarkdown(e.key, l.source);
  if (fact) {
    const swift = l.source === 'swift-builder' ? `\n\nBuilder: \`${SWIFT_CONSTRAINT_OF_FACT.get(e.key)}\` (LightweightCodeRequirements).` : '';
    return { markdown: fact + swift + tail, ...at };
  }
  if (isLogicalOp(e.key) || isValueOp(e.key)) {
    const swift = l.source === 'swift-builder' ? `\n\nBuilder: \`${e.key === '$and' ? 'allOf' : 'anyOf'} { … }\`; a group with one member collapses to that member.` : '';
    return { markdown: `${operatorMarkdown(e.key)}${activeFact && isValueOp(e.key) ? ` Here: on \`${activeFact}\`.` : ''}${swift}\n\n_${FORM_AVAILABILITY[l.source]}._${tail}`, ...at };
  }
  const negation = operatorMarkdown(e.key);
  if (negation) return { markdown: negation + tail, ...at };
  const near = FACTS.map((f) => f.key).find((k) => k.startsWith(e.key.slice(0, 4)) && e.key.startsWith('$') === false);
  return {
    markdown: `**\`${e.key}\`** — not an LWCR ${e.key.startsWith('$') ? 'operator (E 1)' : 'fact (E 5)'}: the OS parses it and fails when it evaluates it, unless it is under \`$optional\`, which ignores it silently.${near ? ` Did you mean \`${near}\`?` : ''}${tail}`,
    ...at,
  };
}
