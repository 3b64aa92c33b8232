import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node.js';

/** Repository root, found from this file's place in out/test/server/. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Bounds of the client, so a server that fails to start, stalls or dies makes
 * a test fail with a message instead of hanging it. All in milliseconds.
 */
export interface ClientTimeouts {
  /** spawn → answer to `initialize` (default 20,000). */
  startMs?: number;
  /** Every request, unless the call gives its own bound (default 60,000). */
  requestMs?: number;
  /** `stop()`: answer to `shutdown`, then the process's exit after `exit`, each (default 2,000); then it is killed. */
  stopMs?: number;
}

export const DEFAULT_TIMEOUTS: Required<ClientTimeouts> = { startMs: 20_000, requestMs: 60_000, stopMs: 2_000 };

export interface StartOptions {
  /** `server`: node out/server/main.js --stdio; `cli`: node bin/csrl.js lsp --stdio. */
  via?: 'server' | 'cli';
  initializationOptions?: unknown;
  /** Command line of a different server (the benchmark's peer, the bundle, or a test's fake). */
  command?: string[];
  capabilities?: Record<string, unknown>;
  timeouts?: ClientTimeouts;
  /** Workspace folders (file-system paths) sent with initialize; the first is also `rootUri`. Default: none (`rootUri: null`). */
  workspaceFolders?: string[];
}

/** Raised for every failure the client detects itself; `stderr` is the tail of the server's stderr. */
export class LspClientError extends Error {
  constructor(message: string, readonly stderr: string, readonly exit?: { code: number | null; signal: NodeJS.Signals | null }) {
    super(message);
    this.name = 'LspClientError';
  }
}

/** Kept of the server's stderr: enough for a stack trace, bounded for a chatty server. */
const STDERR_KEEP = 64 * 1024;
const STDERR_SHOWN = 2000;
/** After `exit`, how long the pipes get to deliver what the server wrote before pending requests are rejected. */
const EXIT_DRAIN_MS = 200;

/**
 * The server's stdin as the writer sees it: once the server has died or the
 * client was disposed, writes are dropped instead of failing. vscode-jsonrpc
 * rethrows a failed request write from inside a promise executor, an
 * unhandled rejection no caller can catch; the exit handler reports the
 * server's end instead.
 */
function toServer(child: ChildProcess): Writable {
  const stdin = child.stdin!;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      // Not waiting for the flush: a message's header and body go out back to back, as they would on the pipe itself.
      if (!stdin.destroyed && stdin.writable) stdin.write(chunk);
      callback();
    },
  });
}

interface Pending {
  reject(err: Error): void;
}

/**
 * A real LSP client over stdio: spawns the server, speaks framed JSON-RPC
 * through vscode-jsonrpc, and records every publishDiagnostics. Every wait is
 * bounded: start-up, each request, each wait for diagnostics; when the server
 * exits or crashes, everything pending is rejected at once with its exit code
 * or signal and stderr.
 */
export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  /** The server's capabilities, from its initialize result. */
  capabilities: Record<string, unknown> | undefined;
  private waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void; reject: (e: Error) => void }[] = [];
  private readonly pending = new Set<Pending>();
  /** Tail of the server's stderr (the last 64 KB). */
  stderr = '';
  /** Exit code once the process has exited (null when a signal ended it); undefined while it runs. */
  exited: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  /** Why the client gave up on the server (exit, crash, spawn failure); set once. */
  private failure: LspClientError | undefined;
  private disposed = false;
  readonly timeouts: Required<ClientTimeouts>;

  /** `window/showMessage` notifications, in order. */
  readonly shownMessages: Array<{ type: number; message: string }> = [];
  private constructor(readonly child: ChildProcess, readonly connection: ProtocolConnection, readonly command: string[], timeouts: ClientTimeouts) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...timeouts };
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const cmd = options.command ?? (options.via === 'cli' ? [process.execPath, resolve(REPO, 'bin/csrl.js'), 'lsp', '--stdio'] : [process.execPath, resolve(REPO, 'out/server/main.js'), '--stdio']);
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(toServer(child)));
    const client = new LspClient(child, connection, cmd, options.timeouts ?? {});
    client.watch();
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.published.push(p);
      client.waiters = client.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    connection.onNotification('window/showMessage', (p: { type: number; message: string }) => {
      client.shownMessages.push(p);
    });
    // Answer server-to-client requests a minimal client would.
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
    try {
      const init = await client.request<{ capabilities?: Record<string, unknown> }>('initialize', {
        processId: process.pid,
        rootUri: options.workspaceFolders?.length ? pathToFileURL(options.workspaceFolders[0]!).href : null,
        ...(options.workspaceFolders ? { workspaceFolders: options.workspaceFolders.map((f) => ({ uri: pathToFileURL(f).href, name: f })) } : {}),
        capabilities: options.capabilities ?? { textDocument: { publishDiagnostics: { versionSupport: true } } },
        initializationOptions: options.initializationOptions,
      }, client.timeouts.startMs);
      client.capabilities = init?.capabilities;
    } catch (err) {
      client.dispose();
      const e = err as LspClientError;
      throw new LspClientError(`${cmd.join(' ')}: the server did not start: ${e.message}`, client.stderrTail(), e.exit);
    }
    connection.sendNotification('initialized', {});
    return client;
  }

  private watch(): void {
    const { child, connection } = this;
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      if (this.stderr.length > STDERR_KEEP) this.stderr = this.stderr.slice(-STDERR_KEEP);
    });
    // Writing to a server that has died fails with EPIPE; the exit handler reports it.
    child.stdin!.on('error', () => undefined);
    connection.onError(() => undefined);
    child.on('error', (err) => this.fail(new LspClientError(`could not run ${this.command[0]}: ${err.message}`, this.stderrTail())));
    child.on('exit', (code, signal) => {
      this.exited = code;
      this.signal = signal;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const report = () => this.fail(new LspClientError(`the server ${how}`, this.stderrTail(), { code, signal }));
      // Let the pipes deliver its last answers and stderr first; a grandchild holding the pipes must not delay it for ever.
      const t = setTimeout(report, EXIT_DRAIN_MS);
      child.once('close', () => {
        clearTimeout(t);
        report();
      });
    });
  }

  /** Rejects everything pending, once; later requests fail at once with the same reason. */
  private fail(err: LspClientError): void {
    if (this.failure) return;
    this.failure = err;
    const withTail = (what: string) => new LspClientError(`${what}: ${err.message}${err.stderr ? `; stderr: ${err.stderr}` : ''}`, err.stderr, err.exit);
    for (const p of [...this.pending]) p.reject(withTail('pending'));
    this.pending.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(withTail(`waiting for diagnostics of ${w.uri}`));
  }

  private stderrTail(): string {
    return this.stderr.slice(-STDERR_SHOWN);
  }

  /** Runs `body` until it settles, the bound passes, or the server goes away, whichever comes first. */
  private bounded<T>(what: string, timeoutMs: number, body: (settle: { resolve: (v: T) => void; reject: (e: Error) => void }) => void, onTimeout?: () => void): Promise<T> {
    if (this.failure) return Promise.reject(new LspClientError(`${what}: ${this.failure.message}; stderr: ${this.failure.stderr}`, this.failure.stderr, this.failure.exit));
    if (this.disposed) return Promise.reject(new LspClientError(`${what}: the client was disposed`, this.stderrTail()));
    return new Promise<T>((resolvePromise, rejectPromise) => {
      let done = false;
      const entry: Pending = {
        reject: (e) => finish(() => rejectPromise(new LspClientError(e.message.startsWith(what) ? e.message : `${what}: ${e.message.replace(/^pending: /, '')}`, (e as LspClientError).stderr ?? this.stderrTail(), (e as LspClientError).exit))),
      };
      const finish = (f: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.pending.delete(entry);
        f();
      };
      const timer = setTimeout(() => {
        onTimeout?.();
        finish(() => rejectPromise(new LspClientError(`${what}: no answer within ${timeoutMs} ms${this.stderr ? `; stderr: ${this.stderrTail()}` : ''}`, this.stderrTail())));
      }, timeoutMs);
      this.pending.add(entry);
      body({ resolve: (v) => finish(() => resolvePromise(v)), reject: (e) => finish(() => rejectPromise(e)) });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resident set size of the server process in bytes (Linux /proc). */
  rss(): number | undefined {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * CPU time the server process has used so far, user plus system, in ms
   * (Linux /proc, in clock ticks of 10 ms; all its threads, so the JIT and GC
   * helpers count). Less disturbed by other processes than wall time.
   */
  cpuMs(): number | undefined {
    try {
      const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return undefined;
    }
  }

  waitForDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    const have = [...this.published].reverse().find((p) => p.uri === uri && pred(p));
    if (have) return Promise.resolve(have);
    return this.nextDiagnostics(uri, pred, timeoutMs);
  }

  /** Waits for the next publish for uri (not one already received). */
  nextDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    let waiter: (typeof this.waiters)[number] | undefined;
    return this.bounded(`publishDiagnostics for ${uri}`, timeoutMs, ({ resolve: ok, reject }) => {
      waiter = { uri, pred, resolve: ok, reject };
      this.waiters.push(waiter);
    }, () => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  open(uri: string, languageId: string, text: string, version = 1): void {
    this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  replace(uri: string, version: number, text: string): void {
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  edit(uri: string, version: number, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string): void {
    this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
  }

  close(uri: string): void {
    this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * Sends a request; rejects with the method's name when no answer comes
   * within `timeoutMs` (default `timeouts.requestMs`; the request is then
   * cancelled) or when the server exits first.
   */
  request<R = unknown>(method: string, params?: unknown, timeoutMs = this.timeouts.requestMs): Promise<R> {
    const cancel = new CancellationTokenSource();
    return this.bounded<R>(method, timeoutMs, ({ resolve: ok, reject }) => {
      let sent: Promise<R>;
      try {
        sent = (params === undefined ? this.connection.sendRequest(method, cancel.token) : this.connection.sendRequest(method, params, cancel.token)) as Promise<R>;
      } catch (err) {
        // A closed connection usually means the server is exiting: wait briefly so the rejection can carry its exit code and stderr.
        const fallback = setTimeout(() => reject(new LspClientError(`${method}: ${(err as Error).message}`, this.stderrTail())), EXIT_DRAIN_MS * 5);
        fallback.unref();
        return;
      }
      sent.then(ok, (err: Error) => reject(err));
    }, () => cancel.cancel());
  }

  /** Asks the server to shut down and exit, each step bounded by `timeouts.stopMs`; then `dispose()`s (killing it if it is still there). */
  async stop(): Promise<void> {
    if (this.exited === undefined && !this.failure && !this.disposed) {
      try {
        await this.request('shutdown', undefined, this.timeouts.stopMs);
        this.connection.sendNotification('exit');
        await this.exitedWithin(this.timeouts.stopMs);
      } catch {
        // Stalled or already gone: dispose kills it.
      }
    }
    this.dispose();
  }

  private exitedWithin(ms: number): Promise<void> {
    return new Promise<void>((r) => {
      if (this.exited !== undefined) return r();
      const t = setTimeout(r, ms);
      this.child.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
  }

  /** Kills the server unless it has exited, rejects whatever is pending, and closes the connection. Safe to call more than once. */
  dispose(): void {
    if (this.exited === undefined && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    if (!this.disposed) {
      this.disposed = true;
      this.fail(new LspClientError('the client was disposed', this.stderrTail()));
      this.connection.dispose();
      this.child.stdin?.destroy();
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
    }
  }
}

export interface Marked {
  text: string;
  /** Offset of `‸`, if present. */
  cursor?: number;
  /** `⟦…⟧` ranges, in order. */
  ranges: [number, number][];
}

/** Strips `‸` (cursor) and `⟦ … ⟧` (range) markers, recording their offsets in the stripped text. (Not `[[`, which Objective-C uses.) */
export function marked(src: string): Marked {
  let text = '';
  let cursor: number | undefined;
  const ranges: [number, number][] = [];
  const open: number[] = [];
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '‸') cursor = text.length;
    else if (src[i] === '⟦') open.push(text.length);
    else if (src[i] === '⟧' && open.length > 0) ranges.push([open.pop()!, text.length]);
    else text += src[i];
  }
  ranges.sort((a, b) => a[0] - b[0]);
  return { text, ...(cursor !== undefined ? { cursor } : {}), ranges };
}

export function pos(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

export function offsetOf(text: string, p: { line: number; character: number }): number {
  const lines = text.split('\n');
  let off = 0;
  for (let i = 0; i < p.line; i++) off += lines[i]!.length + 1;
  return off + p.character;
}

export function sliceRange(text: string, r: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  return text.slice(offsetOf(text, r.start), offsetOf(text, r.end));
}

export function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const sorted = edits.map((e) => ({ s: offsetOf(text, e.range.start), e: offsetOf(text, e.range.end), t: e.newText })).sort((a, b) => b.s - a.s);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.s) + e.t + out.slice(e.e);
  return out;
}
