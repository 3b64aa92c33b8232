/**
 * Resource rules of a CodeResources seal, chosen the way Apple's
 * ResourceBuilder does (Security, libsecurity_codesigning/lib/resources.cpp):
 * every rule whose POSIX extended expression matches the relative path is a
 * candidate; an exclusion wins at once; otherwise the highest weight wins and,
 * among equal weights, the first rule seen. Apple sees rules in CFDictionary
 * order, which is unspecified; here they are taken in sorted key order (the
 * order the XML plist lists them), so the choice is at least deterministic.
 */
import type { PlistValue } from '../facts.js';
import { PosixRegex, RegexError, type MatchBudget } from './regex.js';
import { quoted } from '../printable.js';

/** ResourceBuilder flags (resources.h). */
export const RULE_OPTIONAL = 0x01;
export const RULE_OMITTED = 0x02;
export const RULE_NESTED = 0x04;
export const RULE_EXCLUSION = 0x10;

/** Apple's default sets have 5 (v1) and 13 (v2) rules. */
export const MAX_RULES = 512;

export interface ResourceRule {
  pattern: string;
  weight: number;
  flags: number;
  regex: PosixRegex;
}

export class RuleError extends Error {}

function isDict(v: PlistValue | undefined): v is { [key: string]: PlistValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** Parses a `rules`/`rules2` dictionary (ResourceBuilder::addRule). */
export function parseRules(dict: PlistValue | undefined, name: string): ResourceRule[] {
  if (!isDict(dict)) throw new RuleError(`"${name}" is ${dict === undefined ? 'missing' : 'not a dictionary'}`);
  const keys = Object.keys(dict).sort();
  if (keys.length > MAX_RULES) throw new RuleError(`"${name}" has ${keys.length} rules, more than the limit of ${MAX_RULES}`);
  const rules: ResourceRule[] = [];
  for (const pattern of keys) {
    const value = dict[pattern]!;
    let weight = 1;
    let flags = 0;
    if (typeof value === 'boolean') {
      if (!value) flags |= RULE_OMITTED;
    } else if (isDict(value)) {
      const w = value['weight'];
      if (w !== undefined) {
        const n = typeof w === 'bigint' ? Number(w) : w;
        // cfNumber<unsigned int>: anything else is not a weight Apple could have written.
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RuleError(`rule ${quoted(pattern)} in "${name}" has weight ${String(w)}, not an unsigned 32-bit integer`);
        weight = n;
      }
      if (value['omit'] === true) flags |= RULE_OMITTED;
      if (value['optional'] === true) flags |= RULE_OPTIONAL;
      if (value['nested'] === true) flags |= RULE_NESTED;
    } else {
      throw new RuleError(`rule ${quoted(pattern)} in "${name}" is neither a boolean nor a dictionary`);
    }
    let regex: PosixRegex;
    try {
      regex = new PosixRegex(pattern);
    } catch (err) {
      if (err instanceof RegexError) throw new RuleError(`rule ${quoted(pattern.length > 80 ? pattern.slice(0, 80) + '…' : pattern)} in "${name}": ${err.message}`);
      throw err;
    }
    rules.push({ pattern, weight, flags, regex });
  }
  return rules;
}

/** BundleDiskRep::adjustResources: the signature's own folder, its legacy link, the store receipt and the main executable are never resources. */
export function bundleExclusions(mainExecutable: string | undefined): ResourceRule[] {
  const patterns = ['^_CodeSignature$', '^CodeResources$', '^_MASReceipt$'];
  if (mainExecutable !== undefined) patterns.push('^' + escapeRegex(mainExecutable) + '$');
  return patterns.map((pattern) => ({ pattern, weight: 0, flags: RULE_EXCLUSION, regex: new PosixRegex(pattern) }));
}

/** ResourceBuilder::escapeRE. */
export function escapeRegex(s: string): string {
  return s.replace(/[\\[\]{}().+*?^$|]/g, (c) => '\\' + c);
}

/** ResourceBuilder::findRule; matching charges `budget` (MatchBudgetExceeded when it runs out). */
export function findRule(rules: readonly ResourceRule[], path: string, budget?: MatchBudget): ResourceRule | undefined {
  let best: ResourceRule | undefined;
  for (const rule of rules) {
    if (!rule.regex.test(path, budget)) continue;
    const chosen = chooseRule(best, rule);
    if (chosen.final) return chosen.rule;
    best = chosen.rule;
  }
  return best;
}

/** One step of findRule: the better of the best so far and another matching rule; `final` when no later rule can win (an exclusion). */
export function chooseRule(best: ResourceRule | undefined, rule: ResourceRule): { rule: ResourceRule; final: boolean } {
  if (rule.flags & RULE_EXCLUSION) return { rule, final: true };
  return { rule: !best || rule.weight > best.weight ? rule : best, final: false };
}
