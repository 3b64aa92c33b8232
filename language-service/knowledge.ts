/**
 * What the editor says about the words of the language: keywords, operators,
 * certificate slots, OIDs, subject fields and common Info.plist and
 * entitlement keys. Texts come from the spec (requirement-language.md §1–§6,
 * users-and-lint-rules.md); the OID table is spec §6.1.
 */

export interface OidInfo {
  oid: string;
  name: string;
  meaning: string;
  /** Which certificate it is usually found on (`leaf`, `certificate 1`, …). */
  on?: string;
  /** Whether it marks a production (distribution) or a development identity. */
  channel?: 'production' | 'development';
}

const A = '1.2.840.113635';

export const APPLE_OIDS: readonly OidInfo[] = [
  { oid: `${A}.100.6`, name: 'appleCertificateExtensions', meaning: 'Apple certificate extension arc.' },
  { oid: `${A}.100.6.1`, name: 'Code-signing extension arc', meaning: 'Arc of Apple\'s code-signing leaf markers.' },
  { oid: `${A}.100.6.1.1`, name: 'Apple Signing', meaning: 'Apple Signing (appears to be deprecated).', on: 'leaf' },
  { oid: `${A}.100.6.1.2`, name: 'iPhone Developer', meaning: 'iPhone Developer / "Apple Developer" leaf marker: a development identity.', on: 'leaf', channel: 'development' },
  { oid: `${A}.100.6.1.3`, name: 'iOS App Store', meaning: 'Apple iPhone OS Application Signing ("iOS App Store Prod").', on: 'leaf', channel: 'production' },
  { oid: `${A}.100.6.1.3.1`, name: 'iOS App Store QA', meaning: 'iOS App Store QA signing.', on: 'leaf' },
  { oid: `${A}.100.6.1.4`, name: 'iPhone Distribution', meaning: 'Apple Developer Certificate (Submission), a.k.a. iPhone Distribution.', on: 'leaf', channel: 'production' },
  { oid: `${A}.100.6.1.5`, name: 'Safari Developer', meaning: 'Safari extension developer certificate.', on: 'leaf' },
  { oid: `${A}.100.6.1.6`, name: 'iPhone OS VPN Signing', meaning: 'Apple iPhone OS VPN Signing.', on: 'leaf' },
  { oid: `${A}.100.6.1.7`, name: 'Mac App Signing (Development)', meaning: 'Apple Mac App Signing (Development), a.k.a. 3rd Party Mac Developer Application.', on: 'leaf' },
  { oid: `${A}.100.6.1.8`, name: 'Mac App Signing Submission', meaning: 'Apple Mac App Signing Submission.', on: 'leaf' },
  { oid: `${A}.100.6.1.9`, name: 'Mac App Store', meaning: 'Mac App Store Code Signing: the leaf of apps re-signed by Apple for the Mac App Store.', on: 'leaf', channel: 'production' },
  { oid: `${A}.100.6.1.9.1`, name: 'Mac App Store QA', meaning: 'Mac App Store QA signing.', on: 'leaf' },
  { oid: `${A}.100.6.1.10`, name: 'Mac App Store Installer', meaning: 'Mac App Store Installer Signing.', on: 'leaf' },
  { oid: `${A}.100.6.1.12`, name: 'Mac Developer', meaning: 'Mac Developer / Apple Development leaf marker: a development identity that must not pass in production.', on: 'leaf', channel: 'development' },
  { oid: `${A}.100.6.1.13`, name: 'Developer ID Application', meaning: 'Developer ID Application leaf marker: code distributed outside the Mac App Store.', on: 'leaf', channel: 'production' },
  { oid: `${A}.100.6.1.14`, name: 'Developer ID Installer', meaning: 'Developer ID Installer leaf marker (installer packages).', on: 'leaf', channel: 'production' },
  { oid: `${A}.100.6.1.16`, name: 'Apple Pay Passbook Signing', meaning: 'Apple Pay Passbook Signing.', on: 'leaf' },
  { oid: `${A}.100.6.1.17`, name: 'Web Site Push Notifications', meaning: 'Web Site Push Notifications Signing.', on: 'leaf' },
  { oid: `${A}.100.6.1.18`, name: 'Developer ID Kernel', meaning: 'Developer ID Kernel (kernel extensions).', on: 'leaf', channel: 'production' },
  { oid: `${A}.100.6.1.24`, name: 'tvOS App Store', meaning: 'tvOS App Store Prod.', on: 'leaf' },
  { oid: `${A}.100.6.1.24.1`, name: 'tvOS App Store QA', meaning: 'tvOS App Store QA.', on: 'leaf' },
  { oid: `${A}.100.6.1.25.1`, name: 'TestFlight', meaning: 'TestFlight Prod.', on: 'leaf' },
  { oid: `${A}.100.6.1.25.2`, name: 'TestFlight QA', meaning: 'TestFlight QA.', on: 'leaf' },
  { oid: `${A}.100.6.1.33`, name: 'Developer ID date', meaning: 'Developer ID date: a UTF8String holding GeneralizedTime (team account creation), read by `legacy` and by `[timestamp.…]`.', on: 'Developer ID leaf' },
  { oid: `${A}.100.6.2`, name: 'Intermediate marker arc', meaning: 'Arc of Apple\'s intermediate-CA markers.' },
  { oid: `${A}.100.6.2.1`, name: 'WWDR CA', meaning: 'Apple Worldwide Developer Relations intermediate: issues Apple Development (and iOS) certificates.', on: 'certificate 1', channel: 'development' },
  { oid: `${A}.100.6.2.2`, name: 'iTunes Store CA', meaning: 'iTunes Store intermediate.', on: 'certificate 1' },
  { oid: `${A}.100.6.2.3`, name: 'Application Integration CA', meaning: 'Application Integration intermediate.', on: 'certificate 1' },
  { oid: `${A}.100.6.2.6`, name: 'Developer ID CA', meaning: 'Developer ID Certification Authority intermediate: marks Developer ID distribution.', on: 'certificate 1', channel: 'production' },
  { oid: `${A}.100.6.2.7`, name: 'Apple ID CA', meaning: 'Apple ID intermediate.', on: 'certificate 1' },
  { oid: `${A}.100.6.2.9`, name: 'Apple Timestamp CA', meaning: 'Apple Timestamp CA.' },
  { oid: `${A}.100.6.2.10`, name: 'System Integration 2 CA', meaning: 'System Integration 2 intermediate.' },
  { oid: `${A}.100.6.2.11`, name: 'Developer Authentication CA', meaning: 'Developer Authentication CA.' },
  { oid: `${A}.100.6.2.12`, name: 'Server Authentication CA', meaning: 'Server Authentication CA.' },
  { oid: `${A}.100.6.2.14`, name: 'Application Integration G3', meaning: 'Application Integration G3 intermediate.' },
  { oid: `${A}.100.6.2.15`, name: 'WWDR G2', meaning: 'Worldwide Developer Relations G2 intermediate.' },
  { oid: `${A}.100.6.2.19`, name: 'Software Update Certification', meaning: 'Software Update Certification intermediate.' },
  { oid: `${A}.100.6.2.31`, name: 'Application Integration G1', meaning: 'Application Integration G1 intermediate.' },
  { oid: `${A}.100.6.22`, name: 'macOS Software Signing', meaning: 'Leaf marker of Apple\'s own macOS software; required by `anchor apple` since 2025.', on: 'leaf' },
  { oid: `${A}.100.6.22.1`, name: 'macOS Software Signing (ProdQA)', meaning: 'ProdQA version of the macOS Software Signing marker (Apple-internal builds only).', on: 'leaf' },
  { oid: `${A}.100.4.8`, name: 'Safari Developer EKU', meaning: 'Apple extended key usage: Safari Developer.' },
  { oid: `${A}.100.4.9`, name: '3rd Party Mac Developer Installer EKU', meaning: 'Apple extended key usage: 3rd Party Mac Developer Installer.' },
  { oid: `${A}.100.4.13`, name: 'Developer ID Installer EKU', meaning: 'Apple extended key usage: Developer ID Installer.' },
  { oid: `${A}.100.5.1`, name: 'Apple certificate policy', meaning: 'Apple certificate policy (in Apple Root CA\'s certificatePolicies).' },
];

const OID_BY_TEXT = new Map(APPLE_OIDS.map((o) => [o.oid, o]));

export function oidInfo(oid: string): OidInfo | undefined {
  return OID_BY_TEXT.get(oid);
}

export const OID = {
  devIdCA: `${A}.100.6.2.6`,
  devIdApp: `${A}.100.6.1.13`,
  masApp: `${A}.100.6.1.9`,
  wwdrCA: `${A}.100.6.2.1`,
  macDeveloper: `${A}.100.6.1.12`,
  iphoneDeveloper: `${A}.100.6.1.2`,
} as const;

export interface SubjectField { name: string; oid: string; meaning: string; needsQuotes: boolean }

/** The subject names Apple's evaluator recognises (spec §1.8); any other evaluates to false. */
export const SUBJECT_FIELDS: readonly SubjectField[] = [
  { name: 'C', oid: '2.5.4.6', meaning: 'country' },
  { name: 'CN', oid: '2.5.4.3', meaning: 'common name, e.g. "Developer ID Application: Name (TEAMID)"; pins one certificate and changes on renewal' },
  { name: 'D', oid: '2.5.4.13', meaning: 'description' },
  { name: 'L', oid: '2.5.4.7', meaning: 'locality' },
  { name: 'O', oid: '2.5.4.10', meaning: 'organization (the team or company name)' },
  { name: 'C-O', oid: '2.5.4.10.1', meaning: 'organization (variant)' },
  { name: 'OU', oid: '2.5.4.11', meaning: 'organizational unit: on Apple-issued developer certificates, the 10-character **team ID**' },
  { name: 'C-OU', oid: '2.5.4.11.1', meaning: 'organizational unit (variant)' },
  { name: 'ST', oid: '2.5.4.8', meaning: 'state or province' },
  { name: 'C-ST', oid: '2.5.4.8.1', meaning: 'state or province (variant)' },
  { name: 'STREET', oid: '2.5.4.9', meaning: 'street address' },
  { name: 'C-STREET', oid: '2.5.4.9.1', meaning: 'street address (variant)' },
  { name: 'UID', oid: '0.9.2342.19200300.100.1.1', meaning: 'user ID' },
].map((f) => ({ ...f, needsQuotes: f.name.includes('-') }));

export interface KeyInfo { key: string; meaning: string }

export const INFO_KEYS: readonly KeyInfo[] = [
  { key: 'CFBundleIdentifier', meaning: 'The bundle identifier. Prefer `identifier`, which the signature covers directly.' },
  { key: 'CFBundleVersion', meaning: 'The build version. Use `info[CFBundleVersion] >= "N"` to refuse old, injectable builds (compared numerically: "17.4" > "7.4").' },
  { key: 'CFBundleShortVersionString', meaning: 'The marketing version ("1.2.3").' },
  { key: 'CFBundleName', meaning: 'The short bundle name.' },
  { key: 'CFBundleExecutable', meaning: 'The name of the bundle\'s executable.' },
  { key: 'LSMinimumSystemVersion', meaning: 'Minimum macOS version the bundle runs on.' },
  { key: 'SMPrivilegedExecutables', meaning: 'A dictionary of helper identifiers to requirements (SMJobBless); a dictionary never equals a string.' },
  { key: 'SMAuthorizedClients', meaning: 'An array of client requirements (SMJobBless helpers); a match is tried on each element.' },
];

export const ENTITLEMENT_KEYS: readonly KeyInfo[] = [
  { key: 'com.apple.security.get-task-allow', meaning: 'Lets other processes (debuggers) get the task port: the process can be injected. Require `! entitlement["com.apple.security.get-task-allow"]` for clients of a privileged service.' },
  { key: 'com.apple.security.cs.disable-library-validation', meaning: 'Lets the process load libraries signed by anyone: an attacker\'s dylib can run inside it.' },
  { key: 'com.apple.security.cs.allow-dyld-environment-variables', meaning: 'Honours DYLD_* environment variables: DYLD_INSERT_LIBRARIES can inject code.' },
  { key: 'com.apple.security.cs.allow-jit', meaning: 'Allows MAP_JIT memory (hardened runtime exception).' },
  { key: 'com.apple.security.cs.allow-unsigned-executable-memory', meaning: 'Allows writable and executable memory without MAP_JIT (hardened runtime exception).' },
  { key: 'com.apple.security.cs.disable-executable-page-protection', meaning: 'Disables executable memory protection entirely (hardened runtime exception).' },
  { key: 'com.apple.security.cs.debugger', meaning: 'The process may attach to other processes as a debugger.' },
  { key: 'com.apple.security.app-sandbox', meaning: 'The App Sandbox is on.' },
  { key: 'com.apple.security.application-groups', meaning: 'Application group containers shared with other apps of the team.' },
  { key: 'com.apple.developer.team-identifier', meaning: 'The team ID as an entitlement (self-asserted unless a provisioning profile backs it).' },
  { key: 'com.apple.application-identifier', meaning: 'The application identifier (TEAMID.bundle-id).' },
  { key: 'keychain-access-groups', meaning: 'Keychain access groups the code may use.' },
  { key: 'com.apple.security.network.client', meaning: 'Sandboxed outgoing network connections.' },
  { key: 'com.apple.security.network.server', meaning: 'Sandboxed incoming network connections.' },
  { key: 'com.apple.security.automation.apple-events', meaning: 'May send Apple events to other apps.' },
];

export const ANTI_INJECTION_ENTITLEMENTS = [
  'com.apple.security.get-task-allow',
  'com.apple.security.cs.disable-library-validation',
  'com.apple.security.cs.allow-dyld-environment-variables',
] as const;

/** Hover text of every keyword (spec §1.5, §2). */
export const KEYWORD_DOCS: Record<string, string> = {
  and: '`a and b`: both must hold. Binds tighter than `or`; Apple evaluates both sides (no short-circuit).',
  or: '`a or b`: either may hold. **The weakest branch decides** the security of the whole requirement. `a and b or c` means `(a and b) or c`.',
  always: '`always` (= `true`): always satisfied. In a security requirement it accepts any code.',
  true: '`true` (= `always`): always satisfied.',
  never: '`never` (= `false`): never satisfied.',
  false: '`false` (= `never`): never satisfied.',
  identifier: '`identifier "ID"`: the signing identifier in the CodeDirectory equals ID exactly (case-sensitive, no wildcards). On its own it proves nothing: anyone can sign code, even ad hoc, with any identifier.',
  cdhash: '`cdhash H"…"`: the code\'s CodeDirectory hash (40 hex digits, truncated SHA-256 or SHA-1). Pins one exact build; changes on every rebuild.',
  platform: '`platform = N`: the CodeDirectory platform byte equals N (Apple platform binaries).',
  notarized: '`notarized`: Apple has a notarization ticket for this code\'s cdhash.',
  legacy: '`legacy`: Developer ID code allowed by the legacy (pre-2019) notarization exemption.',
  anchor: '`anchor …`: constrains the root of the signing chain. `anchor apple`: Apple\'s own code; `anchor apple generic`: any certificate Apple issued (every paying developer); `anchor trusted`: whatever the local trust settings trust; `anchor = H"…"`: a pinned root; `anchor[field.…]`: a field of the root.',
  apple: '`anchor apple`: only Apple\'s own code (Apple-issued macOS Software Signing leaf). Third-party code never matches it. `anchor apple generic`: any code signed with a certificate Apple issued.',
  generic: '`anchor apple generic`: the chain ends at an Apple root, i.e. Apple issued the certificate. Every paying Apple developer satisfies this: add a team check (`certificate leaf[subject.OU] = "TEAMID"`).',
  certificate: '`certificate SLOT …` (= `cert`): a certificate of the signing chain. Slots: `leaf` (= 0), `1` (the first intermediate), `root` (= -1, the anchor); negative numbers count back from the anchor.',
  cert: '`cert` = `certificate`.',
  trusted: '`trusted`: the certificate (or, for `anchor trusted`/`certificate trusted`, any certificate of the chain) is trusted as a root by the local Trust Settings. Accepts any chain the machine trusts; for third-party code pin an Apple anchor and team instead.',
  info: '`info[KEY] …`: a top-level key of the code\'s Info.plist (no key paths). Missing key: only `absent` matches.',
  entitlement: '`entitlement[KEY] …`: a top-level key of the entitlements embedded in the signature. Use `exists`/`absent` for booleans: `= "true"` never matches a boolean.',
  exists: '`exists`: the value is present (and not the boolean false). Also what an empty match suffix means.',
  absent: '`absent`: the value is not present (macOS 10.15+).',
  leaf: '`leaf` (slot 0): the signing certificate itself.',
  root: '`root` (slot -1): the anchor of the chain.',
  timestamp: '`timestamp "YYYYMMDDhhmmssZ"`: a date for `=`, `<`, `>`, `<=`, `>=`. Invalid text silently becomes 2001-01-01. In a key, `timestamp.OID` reads a date extension.',
  designated: '`designated => …`: the designated requirement: who counts as "this code" (type 3). Only valid in a requirement set.',
  host: '`host => …`: requirement on the hosting code (type 1). Only valid in a requirement set.',
  guest: '`guest => …`: requirement on guest code (type 2). Only valid in a requirement set.',
  library: '`library => …`: requirement every loaded library must satisfy (type 4). Only valid in a requirement set.',
  plugin: '`plugin => …`: requirement on plug-ins (type 5). Only valid in a requirement set.',
};

export const OPERATOR_DOCS: Record<string, string> = {
  '!': '`! x`: negation; binds tighter than `and`.',
  '=': '`= value`: exact, case-sensitive equality with a string. `= *v` ends with, `= v*` begins with, `= *v*` contains (the `*` must be outside quotes).',
  '==': '`==` is the same as `=`.',
  '~': '`~ value`: contains.',
  '<': '`< value`: less than, comparing digit runs as numbers ("7.4" < "17.4"). With `timestamp "…"`: before.',
  '>': '`> value`: greater than (numeric comparison of digit runs). With `timestamp "…"`: after.',
  '<=': '`<= value`: less than or equal (numeric comparison of digit runs).',
  '>=': '`>= value`: greater than or equal (numeric comparison of digit runs); e.g. `info[CFBundleVersion] >= "42"`.',
  '=>': '`TYPE => requirement`: one entry of a requirement set.',
  '*': '`*`: wildcard next to the value: `= *v`, `= v*`, `= *v*`. Inside quotes it is a literal character.',
  ';': '`;` may follow any requirement (ignored).',
  ',': 'A comma is never valid in the language.',
  '(': 'Parentheses group; `(NAME)` with a bare word or string is a named code requirement.',
  ')': 'Parentheses group.',
  '[': '`[KEY]`: the key of an `info`, `entitlement` or certificate field.',
  ']': 'End of a key.',
  '-': '`-N`: a certificate slot counted back from the anchor (-1 = anchor).',
};

export const FIELD_PREFIX_DOCS: Record<string, string> = {
  'subject.': '`subject.X`: an attribute of the certificate\'s subject name (`subject.OU` = team ID on Apple developer certificates). Unknown names always evaluate to false.',
  'field.': '`field.OID`: the certificate has an extension with this OID. Only `exists` (or nothing) and `absent` can be true; `= value` never matches.',
  'extension.': '`extension.OID`: the same as `field.OID`.',
  'policy.': '`policy.OID`: the certificate\'s certificatePolicies contain this OID.',
  'timestamp.': '`timestamp.OID`: a date held in an extension (e.g. the Developer ID date 1.2.840.113635.100.6.1.33), compared with `timestamp "…"`.',
};

export function certSlotDoc(index: number, spelling: string): string {
  if (spelling === 'anchor' || index === -1) return 'Slot -1: the anchor (root) of the chain.';
  if (index === 0) return 'Slot 0 (`leaf`): the signing certificate.';
  if (index === 1) return 'Slot 1: the first intermediate above the leaf (e.g. Developer ID CA or WWDR CA).';
  if (index > 0) return `Slot ${index}: the certificate ${index} steps above the leaf.`;
  return `Slot ${index}: counted back from the anchor (-1 = anchor, -2 = the certificate just below it).`;
}

export const TEAM_ID_RE = /^[A-Z0-9]{10}$/;

/** Well-known designated-requirement shapes (users-and-lint-rules.md). Snippet syntax: `${1:TEAMID}`. */
export const DR_SNIPPETS: readonly { label: string; detail: string; body: string }[] = [
  {
    label: 'Developer ID',
    detail: 'code of one team distributed with Developer ID',
    body: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "${1:TEAMID}"',
  },
  {
    label: 'Mac App Store',
    detail: 'code of one team re-signed by the Mac App Store',
    body: 'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.9] and certificate leaf[subject.OU] = "${1:TEAMID}"',
  },
  {
    label: 'Apple Development',
    detail: 'development builds of one team',
    body: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and certificate leaf[subject.OU] = "${1:TEAMID}"',
  },
  {
    label: 'Xcode default (Developer ID app)',
    detail: 'identifier plus Mac App Store or Developer ID of one team',
    body: 'identifier "${1:com.example.app}" and anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13] and certificate leaf[subject.OU] = "${2:TEAMID}")',
  },
  {
    label: 'Apple\'s own code',
    detail: 'a specific Apple program',
    body: 'identifier "${1:com.apple.X}" and anchor apple',
  },
  {
    label: 'Privileged helper client',
    detail: 'one client of one team, recent, not injectable',
    body: 'identifier "${1:com.example.app}" and anchor apple generic and certificate leaf[subject.OU] = "${2:TEAMID}" and info[CFBundleVersion] >= "${3:1}" and ! entitlement["com.apple.security.get-task-allow"] and ! entitlement["com.apple.security.cs.disable-library-validation"] and ! entitlement["com.apple.security.cs.allow-dyld-environment-variables"]',
  },
];
