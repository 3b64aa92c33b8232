/**
 * Everything between the transport and vscode-jsonrpc: the server's own
 * message reader (framing, JSON depth, shape and params checks; see
 * framing.ts and protocol-check.ts) and a queue in front of the connection
 * that keeps the server responsive under hostile or merely fast clients:
 *
 * - the connection is handed one message at a time (vscode-jsonrpc would
 *   otherwise queue everything that arrived and work through it one message
 *   per event-loop turn, however stale);
 * - consecutive `didChange` notifications of one document are merged into one
 *   (every change is applied, in order; the document is analysed once);
 * - `$/cancelRequest` for a queued request answers it at once with
 *   RequestCancelled (-32800); for a running one it reaches the handler's token;
 * - a request that only reads a document (hover, completion, …) for which a
 *   newer change is already queued is answered RequestCancelled instead of
 *   analysing a version the client has moved past;
 * - requests before `initialize` get ServerNotInitialized (-32002), after
 *   `shutdown` InvalidRequest; notifications before `initialize` are dropped;
 * - the queue is bounded: past QUEUE_HIGH messages or bytes the transport is
 *   paused until the server catches up (the client is slowed, nothing is lost);
 * - outgoing log messages are capped at MAX_LOG_CHARS.
 */
import {
  AbstractMessageReader,
  AbstractMessageWriter,
  createConnection,
  ErrorCodes,
  IPCMessageReader,
  IPCMessageWriter,
  LSPErrorCodes,
  ProposedFeatures,
  StreamMessageWriter,
  type Connection,
  type DataCallback,
  type Disposable,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node.js';
import { FrameDecoder, MAX_JSON_DEPTH, scanJson, STALLED_BODY_MS } from './framing.js';
import { checkMessage, DOCUMENT_READS, type Id } from './protocol-check.js';

/** Queued messages (or bytes) past which the transport is paused, and below which it resumes. */
export const QUEUE_HIGH = 1000;
export const QUEUE_LOW = 100;
export const QUEUE_HIGH_BYTES = 64 * 1024 * 1024;
/** Longest `window/logMessage` / `window/showMessage` text sent. */
export const MAX_LOG_CHARS = 4096;
/** Protocol-error logs per second; the rest are counted and reported once. */
const LOGS_PER_SECOND = 20;

interface Queued {
  msg: Message & { method?: string; id?: Id; params?: unknown };
  bytes: number;
}

const keyOf = (id: Id) => `${typeof id}:${id}`;
const uriOf = (params: unknown): string | undefined => {
  const td = (params as { textDocument?: { uri?: unknown } } | undefined)?.textDocument;
  return typeof td?.uri === 'string' ? td.uri : undefined;
};

type ChangeParams = { textDocument: { uri: string; version: number }; contentChanges: { range?: unknown; text: string }[] };

export class Intake {
  private queue: Queued[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** Handed to the connection and not yet dispatched by it (at most one, plus nothing else). */
  private readonly delivered = new Set<Message>();
  /** Requests handed to the connection and not yet answered: a cancel for them goes through to the connection. */
  private readonly open = new Set<string>();
  /** Queued changes (didChange, didClose, didOpen) per document. */
  private readonly pendingChanges = new Map<string, number>();
  private callback: DataCallback | undefined;
  private state: 'new' | 'ready' | 'shutdown' = 'new';
  private paused = false;
  private logWindow = { start: 0, count: 0, suppressed: 0 };
  /** Set by the transport: stops and restarts reading. */
  flow: { pause(): void; resume(): void } | undefined;

  constructor(private readonly writer: MessageWriter) {}

  /** Whether a change to `uri` is queued, not yet handed to the server (its analysis can wait for it). */
  hasQueuedChange(uri: string): boolean {
    return this.pendingChanges.has(uri);
  }

  get shutdownReceived(): boolean {
    return this.state === 'shutdown';
  }

  listen(callback: DataCallback): void {
    this.callback = callback;
    this.pump();
  }

  /** A short protocol-error line in the client's log (window/logMessage) and on stderr. */
  log(text: string): void {
    const now = Date.now();
    const w = this.logWindow;
    if (now - w.start > 1000) {
      if (w.suppressed > 0) this.send({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 1, message: `csrl: ${w.suppressed} more protocol errors not shown` } });
      this.logWindow = { start: now, count: 0, suppressed: 0 };
    }
    if (this.logWindow.count++ >= LOGS_PER_SECOND) {
      this.logWindow.suppressed++;
      return;
    }
    const line = `csrl: protocol error: ${text.length > 500 ? text.slice(0, 500) + '…' : text}`;
    this.send({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 1, message: line } });
    process.stderr.write(line + '\n');
  }

  private send(msg: object): void {
    this.writer.write(msg as Message).catch(() => undefined);
  }

  reply(id: Id, code: number, message: string): void {
    this.send({ jsonrpc: '2.0', id, error: { code, message } });
  }

  /** A parsed message from the transport (any JSON value). */
  push(raw: unknown, bytes = 0): void {
    const m = checkMessage(raw);
    switch (m.kind) {
      case 'invalid':
        this.log(m.reason);
        if (m.id !== undefined) this.reply(m.id, ErrorCodes.InvalidRequest, m.reason);
        return;
      case 'badParams':
        this.log(`${m.method.slice(0, 80)}: ${m.reason}`);
        if (m.id !== undefined) this.reply(m.id, ErrorCodes.InvalidParams, `${m.method.slice(0, 80)}: ${m.reason}`);
        return;
      case 'response':
        // Answers to the server's own requests (workspace/configuration): no reason to wait behind the queue.
        this.deliver(raw as Message, false);
        return;
      case 'notification':
        this.notification(raw as Queued['msg'], m.method, m.params, bytes);
        break;
      case 'request':
        this.request(raw as Queued['msg'], m.id, m.method, bytes);
        break;
    }
    this.pump();
  }

  private notification(msg: Queued['msg'], method: string, params: unknown, bytes: number): void {
    if (method === '$/cancelRequest') {
      this.cancel(msg, (params as { id: Id }).id);
      return;
    }
    if (this.state === 'new' && method !== 'exit') return;
    const uri = uriOf(params);
    if (method === 'textDocument/didChange') {
      const last = this.queue.length > this.head ? this.queue[this.queue.length - 1]! : undefined;
      if (last && last.msg.method === method && uriOf(last.msg.params) === uri) {
        mergeChanges(last.msg.params as ChangeParams, params as ChangeParams);
        last.bytes += bytes;
        this.queuedBytes += bytes;
        return;
      }
    }
    if (uri !== undefined && (method === 'textDocument/didChange' || method === 'textDocument/didClose' || method === 'textDocument/didOpen')) {
      this.pendingChanges.set(uri, (this.pendingChanges.get(uri) ?? 0) + 1);
    }
    this.enqueue(msg, bytes);
  }

  private request(msg: Queued['msg'], id: Id, method: string, bytes: number): void {
    if (method === 'initialize') {
      if (this.state !== 'new') return this.reply(id, ErrorCodes.InvalidRequest, 'initialize was already received');
      this.state = 'ready';
    } else if (this.state === 'new') {
      return this.reply(id, ErrorCodes.ServerNotInitialized, `${method.slice(0, 80)}: the server is not initialized yet (send initialize first)`);
    } else if (this.state === 'shutdown') {
      return this.reply(id, ErrorCodes.InvalidRequest, `${method.slice(0, 80)}: the server is shutting down`);
    }
    if (method === 'shutdown') this.state = 'shutdown';
    this.enqueue(msg, bytes);
  }

  private cancel(msg: Message, id: Id): void {
    for (let i = this.head; i < this.queue.length; i++) {
      const q = this.queue[i]!;
      if (q.msg.id !== undefined && q.msg.method !== undefined && q.msg.id === id) {
        this.queue.splice(i, 1);
        this.queuedBytes -= q.bytes;
        this.reply(id, LSPErrorCodes.RequestCancelled, 'request cancelled');
        return;
      }
    }
    // Handed to the connection already: it cancels the request's token (or, not yet run, answers -32800).
    if (this.open.has(keyOf(id))) this.deliver(msg, false);
  }

  private enqueue(msg: Queued['msg'], bytes: number): void {
    this.queue.push({ msg, bytes });
    this.queuedBytes += bytes;
    if (!this.paused && this.flow && (this.queue.length - this.head > QUEUE_HIGH || this.queuedBytes > QUEUE_HIGH_BYTES)) {
      this.paused = true;
      this.flow.pause();
    }
  }

  private shift(): Queued | undefined {
    if (this.head >= this.queue.length) return undefined;
    const q = this.queue[this.head]!;
    this.queue[this.head] = undefined as unknown as Queued;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.queuedBytes -= q.bytes;
    return q;
  }

  private settleChange(uri: string | undefined): void {
    if (uri === undefined) return;
    const n = (this.pendingChanges.get(uri) ?? 0) - 1;
    if (n > 0) this.pendingChanges.set(uri, n);
    else this.pendingChanges.delete(uri);
  }

  /** Hands queued messages to the connection, one at a time. */
  private pump(): void {
    while (this.callback && this.delivered.size === 0) {
      const q = this.shift();
      if (!q) break;
      const { msg } = q;
      const method = msg.method!;
      const uri = uriOf(msg.params);
      if (msg.id !== undefined) {
        if (DOCUMENT_READS.has(method) && uri !== undefined && this.pendingChanges.has(uri)) {
          this.reply(msg.id, LSPErrorCodes.RequestCancelled, 'request cancelled: the document changed again before it ran');
          continue;
        }
      } else if (method === 'textDocument/didChange' || method === 'textDocument/didClose' || method === 'textDocument/didOpen') {
        this.settleChange(uri);
        if (method === 'textDocument/didChange') this.absorbFollowing(msg.params as ChangeParams);
      }
      this.deliver(msg, true);
    }
    if (this.paused && this.queue.length - this.head < QUEUE_LOW && this.queuedBytes < QUEUE_HIGH_BYTES / 4) {
      this.paused = false;
      this.flow?.resume();
    }
  }

  /**
   * After a change: later changes of the same document queued behind
   * requests that those changes make stale are merged into it, and the
   * stale requests answered RequestCancelled.
   */
  private absorbFollowing(into: ChangeParams): void {
    const uri = into.textDocument.uri;
    let lastChange = -1;
    for (let i = this.head; i < this.queue.length; i++) {
      const { msg } = this.queue[i]!;
      if (uriOf(msg.params) !== uri) break;
      if (msg.method === 'textDocument/didChange') lastChange = i;
      else if (msg.id === undefined || !DOCUMENT_READS.has(msg.method!)) break;
    }
    if (lastChange < 0) return;
    while (this.head <= lastChange) {
      const q = this.shift()!;
      if (q.msg.id !== undefined) {
        this.reply(q.msg.id, LSPErrorCodes.RequestCancelled, 'request cancelled: the document changed again before it ran');
      } else {
        mergeChanges(into, q.msg.params as ChangeParams);
        this.settleChange(uri);
      }
    }
  }

  private deliver(msg: Message, tracked: boolean): void {
    const m = msg as Queued['msg'];
    if (tracked) {
      this.delivered.add(msg);
      if (m.id !== undefined && m.method !== undefined) this.open.add(keyOf(m.id));
    }
    try {
      this.callback?.(msg);
    } catch (err) {
      this.delivered.delete(msg);
      this.log(`${m.method ?? 'response'}: ${(err as Error).message}`);
    }
  }

  /** The connection has dispatched `msg` (its handler ran, or started for an async one). */
  dispatched(msg: Message): void {
    if (this.delivered.delete(msg)) this.pump();
  }

  /** The server answered request `id`. */
  answered(id: unknown): void {
    if (typeof id === 'number' || typeof id === 'string') this.open.delete(keyOf(id));
  }
}

/** Appends the changes of `next` to `into` (applied in order, so the text is the same); a full-text change makes earlier ones moot. */
function mergeChanges(into: ChangeParams, next: ChangeParams): void {
  let from = 0;
  for (let i = next.contentChanges.length - 1; i >= 0; i--) {
    if (next.contentChanges[i]!.range === undefined) {
      from = i;
      into.contentChanges.length = 0;
      break;
    }
  }
  for (let i = from; i < next.contentChanges.length; i++) into.contentChanges.push(next.contentChanges[i]!);
  into.textDocument.version = next.textDocument.version;
}

/** Reads framed messages from a byte stream (stdio, sockets) into the intake. */
export class GuardedStreamReader extends AbstractMessageReader implements MessageReader {
  private readonly decoder = new FrameDecoder();
  private stallTimer: NodeJS.Timeout | undefined;

  private paused = false;

  constructor(private readonly stream: NodeJS.ReadableStream, private readonly intake: Intake) {
    super();
    intake.flow = {
      pause: () => {
        this.paused = true;
        clearTimeout(this.stallTimer);
        stream.pause();
      },
      resume: () => {
        this.paused = false;
        stream.resume();
      },
    };
  }

  listen(callback: DataCallback): Disposable {
    this.intake.listen(callback);
    const onData = (d: Buffer | string) => this.onData(typeof d === 'string' ? Buffer.from(d) : d);
    this.stream.on('data', onData);
    this.stream.on('error', (e: Error) => this.fireError(e));
    this.stream.on('end', () => this.fireClose());
    this.stream.on('close', () => this.fireClose());
    return { dispose: () => this.stream.off('data', onData) };
  }

  private onData(data: Buffer): void {
    this.handle(this.decoder.push(data));
    clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    // Paused by the queue's bound: nothing can arrive, nothing has stalled.
    if (this.decoder.pendingBody && !this.paused) {
      // A body that stops arriving: when what came holds a new header, the declared length was wrong.
      this.stallTimer = setTimeout(() => {
        this.stallTimer = undefined;
        const pending = this.decoder.pendingBody;
        const frames = this.decoder.resyncStalled();
        if (frames.length === 0 && pending) this.intake.log(`waiting for the rest of a message: ${pending.have} of ${pending.length} bytes received`);
        this.handle(frames);
      }, STALLED_BODY_MS);
      this.stallTimer.unref();
    }
  }

  private handle(frames: ReturnType<FrameDecoder['push']>): void {
    for (const f of frames) {
      if (f.kind === 'error') {
        this.intake.log(f.message);
        continue;
      }
      const scan = scanJson(f.body);
      if (scan.depth > MAX_JSON_DEPTH) {
        const why = `message of ${f.body.length} bytes refused: JSON nested ${scan.depth} levels deep (limit ${MAX_JSON_DEPTH})`;
        this.intake.log(why);
        if (scan.id !== undefined) this.intake.reply(scan.id, ErrorCodes.InvalidRequest, why);
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(f.body.toString('utf8'));
      } catch (err) {
        const why = `message of ${f.body.length} bytes is not valid JSON (${(err as Error).message.slice(0, 120)})`;
        this.intake.log(why);
        if (scan.id !== undefined) this.intake.reply(scan.id, ErrorCodes.ParseError, why);
        continue;
      }
      this.intake.push(value, f.body.length);
    }
  }
}

/** Node IPC (VS Code): messages arrive parsed; the same checks, queue and merging apply. */
export class GuardedIpcReader extends AbstractMessageReader implements MessageReader {
  constructor(private readonly inner: MessageReader, private readonly intake: Intake) {
    super();
    inner.onError((e) => this.fireError(e));
    inner.onClose(() => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    this.intake.listen(callback);
    return this.inner.listen((m) => {
      if (depthOver(m, MAX_JSON_DEPTH)) {
        this.intake.log(`message refused: nested deeper than ${MAX_JSON_DEPTH} levels`);
        return;
      }
      this.intake.push(m);
    });
  }
}

/** Whether a parsed value nests deeper than `max`, without recursion. */
function depthOver(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (d + 1 > max) return true;
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (typeof c === 'object' && c !== null) stack.push([c, d + 1]);
  }
  return false;
}

/** Caps log texts and reports answered requests to the intake. */
export class GuardedWriter extends AbstractMessageWriter implements MessageWriter {
  intake: Intake | undefined;
  constructor(private readonly inner: MessageWriter) {
    super();
    inner.onError((e) => this.fireError(e[0], e[1], e[2]));
    inner.onClose(() => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    const m = msg as Message & { method?: string; id?: unknown; params?: { message?: unknown } };
    if ((m.method === 'window/logMessage' || m.method === 'window/showMessage') && typeof m.params?.message === 'string' && m.params.message.length > MAX_LOG_CHARS) {
      const text = m.params.message;
      msg = { ...m, params: { ...m.params, message: `${text.slice(0, MAX_LOG_CHARS)}… (${text.length - MAX_LOG_CHARS} more characters not shown)` } } as Message;
    }
    if (m.method === undefined && m.id !== undefined) this.intake?.answered(m.id);
    return this.inner.write(msg);
  }

  end(): void {
    this.inner.end();
  }
}

/**
 * The server's connection, from the command line as vscode-languageserver
 * reads it (`--stdio`, `--node-ipc`, `--socket=N`, `--pipe=NAME`), with the
 * guarded reader and writer for stdio and IPC. The process exits when the
 * input ends (0 after `shutdown`, else 1).
 */
export function createServerConnection(argv: string[] = process.argv.slice(2)): Connection {
  const ipc = argv.includes('--node-ipc');
  const stdio = argv.includes('--stdio');
  if (!ipc && !stdio) return createConnection(ProposedFeatures.all);
  const writer = new GuardedWriter(ipc ? new IPCMessageWriter(process) : new StreamMessageWriter(process.stdout));
  const intake = new Intake(writer);
  writer.intake = intake;
  const reader = ipc ? new GuardedIpcReader(new IPCMessageReader(process), intake) : new GuardedStreamReader(process.stdin, intake);
  if (stdio) {
    // Standard output carries the protocol: console output goes to stderr.
    const toStderr = (...a: unknown[]): void => console.error(...a);
    Object.assign(console, { log: toStderr, info: toStderr, debug: toStderr, warn: toStderr, trace: toStderr, dir: toStderr });
  }
  reader.onClose(() => process.exit(intake.shutdownReceived ? 0 : 1));
  const connection = createConnection(ProposedFeatures.all, reader, writer, {
    messageStrategy: {
      handleMessage(message, next) {
        try {
          next(message);
        } finally {
          intake.dispatched(message);
        }
      },
    },
  });
  INTAKES.set(connection, intake);
  return connection;
}

const INTAKES = new WeakMap<Connection, Intake>();

/** The intake in front of a connection made by createServerConnection (none for other connections). */
export function intakeOf(connection: Connection): Intake | undefined {
  return INTAKES.get(connection);
}
