/**
 * Shape checks of incoming JSON-RPC messages and of the params of every
 * method the server handles, run before a message reaches vscode-jsonrpc or
 * a handler: a malformed message is refused with a short reason (and a
 * request with InvalidParams) instead of throwing a TypeError somewhere
 * inside.
 */

export type Id = number | string;

export type Checked =
  | { kind: 'request'; id: Id; method: string; params: unknown }
  | { kind: 'notification'; method: string; params: unknown }
  | { kind: 'response'; id: Id | null }
  /** Not a JSON-RPC message at all; `id` when one could still be read, to answer. */
  | { kind: 'invalid'; reason: string; id?: Id }
  /** A request or notification whose params do not fit its method. */
  | { kind: 'badParams'; reason: string; method: string; id?: Id };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is Id => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
const MAX_UINT = 2 ** 31 - 1;
const isUint = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT;
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_UINT;

/** Returns a reason when `v` is not what is expected, undefined when it is. */
type Check = (v: unknown, at: string) => string | undefined;

const str: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} must be a string`);
const uint: Check = (v, at) => (isUint(v) ? undefined : `${at} must be an integer from 0 to 2^31-1`);
const int: Check = (v, at) => (isInt(v) ? undefined : `${at} must be an integer`);
const any: Check = () => undefined;
const obj = (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check => (v, at) => {
  if (!isObj(v)) return `${at} must be an object`;
  for (const [k, c] of Object.entries(fields)) {
    const r = c(v[k], `${at}.${k}`);
    if (r) return r;
  }
  for (const [k, c] of Object.entries(optional)) {
    if (v[k] === undefined || v[k] === null) continue;
    const r = c(v[k], `${at}.${k}`);
    if (r) return r;
  }
  return undefined;
};
const arr = (item: Check, max = Infinity): Check => (v, at) => {
  if (!Array.isArray(v)) return `${at} must be an array`;
  if (v.length > max) return `${at} has ${v.length} items (at most ${max})`;
  for (let i = 0; i < v.length; i++) {
    const r = item(v[i], `${at}[${i}]`);
    if (r) return r;
  }
  return undefined;
};
const objAny: Check = (v, at) => (isObj(v) ? undefined : `${at} must be an object`);
const optionalObj: Check = (v, at) => (v === undefined || v === null || isObj(v) ? undefined : `${at} must be an object`);

const position = obj({ line: uint, character: uint });
const range = obj({ start: position, end: position });
const docId = obj({ uri: str });
const docParams = obj({ textDocument: docId });
const docPosition = obj({ textDocument: docId, position });
const change: Check = (v, at) => {
  if (!isObj(v)) return `${at} must be an object`;
  if (typeof v['text'] !== 'string') return `${at}.text must be a string`;
  if (v['range'] !== undefined) return range(v['range'], `${at}.range`) ?? (v['rangeLength'] === undefined ? undefined : uint(v['rangeLength'], `${at}.rangeLength`));
  return undefined;
};
const workspaceFolder = obj({ uri: str, name: str });

/** Params checks per method: every notification and request the server handles. Other methods pass (and get MethodNotFound). */
const PARAMS: Record<string, Check> = {
  // Notifications.
  'textDocument/didOpen': obj({ textDocument: obj({ uri: str, languageId: str, version: int, text: str }) }),
  'textDocument/didChange': obj({ textDocument: obj({ uri: str, version: int }), contentChanges: arr(change) }),
  'textDocument/didClose': docParams,
  'textDocument/didSave': obj({ textDocument: docId }, { text: str }),
  'textDocument/willSave': obj({ textDocument: docId, reason: int }),
  'workspace/didChangeConfiguration': objAny,
  'workspace/didChangeWorkspaceFolders': obj({ event: obj({ added: arr(workspaceFolder), removed: arr(workspaceFolder) }) }),
  'csrl/setTrust': obj({}, { trusted: (v, at) => (typeof v === 'boolean' ? undefined : `${at} must be true or false`) }),
  '$/cancelRequest': obj({ id: (v, at) => (isId(v) ? undefined : `${at} must be a number or a string`) }),
  '$/setTrace': obj({ value: (v, at) => (v === 'off' || v === 'messages' || v === 'verbose' ? undefined : `${at} must be off, messages or verbose`) }),
  initialized: optionalObj,
  exit: any,
  // Requests.
  initialize: obj({ capabilities: objAny }, {
    processId: int,
    rootUri: str,
    rootPath: str,
    workspaceFolders: arr(workspaceFolder, 1000),
    initializationOptions: any,
  }),
  shutdown: any,
  'textDocument/hover': docPosition,
  'textDocument/completion': obj({ textDocument: docId, position }, { context: objAny }),
  'textDocument/formatting': obj({ textDocument: docId, options: objAny }),
  'textDocument/documentSymbol': docParams,
  'textDocument/foldingRange': docParams,
  'textDocument/selectionRange': obj({ textDocument: docId, positions: arr(position, 10_000) }),
  'textDocument/codeAction': obj({ textDocument: docId, range, context: obj({ diagnostics: arr(objAny) }, { only: arr(str) }) }),
  'textDocument/codeLens': docParams,
  'textDocument/semanticTokens/full': docParams,
  'textDocument/diagnostic': obj({ textDocument: docId }, { identifier: str, previousResultId: str }),
  'workspace/executeCommand': obj({ command: str }, { arguments: arr(any, 64) }),
  'csrl/decompile': obj({}, { uri: str, base64: str }),
};

/** Requests that only read a document's analysis: a change to the document queued after one makes its answer stale. */
export const DOCUMENT_READS = new Set([
  'textDocument/hover',
  'textDocument/completion',
  'textDocument/formatting',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/selectionRange',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/semanticTokens/full',
]);

export function checkMessage(m: unknown): Checked {
  if (!isObj(m)) return { kind: 'invalid', reason: Array.isArray(m) ? 'batches are not supported' : 'a message must be a JSON object' };
  const method = m['method'];
  const hasId = 'id' in m && m['id'] !== undefined;
  if (method === undefined) {
    if (!hasId) return { kind: 'invalid', reason: 'neither a request, a notification nor a response (no method, no id)' };
    if (m['id'] !== null && !isId(m['id'])) return { kind: 'invalid', reason: 'a response id must be a number, a string or null' };
    if (!('result' in m) && !isObj(m['error'])) return { kind: 'invalid', reason: 'a response needs a result or an error' };
    return { kind: 'response', id: m['id'] as Id | null };
  }
  if (typeof method !== 'string') return { kind: 'invalid', reason: 'method must be a string', ...(isId(m['id']) ? { id: m['id'] } : {}) };
  if (hasId && !isId(m['id'])) return { kind: 'invalid', reason: `${method.slice(0, 80)}: a request id must be a number or a string` };
  const params = m['params'];
  const id = hasId ? (m['id'] as Id) : undefined;
  if (params !== undefined && params !== null && typeof params !== 'object') {
    return { kind: 'badParams', method, reason: 'params must be an object or an array', ...(id !== undefined ? { id } : {}) };
  }
  const check = Object.hasOwn(PARAMS, method) ? PARAMS[method]! : undefined;
  const reason = check?.(params, 'params');
  if (reason) return { kind: 'badParams', method, reason, ...(id !== undefined ? { id } : {}) };
  return id !== undefined ? { kind: 'request', id, method, params } : { kind: 'notification', method, params };
}
