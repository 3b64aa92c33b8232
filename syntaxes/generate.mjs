#!/usr/bin/env node
/**
 * Writes the TextMate grammars of this folder. Regular expressions are much
 * easier to read as String.raw literals than as escaped JSON, so the JSON
 * files are generated from here: edit this file and run
 * `node syntaxes/generate.mjs`. test/syntaxes checks the JSON is current.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const r = String.raw;

/** A keyword is a whole DOTKEY: `anchor.foo` and `com.apple` are plain words. */
const kw = (words) => r`(?<![A-Za-z0-9.$])(?:${words.join('|')})(?![A-Za-z0-9]|\.[A-Za-z0-9])`;

const csreq = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Code Signing Requirement',
  scopeName: 'source.csreq',
  fileTypes: ['csreq', 'rqset'],
  patterns: [{ include: '#expression' }],
  repository: {
    expression: {
      patterns: [
        { include: '#comments' },
        { include: '#string' },
        { include: '#tokens' },
      ],
    },
    /** Everything but quoted strings, so embedding grammars can supply their own string form. */
    tokens: {
      patterns: [
        { include: '#hash' },
        { include: '#hex' },
        { include: '#brackets' },
        { include: '#keywords' },
        { include: '#self' },
        { include: '#path' },
        { include: '#operators' },
        { include: '#digit-value' },
        { include: '#integer' },
        { include: '#dotkey' },
      ],
    },
    comments: {
      patterns: [
        { name: 'comment.block.csreq', begin: r`/\*`, end: r`\*/`, beginCaptures: { 0: { name: 'punctuation.definition.comment.begin.csreq' } }, endCaptures: { 0: { name: 'punctuation.definition.comment.end.csreq' } } },
        { name: 'comment.line.double-slash.csreq', match: r`(//).*$`, captures: { 1: { name: 'punctuation.definition.comment.csreq' } } },
        { name: 'comment.line.number-sign.csreq', match: r`(#).*$`, captures: { 1: { name: 'punctuation.definition.comment.csreq' } } },
      ],
    },
    string: {
      name: 'string.quoted.double.csreq',
      begin: '"',
      end: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.csreq' } },
      endCaptures: { 0: { name: 'punctuation.definition.string.end.csreq' } },
      patterns: [
        { name: 'constant.character.escape.csreq', match: r`\\"` },
        { name: 'invalid.illegal.escape.csreq', match: r`\\(?:.|$)` },
      ],
    },
    hash: {
      patterns: [
        { name: 'constant.other.hash.csreq', match: r`\bH"[0-9A-Fa-f]{40}"` },
        { name: 'invalid.illegal.hash.csreq', match: r`\bH"[^"\n]*"?` },
      ],
    },
    hex: { name: 'constant.numeric.hex.csreq', match: r`(?<![A-Za-z0-9.])0x[0-9A-Fa-f]+\b` },
    brackets: {
      name: 'meta.brackets.key.csreq',
      begin: r`\[`,
      end: r`\]`,
      beginCaptures: { 0: { name: 'punctuation.section.brackets.begin.csreq' } },
      endCaptures: { 0: { name: 'punctuation.section.brackets.end.csreq' } },
      patterns: [
        { include: '#comments' },
        {
          match: r`(?<![A-Za-z0-9.])(subject)(\.)([A-Za-z][A-Za-z0-9]*)`,
          captures: { 1: { name: 'support.type.key-prefix.csreq' }, 2: { name: 'punctuation.separator.dot.csreq' }, 3: { name: 'variable.other.property.subject.csreq' } },
        },
        {
          match: r`(?<![A-Za-z0-9.])(field|extension|policy|timestamp)(\.)([0-9]+(?:\.[0-9]+)*)(?![A-Za-z0-9.])`,
          captures: { 1: { name: 'support.type.key-prefix.csreq' }, 2: { name: 'punctuation.separator.dot.csreq' }, 3: { name: 'constant.numeric.oid.csreq' } },
        },
        {
          name: 'string.quoted.double.key.csreq',
          begin: '"',
          end: '"',
          beginCaptures: { 0: { name: 'punctuation.definition.string.begin.csreq' } },
          endCaptures: { 0: { name: 'punctuation.definition.string.end.csreq' } },
          patterns: [
            { name: 'constant.character.escape.csreq', match: r`\\"` },
            { name: 'invalid.illegal.escape.csreq', match: r`\\(?:.|$)` },
          ],
        },
        { name: 'variable.other.key.csreq', match: r`[A-Za-z][A-Za-z0-9]*(?:\.(?:[A-Za-z][A-Za-z0-9]*|[0-9]+))*` },
      ],
    },
    keywords: {
      patterns: [
        { name: 'storage.type.requirement-type.csreq', match: kw(['host', 'guest', 'designated', 'library', 'plugin']) },
        { name: 'keyword.operator.logical.csreq', match: kw(['and', 'or']) },
        { name: 'constant.language.boolean.csreq', match: kw(['always', 'true', 'never', 'false']) },
        { name: 'keyword.other.predicate.csreq', match: kw(['identifier', 'cdhash', 'platform', 'notarized', 'legacy', 'info', 'entitlement']) },
        { name: 'keyword.other.certificate.csreq', match: kw(['anchor', 'certificate', 'cert', 'trusted']) },
        { name: 'support.constant.anchor.csreq', match: kw(['apple', 'generic']) },
        { name: 'variable.language.slot.csreq', match: kw(['leaf', 'root']) },
        { name: 'keyword.other.match.csreq', match: kw(['exists', 'absent']) },
        { name: 'keyword.other.timestamp.csreq', match: kw(['timestamp']) },
      ],
    },
    self: { name: 'variable.language.self.csreq', match: r`\$self\.identifier\b` },
    path: { name: 'string.unquoted.path.csreq', match: r`(?<![A-Za-z0-9.])/[A-Za-z][A-Za-z0-9]*(?:/[A-Za-z][A-Za-z0-9]*)+` },
    operators: {
      patterns: [
        { name: 'keyword.operator.arrow.csreq', match: '=>' },
        { name: 'keyword.operator.comparison.csreq', match: '<=|>=|==|=|<|>' },
        { name: 'keyword.operator.contains.csreq', match: '~' },
        { name: 'keyword.operator.logical.not.csreq', match: '!' },
        { name: 'keyword.operator.wildcard.csreq', match: r`\*` },
        { name: 'keyword.operator.minus.csreq', match: '-' },
        { name: 'punctuation.terminator.csreq', match: ';' },
        { name: 'invalid.illegal.comma.csreq', match: ',' },
        { name: 'punctuation.section.parens.begin.csreq', match: r`\(` },
        { name: 'punctuation.section.parens.end.csreq', match: r`\)` },
      ],
    },
    /** `9ABCDE1234`: a value that starts with a digit must be quoted (the Sparkle 2.7.2 crash). */
    'digit-value': { name: 'invalid.illegal.unquoted-digit-value.csreq', match: r`(?<![A-Za-z0-9.])[0-9]+[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*` },
    integer: { name: 'constant.numeric.integer.csreq', match: r`(?<![A-Za-z0-9.])[0-9]+(?![A-Za-z0-9])` },
    dotkey: { name: 'string.unquoted.csreq', match: r`[A-Za-z][A-Za-z0-9]*(?:\.(?:[A-Za-z][A-Za-z0-9]*|[0-9]+))*` },
  },
};

/** Requirement text inside a host literal whose quotes are written `\"` (C, Objective-C, Swift, shell double quotes). */
const escapedString = {
  name: 'string.quoted.double.csreq',
  begin: r`\\"`,
  end: r`\\"|(?=")`,
  beginCaptures: { 0: { name: 'punctuation.definition.string.begin.csreq' } },
  endCaptures: { 0: { name: 'punctuation.definition.string.end.csreq' } },
};

const API_FIRST = 'SecRequirementCreateWithString(?:AndErrors)?|setCodeSigningRequirement|setConnectionCodeSigningRequirement';
const API_SECOND = 'xpc_connection_set_peer_code_signing_requirement|SecTaskValidateForRequirement';

const embeddedBody = (hostEscape) => [
  { include: 'source.csreq#comments' },
  escapedString,
  { name: 'constant.character.escape.csreq.host', match: hostEscape },
  { include: 'source.csreq#tokens' },
];

const apiCaptures = {
  1: { name: 'support.function.requirement-api.csreq' },
  2: { name: 'punctuation.section.arguments.begin.csreq' },
};

function cFamily() {
  // `(CFSTR(` / `(__bridge CFStringRef)@` / `:@` … then the literal's opening quote.
  const wrapper = r`\s*(?:\(\s*(?:__bridge\s+)?\w+\s*\*?\s*\)\s*)?(?:CFSTR\s*\(\s*)?@?(?:L|u8|u|U)?`;
  const cEscape = r`\\(?:[0-7]{1,3}|x[0-9A-Fa-f]+|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\\'?abfnrtv]|$)`;
  const rule = (api, skipFirst) => ({
    name: 'meta.embedded.requirement.csreq',
    begin: r`\b(${api})\s*([(:])${skipFirst ? r`\s*[^,()"]*,` : ''}${wrapper}(")`,
    end: '"',
    beginCaptures: { ...apiCaptures, 3: { name: 'string.quoted.double.c punctuation.definition.string.begin.c' } },
    endCaptures: { 0: { name: 'string.quoted.double.c punctuation.definition.string.end.c' } },
    contentName: 'source.csreq.embedded',
    patterns: embeddedBody(cEscape),
  });
  return {
    $schema: csreq.$schema,
    name: 'Code Signing Requirement in C, C++, Objective-C',
    scopeName: 'csreq.injection.c',
    injectionSelector: 'L:source.c -comment -string, L:source.cpp -comment -string, L:source.objc -comment -string, L:source.objcpp -comment -string',
    patterns: [rule(API_FIRST, false), rule(API_SECOND, true)],
  };
}

function swift() {
  const swiftEscape = r`\\(?:[0\\tnr'"]|u\{[0-9A-Fa-f]{1,8}\})`;
  const open = (api, skipFirst) => r`\b(${api})\s*(\()${skipFirst ? r`\s*[^,()"]*,` : ''}\s*`;
  const rules = [];
  for (const [api, skip] of [[API_FIRST, false], [API_SECOND, true]]) {
    rules.push({
      name: 'meta.embedded.requirement.csreq',
      begin: open(api, skip) + r`(""")\s*$`,
      end: r`^\s*(""")`,
      beginCaptures: { ...apiCaptures, 3: { name: 'string.quoted.double.block.swift punctuation.definition.string.begin.swift' } },
      endCaptures: { 1: { name: 'string.quoted.double.block.swift punctuation.definition.string.end.swift' } },
      contentName: 'source.csreq.embedded',
      patterns: [{ name: 'constant.character.escape.csreq.host', match: r`\\$` }, { include: 'source.csreq' }],
    });
    rules.push({
      name: 'meta.embedded.requirement.csreq',
      begin: open(api, skip) + r`((#+)")`,
      end: r`"\4`,
      beginCaptures: { ...apiCaptures, 3: { name: 'string.quoted.double.raw.swift punctuation.definition.string.begin.swift' } },
      endCaptures: { 0: { name: 'string.quoted.double.raw.swift punctuation.definition.string.end.swift' } },
      contentName: 'source.csreq.embedded',
      patterns: [{ include: 'source.csreq' }],
    });
    rules.push({
      name: 'meta.embedded.requirement.csreq',
      begin: open(api, skip) + '(")',
      end: '"',
      beginCaptures: { ...apiCaptures, 3: { name: 'string.quoted.double.single-line.swift punctuation.definition.string.begin.swift' } },
      endCaptures: { 0: { name: 'string.quoted.double.single-line.swift punctuation.definition.string.end.swift' } },
      contentName: 'source.csreq.embedded',
      patterns: [
        { name: 'meta.embedded.line.swift invalid.deprecated.interpolation.csreq', match: r`\\\([^)]*\)` },
        ...embeddedBody(swiftEscape),
      ],
    });
  }
  return {
    $schema: csreq.$schema,
    name: 'Code Signing Requirement in Swift',
    scopeName: 'csreq.injection.swift',
    injectionSelector: 'L:source.swift -comment -string',
    patterns: rules,
  };
}

function shell() {
  // `-R=…`, `-r=…`, `--test-requirement=…`, or the argument as its own word starting with `=`.
  // The shell grammar's option rule starts at the blank before the dash, so this one must too to take precedence.
  const option = r`(?:^|[\t ]+)(-[A-Za-z]*[Rr]|--test-requirement|--requirements)`;
  const rule = (quote, begin, patterns) => ({
    name: 'meta.embedded.requirement.csreq',
    begin,
    end: quote,
    beginCaptures: {
      1: { name: 'variable.parameter.option.shell' },
      2: { name: 'keyword.operator.assignment.shell' },
      3: { name: `string.quoted.${quote === "'" ? 'single' : 'double'}.shell punctuation.definition.string.begin.shell` },
      4: { name: 'keyword.operator.text-marker.csreq' },
    },
    endCaptures: { 0: { name: `string.quoted.${quote === "'" ? 'single' : 'double'}.shell punctuation.definition.string.end.shell` } },
    contentName: 'source.csreq.embedded',
    patterns,
  });
  const expansion = { name: 'variable.other.expansion.shell', match: r`\$(?:\{[^}]*\}|\([^)]*\)|[A-Za-z_][A-Za-z0-9_]*)` };
  const doubleBody = [
    { include: 'source.csreq#comments' },
    { ...escapedString, patterns: [expansion] },
    { name: 'constant.character.escape.csreq.host', match: r`\\[$\x60\\]` },
    expansion,
    { include: 'source.csreq#tokens' },
  ];
  return {
    $schema: csreq.$schema,
    name: 'Code Signing Requirement in shell scripts',
    scopeName: 'csreq.injection.shell',
    injectionSelector: 'L:source.shell -comment -string.quoted',
    patterns: [
      rule("'", option + r`(=)(')(=?)`, [{ include: 'source.csreq' }]),
      rule('"', option + r`(=)(")(=?)`, doubleBody),
      rule("'", option + r`(=|\s+)(')(=)`, [{ include: 'source.csreq' }]),
      rule('"', option + r`(=|\s+)(")(=)`, doubleBody),
    ],
  };
}

function plist() {
  const tagCaptures = (offset) => ({
    [offset]: { name: 'punctuation.definition.tag.xml' },
    [offset + 1]: { name: 'entity.name.tag.xml' },
    [offset + 2]: { name: 'punctuation.definition.tag.xml' },
  });
  const requirementString = {
    name: 'meta.embedded.requirement.csreq',
    begin: '(<)(string)(>)',
    end: '(</)(string)(>)',
    beginCaptures: tagCaptures(1),
    endCaptures: tagCaptures(1),
    contentName: 'source.csreq.embedded',
    patterns: [
      { include: 'source.csreq#comments' },
      {
        name: 'string.quoted.double.csreq',
        begin: '&quot;|"',
        end: '&quot;|"|(?=</)',
        beginCaptures: { 0: { name: 'punctuation.definition.string.begin.csreq' } },
        endCaptures: { 0: { name: 'punctuation.definition.string.end.csreq' } },
        patterns: [{ name: 'constant.character.entity.xml', match: '&(?:amp|lt|gt|apos|#[0-9]+|#x[0-9A-Fa-f]+);' }],
      },
      { name: 'keyword.operator.comparison.csreq', match: '&(?:lt|gt);=?' },
      { name: 'constant.character.entity.xml', match: '&(?:amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);' },
      { include: 'source.csreq#tokens' },
    ],
  };
  return {
    $schema: csreq.$schema,
    name: 'Code Signing Requirement in property lists',
    scopeName: 'csreq.injection.plist',
    injectionSelector: 'L:text.xml -comment',
    patterns: [
      {
        name: 'meta.requirement-key.csreq',
        begin: '(<)(key)(>)(SMPrivilegedExecutables|SMAuthorizedClients)(</)(key)(>)',
        end: '(</)(dict|array)(>)',
        beginCaptures: { ...tagCaptures(1), 4: { name: 'support.constant.requirement-key.csreq' }, ...tagCaptures(5) },
        endCaptures: tagCaptures(1),
        patterns: [requirementString, { include: 'text.xml' }],
      },
      {
        // Configuration-profile payload keys (PPPC `CodeRequirement`, …) and AutoPkg's `requirement`: the next <string>.
        name: 'meta.requirement-key.csreq',
        begin: '(<)(key)(>)(CodeRequirement|AEReceiverCodeRequirement|FilterDataProviderDesignatedRequirement|FilterPacketProviderDesignatedRequirement|ProviderDesignatedRequirement|requirement)(</)(key)(>)',
        end: '(?<=</string>)|(?=<(?!string>))',
        beginCaptures: { ...tagCaptures(1), 4: { name: 'support.constant.requirement-key.csreq' }, ...tagCaptures(5) },
        patterns: [requirementString],
      },
    ],
  };
}

/** AutoPkg YAML recipes: the value of `requirement:` (plain or quoted on its line). */
function yaml() {
  const key = r`^(\s*(?:-\s+)?)(requirement)\s*(:)[ \t]+`;
  const keyCaptures = { 2: { name: 'support.constant.requirement-key.csreq' }, 3: { name: 'punctuation.separator.key-value.mapping.yaml' } };
  const quoted = (q, body) => ({
    name: 'meta.embedded.requirement.csreq',
    begin: key + `(${q})`,
    end: q === "'" ? "'(?!')" : '"',
    beginCaptures: { ...keyCaptures, 4: { name: 'punctuation.definition.string.begin.yaml' } },
    endCaptures: { 0: { name: 'punctuation.definition.string.end.yaml' } },
    contentName: 'source.csreq.embedded',
    patterns: body,
  });
  return {
    $schema: csreq.$schema,
    name: 'Code Signing Requirement in AutoPkg YAML recipes',
    scopeName: 'csreq.injection.yaml',
    injectionSelector: 'L:source.yaml -comment',
    patterns: [
      quoted("'", [{ name: 'constant.character.escape.yaml', match: "''" }, { include: 'source.csreq' }]),
      quoted('"', [{ name: 'constant.character.escape.yaml', match: r`\\.` }, { include: 'source.csreq#comments' }, { include: 'source.csreq#tokens' }]),
      {
        name: 'meta.embedded.requirement.csreq',
        begin: key + `(?=[^'"|>\\s#])`,
        end: '$|(?=\\s#)',
        beginCaptures: keyCaptures,
        contentName: 'source.csreq.embedded',
        patterns: [{ include: 'source.csreq' }],
      },
    ],
  };
}

/**
 * Lightweight code requirements (LWCR): fact and operator keys in property lists (launchd
 * `SpawnConstraint`, launch-constraint files) and JSON. The fact names are distinctive enough
 * to mark wherever they are keys; test/syntaxes checks this list against lwcr/model.ts.
 */
export const LWCR_FACTS = [
  'apple-internal', 'cdhash', 'code-signing-flags', 'developer-mode', 'entitlements', 'info-plist-hash', 'in-tc-with-constraint-category',
  'is-init-proc', 'is-main-binary', 'is-sip-protected', 'launch-type', 'on-authorized-authapfs-volume', 'on-system-volume', 'os-environment',
  'platform-identifier', 'platform-type', 'signing-identifier', 'team-identifier', 'team-identifier-for-current-process', 'validation-category',
];
export const LWCR_OPERATORS = ['$and', '$or', '$and-array', '$or-array', '$optional', '$in', '$lt', '$lte', '$gt', '$gte', '$flag-check', '$query'];
/** Longest first, so `team-identifier-for-current-process` is not read as `team-identifier`. */
const alternation = (words) => [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[$]/g, '\\$')).join('|');

function lwcrPlist() {
  const tag = (offset) => ({
    [offset]: { name: 'punctuation.definition.tag.xml' },
    [offset + 1]: { name: 'entity.name.tag.xml' },
    [offset + 2]: { name: 'punctuation.definition.tag.xml' },
  });
  const key = (words, scope) => ({ match: `(<)(key)(>)(${words})(</)(key)(>)`, captures: { ...tag(1), 4: { name: scope }, ...tag(5) } });
  return {
    $schema: csreq.$schema,
    name: 'Lightweight code requirements in property lists',
    scopeName: 'lwcr.injection.plist',
    injectionSelector: 'L:text.xml -comment',
    patterns: [
      key('SpawnConstraint', 'support.constant.spawn-constraint.lwcr'),
      key(alternation(LWCR_FACTS), 'support.type.property-name.fact.lwcr'),
      key(alternation(LWCR_OPERATORS), 'keyword.operator.lwcr'),
      key(r`\$(?:not|ne|nin)`, 'invalid.illegal.operator.lwcr'),
    ],
  };
}

function lwcrJson() {
  const key = (words, scope) => ({
    match: r`(")(${words})(")(?=\s*:)`,
    captures: { 1: { name: 'punctuation.support.type.property-name.begin.json' }, 2: { name: scope }, 3: { name: 'punctuation.support.type.property-name.end.json' } },
  });
  return {
    $schema: csreq.$schema,
    name: 'Lightweight code requirements in JSON',
    scopeName: 'lwcr.injection.json',
    injectionSelector: 'L:source.json -comment -string',
    patterns: [
      key(alternation(LWCR_FACTS), 'support.type.property-name.fact.lwcr'),
      key(alternation(LWCR_OPERATORS), 'keyword.operator.lwcr'),
      key(r`\$(?:not|ne|nin)`, 'invalid.illegal.operator.lwcr'),
    ],
  };
}

const languageConfiguration = {
  comments: { lineComment: '//', blockComment: ['/*', '*/'] },
  brackets: [['(', ')'], ['[', ']']],
  autoClosingPairs: [
    { open: '(', close: ')' },
    { open: '[', close: ']' },
    { open: '"', close: '"', notIn: ['string', 'comment'] },
    { open: '/*', close: ' */', notIn: ['string'] },
  ],
  autoCloseBefore: ";:.,=}])> \n\t",
  surroundingPairs: [['(', ')'], ['[', ']'], ['"', '"']],
  wordPattern: r`(\$self\.identifier)|([A-Za-z][A-Za-z0-9]*(?:\.(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+))*)|(-?[0-9]+)`,
  folding: { markers: { start: r`^\s*/\*`, end: r`\*/` } },
  indentationRules: { increaseIndentPattern: r`^.*\([^)]*$`, decreaseIndentPattern: r`^\s*\)` },
};

/** What the extension's package.json contributes for these files (also the test configuration). */
const contributes = {
  contributes: {
    languages: [
      {
        id: 'csreq',
        aliases: ['Code Signing Requirement', 'csreq'],
        extensions: ['.csreq', '.rqset'],
        configuration: './language-configuration.json',
      },
      // Configuration profiles and AutoPkg plist recipes are XML property lists: VS Code's XML language, so the server gets them.
      { id: 'xml', extensions: ['.mobileconfig', '.recipe'] },
    ],
    grammars: [
      { language: 'csreq', scopeName: 'source.csreq', path: './csreq.tmLanguage.json' },
      {
        scopeName: 'csreq.injection.c',
        path: './csreq-c.injection.tmLanguage.json',
        injectTo: ['source.c', 'source.cpp', 'source.objc', 'source.objcpp'],
        embeddedLanguages: { 'source.csreq.embedded': 'csreq' },
      },
      { scopeName: 'csreq.injection.swift', path: './csreq-swift.injection.tmLanguage.json', injectTo: ['source.swift'], embeddedLanguages: { 'source.csreq.embedded': 'csreq' } },
      { scopeName: 'csreq.injection.shell', path: './csreq-shell.injection.tmLanguage.json', injectTo: ['source.shell'], embeddedLanguages: { 'source.csreq.embedded': 'csreq' } },
      { scopeName: 'csreq.injection.plist', path: './csreq-plist.injection.tmLanguage.json', injectTo: ['text.xml'], embeddedLanguages: { 'source.csreq.embedded': 'csreq' } },
      { scopeName: 'lwcr.injection.plist', path: './lwcr-plist.injection.tmLanguage.json', injectTo: ['text.xml'] },
      { scopeName: 'lwcr.injection.json', path: './lwcr-json.injection.tmLanguage.json', injectTo: ['source.json'] },
      { scopeName: 'csreq.injection.yaml', path: './csreq-yaml.injection.tmLanguage.json', injectTo: ['source.yaml'], embeddedLanguages: { 'source.csreq.embedded': 'csreq' } },
    ],
  },
};

export const FILES = {
  'csreq.tmLanguage.json': csreq,
  'csreq-c.injection.tmLanguage.json': cFamily(),
  'csreq-swift.injection.tmLanguage.json': swift(),
  'csreq-shell.injection.tmLanguage.json': shell(),
  'csreq-plist.injection.tmLanguage.json': plist(),
  'lwcr-plist.injection.tmLanguage.json': lwcrPlist(),
  'lwcr-json.injection.tmLanguage.json': lwcrJson(),
  'csreq-yaml.injection.tmLanguage.json': yaml(),
  'language-configuration.json': languageConfiguration,
  'contributes.json': contributes,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, json] of Object.entries(FILES)) writeFileSync(join(here, name), JSON.stringify(json, null, 2) + '\n');
}
