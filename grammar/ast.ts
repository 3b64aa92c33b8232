/**
 * The typed AST of the Code Signing Requirement Language.
 *
 * This is the contract between the parser, the printers, the binary codec,
 * the evaluator and the language server. Every node maps to exactly one
 * opcode of Apple's binary form (spec §3.4), so the codec needs no
 * interpretation and the evaluator mirrors Apple's interpreter node by node.
 *
 * Positions: `offset` is a 0-based index into the JavaScript source string
 * (UTF-16 code units, what editors use); `line` and `column` are 1-based,
 * with the column counted in code units (a TAB is one column). Apple's own
 * tab-stop columns are computed only where its messages are reproduced.
 *
 * Nodes decoded from a binary blob carry ranges whose offsets are byte
 * offsets into the blob (line 1, column = offset + 1), so a decode error or
 * an evaluation result can point at the bytes it is about.
 */

export interface Position {
  /** 0-based offset in UTF-16 code units. */
  offset: number;
  /** 1-based line; only LF starts a line (spec §1.2). */
  line: number;
  /** 1-based column in UTF-16 code units. */
  column: number;
}

export interface Range {
  start: Position;
  /** Exclusive end. */
  end: Position;
}

export const NO_RANGE: Range = Object.freeze({
  start: Object.freeze({ offset: 0, line: 1, column: 1 }),
  end: Object.freeze({ offset: 0, line: 1, column: 1 }),
}) as Range;

/**
 * A string operand. Apple stores raw bytes with no encoding tag, and blobs
 * may hold non-UTF-8 bytes, so `bytes` is the truth; `text` is the UTF-8
 * decoding for display (with U+FFFD where the bytes are not UTF-8).
 */
export interface Value {
  range: Range;
  bytes: Uint8Array;
  text: string;
  /**
   * How the value was written: a bare DOTKEY, a quoted STRING, a `0x…` hex
   * constant, a PATHNAME, or `binary` when it was decoded from a blob.
   */
  form: 'bare' | 'quoted' | 'hex' | 'path' | 'binary';
}

/** A certificate slot: leaf = 0, root/anchor = -1, positive counts up from the leaf, negative back from the anchor. */
export interface CertSlot {
  range: Range;
  /** The i32 stored in the blob. */
  index: number;
  /** How it was written; `anchor` for the `anchor[...]`/`anchor = …` forms. */
  spelling: 'leaf' | 'root' | 'anchor' | 'number';
}

/** An OID operand of `field.`, `extension.`, `policy.` and `timestamp.` keys. */
export interface Oid {
  range: Range;
  /** DER contents octets as Apple's lax encoder writes them (spec §1.8); may be empty. */
  bytes: Uint8Array;
  /** Dotted text as written after the prefix (or as Apple's OID printer decodes it, for blobs). */
  text: string;
}

export type ValueMatchOp =
  | 'equal'
  | 'contains'
  | 'beginsWith'
  | 'endsWith'
  | 'lessThan'
  | 'greaterThan'
  | 'lessEqual'
  | 'greaterEqual';

export type DateMatchOp = 'on' | 'before' | 'after' | 'onOrBefore' | 'onOrAfter';

/** Match opcode numbers, spec §3.5. */
export const MATCH_OPCODES = {
  exists: 0,
  equal: 1,
  contains: 2,
  beginsWith: 3,
  endsWith: 4,
  lessThan: 5,
  greaterThan: 6,
  lessEqual: 7,
  greaterEqual: 8,
  on: 9,
  before: 10,
  after: 11,
  onOrBefore: 12,
  onOrAfter: 13,
  absent: 14,
} as const;

export type Match =
  | {
      op: 'exists';
      range: Range;
      /** True when no suffix was written (`certificate leaf[field.X]`). */
      implicit: boolean;
    }
  | { op: 'absent'; range: Range }
  | {
      op: ValueMatchOp;
      range: Range;
      value: Value;
      /** For `contains`: written as `~ v` or `= *v*`. */
      spelling?: 'tilde' | 'wildcards';
    }
  | {
      op: DateMatchOp;
      range: Range;
      /** Seconds since 2001-01-01T00:00:00Z, an i64 truncated toward zero. */
      seconds: bigint;
      /** The `timestamp "…"` text as written; absent for decoded blobs. */
      text?: string;
    }
  | {
      /** A match opcode this implementation does not know (decoded blobs only). */
      op: 'unknown';
      range: Range;
      code: number;
      /** The data item Apple's evaluator consumes after an unknown match opcode. */
      data?: Value;
    };

interface NodeBase {
  range: Range;
}

export interface AndExpr extends NodeBase { kind: 'and'; left: Expr; right: Expr }
export interface OrExpr extends NodeBase { kind: 'or'; left: Expr; right: Expr }
export interface NotExpr extends NodeBase { kind: 'not'; operand: Expr }
/** `always`/`true` (opTrue) and `never`/`false` (opFalse). */
export interface ConstExpr extends NodeBase { kind: 'const'; value: boolean }
/** `identifier X` (opIdent). */
export interface IdentifierExpr extends NodeBase { kind: 'identifier'; value: Value }
/** `cdhash H"…"` (opCDHash). */
export interface CdhashExpr extends NodeBase { kind: 'cdhash'; hash: Uint8Array }
/** `platform = N` (opPlatform). */
export interface PlatformExpr extends NodeBase { kind: 'platform'; value: number }
export interface NotarizedExpr extends NodeBase { kind: 'notarized' }
export interface LegacyExpr extends NodeBase { kind: 'legacy' }
/** `anchor apple` (opAppleAnchor). */
export interface AppleAnchorExpr extends NodeBase { kind: 'anchorApple' }
/** `anchor apple generic` / `anchor generic apple` (opAppleGenericAnchor). */
export interface AppleGenericAnchorExpr extends NodeBase { kind: 'anchorAppleGeneric' }
/** `anchor apple NAME` (opNamedAnchor). */
export interface NamedAnchorExpr extends NodeBase { kind: 'namedAnchor'; name: Value }
/** `(NAME)` (opNamedCode). */
export interface NamedCodeExpr extends NodeBase { kind: 'namedCode'; name: Value }
/** `anchor trusted`, `certificate trusted`, `cert trusted` (opTrustedCerts). */
export interface TrustedCertsExpr extends NodeBase { kind: 'trustedCerts' }
/** `certificate N trusted` (opTrustedCert). */
export interface TrustedCertExpr extends NodeBase { kind: 'trustedCert'; slot: CertSlot }

/**
 * `certificate N = H"…"`, `anchor = H"…"`, or a certificate file path whose
 * SHA-1 is taken at compile time (opAnchorHash).
 */
export interface CertHashExpr extends NodeBase {
  kind: 'certHash';
  slot: CertSlot;
  /** The 20-byte SHA-1; undefined for a file path not yet resolved. */
  hash: Uint8Array | undefined;
  /** Set when the digest is a file path (bare word, quoted string or PATHNAME). */
  path?: Value;
}

/** `certificate N[subject.X] …` (opCertField). `key` is the whole key text, e.g. `subject.CN`. */
export interface CertFieldExpr extends NodeBase { kind: 'certField'; slot: CertSlot; key: Value; match: Match }
/** `certificate N[field.OID]` / `[extension.OID]` (opCertGeneric). */
export interface CertGenericExpr extends NodeBase {
  kind: 'certGeneric';
  slot: CertSlot;
  oid: Oid;
  /** Which prefix was written; the binary form cannot tell them apart. */
  prefix: 'field' | 'extension';
  match: Match;
}
/** `certificate N[policy.OID]` (opCertPolicy). */
export interface CertPolicyExpr extends NodeBase { kind: 'certPolicy'; slot: CertSlot; oid: Oid; match: Match }
/** `certificate N[timestamp.OID]` (opCertFieldDate). */
export interface CertDateExpr extends NodeBase { kind: 'certDate'; slot: CertSlot; oid: Oid; match: Match }

/** `info[K] …` (opInfoKeyField). */
export interface InfoExpr extends NodeBase { kind: 'info'; key: Value; match: Match }
/** `entitlement[K] …` (opEntitlementField). */
export interface EntitlementExpr extends NodeBase { kind: 'entitlement'; key: Value; match: Match }
/** Legacy opInfoKeyValue (5): only ever decoded from blobs. */
export interface InfoKeyValueExpr extends NodeBase { kind: 'infoKeyValue'; key: Value; value: Value }

/** An unknown opcode carrying a flag bit (decoded blobs only, spec §4.1/§5.9). */
export interface UnknownOpExpr extends NodeBase {
  kind: 'unknownOp';
  /** Low 24 bits. */
  opcode: number;
  /** High 8 bits (0x80 = opGenericFalse, 0x40 = opGenericSkip). */
  flags: number;
  /** The size-field payload, when it could be read. */
  payload?: Uint8Array;
  /**
   * For opGenericSkip (0x40000000): the expression that follows the skipped
   * payload, whose value Apple's evaluator returns (spec §5.9).
   */
  operand?: Expr;
}

/** Placeholder for a part of the text the parser could not read (error recovery). */
export interface ErrorExpr extends NodeBase { kind: 'error' }

export type CertExpr =
  | AppleAnchorExpr
  | AppleGenericAnchorExpr
  | NamedAnchorExpr
  | TrustedCertsExpr
  | TrustedCertExpr
  | CertHashExpr
  | CertFieldExpr
  | CertGenericExpr
  | CertPolicyExpr
  | CertDateExpr;

export type Expr =
  | AndExpr
  | OrExpr
  | NotExpr
  | ConstExpr
  | IdentifierExpr
  | CdhashExpr
  | PlatformExpr
  | NotarizedExpr
  | LegacyExpr
  | NamedCodeExpr
  | CertExpr
  | InfoExpr
  | EntitlementExpr
  | InfoKeyValueExpr
  | UnknownOpExpr
  | ErrorExpr;

export type ExprKind = Expr['kind'];

/** Requirement types of a set (spec §2.2, §3.3). */
export const REQUIREMENT_TYPES = {
  host: 1,
  guest: 2,
  designated: 3,
  library: 4,
  plugin: 5,
} as const;
export type RequirementTypeName = keyof typeof REQUIREMENT_TYPES;

/** A single requirement (`0xfade0c00`). */
export interface Requirement extends NodeBase {
  kind: 'requirement';
  /** Undefined only when nothing of the expression could be parsed. */
  expr: Expr | undefined;
  /** Blob kind word: 1 = expression form; 2 = lightweight code requirement (decoded only). */
  form?: 1 | 2;
  /** For form 2: the raw LWCR payload. */
  lwcr?: Uint8Array;
}

export interface RequirementSetEntry extends NodeBase {
  /** Type as stored: 1..5 are named; any u32 is legal in a set. */
  type: number;
  /** Range of the type word (`designated`, `3`). */
  typeRange: Range;
  requirement: Requirement;
}

/**
 * A requirement set (`0xfade0c01`): every entry in source order, duplicates
 * included (the parser warns on the earlier one); the compiler keeps the last
 * entry of each type, as Apple's does.
 */
export interface RequirementSet extends NodeBase {
  kind: 'set';
  entries: RequirementSetEntry[];
}

export type RequirementDocument = Requirement | RequirementSet;

/** A comment kept for the formatter. */
export interface Comment {
  range: Range;
  style: 'hash' | 'line' | 'block';
  text: string;
}
