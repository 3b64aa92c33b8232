import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../../grammar/bytes.js';
import { compile } from '../../grammar/codec/encode.js';
import { parse } from '../../grammar/parser.js';
import { printCanonical } from '../../grammar/print/canonical.js';
import { formatRequirementText, type FormatOptions } from '../../grammar/print/format.js';
import { arbDocument } from './arbitrary.js';

function format(text: string, options: FormatOptions = {}): string {
  const r = formatRequirementText(text, options);
  if (!r.ok) assert.fail(r.reason);
  return r.text;
}

function bytesOf(text: string): string {
  const p = parse(text, { mode: 'auto' });
  assert.ok(p.ok && p.document, `does not parse: ${text}\n${p.diagnostics.map((d) => d.message).join('\n')}`);
  return toHex(compile(p.document).bytes!);
}

/**
 * The text with every quoted string blanked out (its characters, line breaks
 * included, made `x`): a string may hold " \n" or "\r\n", which is the
 * requirement's value and not trailing space the formatter left.
 */
function outsideStrings(text: string): string {
  let out = text;
  for (const t of parse(text, { mode: 'auto' }).tokens) {
    if (t.type !== 'string') continue;
    const { start, end } = t.range;
    out = out.slice(0, start.offset) + 'x'.repeat(end.offset - start.offset) + out.slice(end.offset);
  }
  return out;
}

describe('formatter layouts (golden)', () => {
  it('a short requirement stays on one line', () => {
    assert.equal(format('identifier   "com.apple.Safari"\n  and anchor apple'), 'identifier "com.apple.Safari" and anchor apple\n');
  });

  it('a long requirement breaks before each top-level and', () => {
    const text = 'identifier "com.example.helper" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"';
    assert.equal(
      format(text),
      'identifier "com.example.helper"\n    and anchor apple generic\n    and certificate leaf[subject.OU] = "ABCDE12345"\n',
    );
  });

  it("Xcode's Developer ID designated requirement: nesting shown by indentation", () => {
    const text =
      'anchor apple generic and identifier "com.example.app" and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "ABCDE12345")';
    assert.equal(
      format(text),
      [
        'anchor apple generic',
        '    and identifier "com.example.app"',
        '    and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */',
        '        or certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */',
        '            and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */',
        '            and certificate leaf[subject.OU] = "ABCDE12345")',
        '',
      ].join('\n'),
    );
  });

  it('comments are kept where they were; a line comment breaks its chain', () => {
    const text = '# Developer ID helper\nidentifier "com.example.helper" and anchor apple generic // Apple-issued\n  and certificate leaf[subject.OU] = "ABCDE12345"\n';
    assert.equal(
      format(text),
      '# Developer ID helper\nidentifier "com.example.helper"\n    and anchor apple generic // Apple-issued\n    and certificate leaf[subject.OU] = "ABCDE12345"\n',
    );
  });

  it('a neat one-clause-per-line requirement is kept as it is (issue: it was joined into one long line)', () => {
    const text = [
      '# Developer ID: only this team\'s helper.',
      'identifier "com.example.helper"',
      '    and anchor apple generic',
      '    and certificate 1[field.1.2.840.113635.100.6.2.6] /* Developer ID CA */',
      '    and certificate leaf[field.1.2.840.113635.100.6.1.13] // Developer ID Application',
      '    and certificate leaf[subject.OU] = "ABCDE12345"',
      '',
    ].join('\n');
    const r = formatRequirementText(text);
    assert.ok(r.ok);
    assert.equal(r.text, text);
    assert.equal(r.changed, false);
  });

  it('sets: one entry per line, each broken on its own', () => {
    const text = 'designated => identifier "com.example.app" and anchor apple generic and certificate leaf[subject.OU] = "ABCDE12345"\nlibrary => anchor apple';
    assert.equal(
      format(text),
      'designated => identifier "com.example.app"\n    and anchor apple generic\n    and certificate leaf[subject.OU] = "ABCDE12345"\nlibrary => anchor apple\n',
    );
  });

  it('explicit parentheses that set the nesting are kept (the compiled bytes do not change)', () => {
    const text = 'anchor apple and (identifier a and identifier b)';
    assert.equal(format(text), 'anchor apple and (identifier a and identifier b)\n');
    assert.equal(bytesOf(format(text)), bytesOf(text));
  });

  it('width and indent options', () => {
    const text = 'identifier "com.example.helper" and anchor apple generic';
    assert.equal(format(text, { width: 40, indent: 2 }), 'identifier "com.example.helper"\n  and anchor apple generic\n');
    assert.equal(format(text, { width: 200 }), text + '\n');
  });

  it('formats whatever lint says: an insecure but valid requirement is formatted', () => {
    assert.equal(format('identifier   "com.example.helper"'), 'identifier "com.example.helper"\n');
  });

  it('text that does not parse is not formatted, and the reason names the position', () => {
    const r = formatRequirementText('identifier "a" or certificate leaf[subject.CN] = 9ABCDE1234');
    assert.equal(r.ok, false);
    assert.ok(!r.ok && /^not formatted: the text does not parse \(line 1, column \d+: .*quoted/.test(r.reason), !r.ok ? r.reason : '');
  });
});

describe('formatter properties over the generated corpus', () => {
  const RUNS = 300;
  it('a quoted value ending a line in space is the value, not trailing space (fast-check seed -1622866034 at width 80)', () => {
    const text = '! (entitlement[" \n"] exists or platform = 0)';
    const once = format(text, { width: 80 });
    assert.equal(format(once, { width: 80 }), once);
    assert.equal(bytesOf(once), bytesOf(text));
    assert.ok(/\s$/m.test(once.split('\n')[0]!), 'the raw line does end in a space, inside the string');
    for (const line of outsideStrings(once).split('\n')) assert.ok(!/\s$/.test(line), `trailing space in ${JSON.stringify(line)}`);
  });
  for (const width of [80, 20]) {
    it(`width ${width}: idempotent, and formatting never changes the compiled bytes`, () => {
      fc.assert(
        fc.property(arbDocument({ textual: true, maxDepth: 5 }), (doc) => {
          const text = printCanonical(doc, { preserveNesting: true });
          const once = format(text, { width });
          assert.equal(format(once, { width }), once, 'not idempotent');
          assert.equal(bytesOf(once), bytesOf(text), 'compiled bytes changed');
          for (const line of outsideStrings(once).split('\n')) assert.ok(!/\s$/.test(line), `trailing space in ${JSON.stringify(line)}`);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('with comments inserted between tokens: idempotent, bytes unchanged, every comment kept', () => {
    fc.assert(
      fc.property(arbDocument({ textual: true, maxDepth: 4 }), fc.array(fc.tuple(fc.nat(), fc.constantFrom('block', 'line', 'hash')), { maxLength: 4 }), (doc, inserts) => {
        const plain = printCanonical(doc, { preserveNesting: true });
        const tokens = parse(plain, { mode: 'auto' }).tokens;
        if (tokens.length === 0) return;
        const at = [...new Set(inserts.map(([n]) => tokens[n % tokens.length]!.range.end.offset))].sort((a, b) => b - a);
        let text = plain;
        const comments: string[] = [];
        at.forEach((offset, i) => {
          const style = inserts[i]![1];
          const c = style === 'block' ? `/* c${i} */` : style === 'line' ? `// c${i}` : `# c${i}`;
          comments.push(c);
          text = text.slice(0, offset) + ' ' + c + (style === 'block' ? ' ' : '\n') + text.slice(offset);
        });
        const once = format(text);
        assert.equal(format(once), once, 'not idempotent');
        assert.equal(bytesOf(once), bytesOf(text), 'compiled bytes changed');
        for (const c of comments) assert.ok(once.includes(c), `comment ${c} lost`);
      }),
      { numRuns: 300 },
    );
  });
});
