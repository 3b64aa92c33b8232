import type { LineIndex } from '../analysis/text.js';
import { hostLanguage } from '../embedded/hosts.js';
import { findLwcr } from '../embedded/lwcr.js';
import { lw } from '../../lwcr/index.js';
import { containerOf, lwBranches, lwcrHost, teamOf } from './lwcr-tree.js';
import { defineRule, type Finding } from './types.js';

interface DictScope { keys: { name: string; start: number; end: number }[] }

/**
 * R13: `signing-identifier` needs `team-identifier` or `validation-category` in the same branch.
 * In a document holding LWCR (embedded/lwcr.ts: launchd `SpawnConstraint`, launch-constraint plists,
 * LWCR JSON) each `$or` branch of the requirements is judged (a `cdhash` pin also counts); in other
 * property lists, every `<dict>` with `signing-identifier` needs one of them as a sibling key.
 */
export default defineRule({
  code: 'CSR113',
  id: 'launch-constraint-signing-identifier',
  title: 'Launch constraint `signing-identifier` without `team-identifier` or `validation-category`',
  defaultSeverity: 'warning',
  description: 'A signing identifier alone can be claimed by anyone who signs code.',
  help: 'Add `team-identifier` (or `validation-category`) next to `signing-identifier`.',
  docs: {
    firesOn: 'an LWCR branch (launchd `SpawnConstraint`, launch-constraint plist, LWCR JSON) or another property-list dictionary with `signing-identifier` and neither `team-identifier` nor `validation-category` (nor, in an LWCR, `cdhash`)',
    why: 'a signing identifier alone can be claimed by anyone',
    fix: 'add `team-identifier`; in an LWCR the quick fix adds `team-identifier` and `validation-category` 6 in the host\'s own form',
    catches: { text: '{"signing-identifier": "com.example.helper"}', language: 'lwcr-json' },
    spares: { text: '{"signing-identifier": "com.example.helper", "team-identifier": "ABCDE12345", "validation-category": 6}', language: 'lwcr-json', why: 'the team and an Apple-issued category bind the identifier to its signer' },
  },
  hostMarkers: ['signing-identifier'],
  host(hostText, languageId, index) {
    if (findLwcr(hostText, languageId).found.length > 0) return lintLwcr(hostText, languageId, index);
    return hostLanguage(languageId)?.family === 'plist' ? lintLaunchConstraints(hostText, index) : [];
  },
});

const MESSAGE = 'This launch constraint checks `signing-identifier` alone: anyone can sign code with that identifier. Add `team-identifier` (or `validation-category`) in the same dictionary.';

const lintLwcr = lwcrHost((tree, l, at, fix) => {
  const out: Finding[] = [];
  const seen = new Set<unknown>();
  for (const b of lwBranches(tree) ?? []) {
    const sid = b.facts.find((f) => f.key === 'signing-identifier');
    if (!sid || seen.has(sid)) continue;
    if (b.facts.some((f) => f.key === 'team-identifier' || f.key === 'validation-category' || f.key === 'cdhash')) continue;
    seen.add(sid);
    // Only where every entry of the dictionary must match: added to an `$or`, the team would be another way in.
    const c = containerOf(l.reqs, sid.keyRange.start.offset);
    const fixes = c?.all ? fix(`Add \`team-identifier\` "${teamOf(tree)}" and \`validation-category\` 6 (Developer ID)`, l.edit.addEntry(c.dict, 'team-identifier', lw.str(teamOf(tree))), l.edit.addEntry(c.dict, 'validation-category', lw.int(6))) : [];
    out.push({ code: 'CSR113', message: MESSAGE, range: at(sid.keyRange), ...(fixes.length ? { fixes } : {}) });
  }
  return out;
});

function lintLaunchConstraints(text: string, index: LineIndex): Finding[] {
  const out: Finding[] = [];
  const stack: DictScope[] = [];
  const tag = /<(\/?)(dict)\s*>|<dict\s*\/>|<key>([^<]*)<\/key>/g;
  for (const m of text.matchAll(tag)) {
    if (m[0].startsWith('<dict') && m[0].endsWith('/>')) continue;
    if (m[2] === 'dict' && m[1] === '') stack.push({ keys: [] });
    else if (m[2] === 'dict') {
      const scope = stack.pop();
      if (scope) check(scope);
    } else if (m[3] !== undefined && stack.length > 0) {
      stack[stack.length - 1]!.keys.push({ name: m[3].trim(), start: m.index!, end: m.index! + m[0].length });
    }
  }
  function check(scope: DictScope): void {
    const sid = scope.keys.find((k) => k.name === 'signing-identifier');
    if (!sid) return;
    if (scope.keys.some((k) => k.name === 'team-identifier' || k.name === 'validation-category')) return;
    out.push({
      code: 'CSR113',
      message: MESSAGE,
      range: index.range(sid.start, sid.end),
    });
  }
  return out;
}
