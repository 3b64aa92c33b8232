import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node.js';

/** Repository root, found from this file's place in out/test/server/. */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface StartOptions {
  /** `server`: node out/server/main.js --stdio; `cli`: node bin/csrl.js lsp --stdio. */
  via?: 'server' | 'cli';
  initializationOptions?: unknown;
  /** Command line of a different server (the benchmark's peer). */
  command?: string[];
  capabilities?: Record<string, unknown>;
}

/**
 * A real LSP client over stdio: spawns the server, speaks framed JSON-RPC
 * through vscode-jsonrpc, and records every publishDiagnostics.
 */
export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  stderr = '';
  exited: number | null | undefined;

  private constructor(readonly child: ChildProcess, readonly connection: ProtocolConnection) {}

  static async start(options: StartOptions = {}): Promise<LspClient> {
    const cmd = options.command ?? (options.via === 'cli' ? [process.execPath, resolve(REPO, 'bin/csrl.js'), 'lsp', '--stdio'] : [process.execPath, resolve(REPO, 'out/server/main.js'), '--stdio']);
    const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], cwd: REPO });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    child.stderr!.on('data', (d: Buffer) => { client.stderr += d.toString(); });
    child.on('exit', (code) => { client.exited = code; });
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.published.push(p);
      client.waiters = client.waiters.filter((w) => {
        if (w.uri !== p.uri || !w.pred(p)) return true;
        w.resolve(p);
        return false;
      });
    });
    // Answer server-to-client requests a minimal client would.
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: options.capabilities ?? { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: options.initializationOptions,
    });
    connection.sendNotification('initialized', {});
    return client;
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

  waitForDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    const have = [...this.published].reverse().find((p) => p.uri === uri && pred(p));
    if (have) return Promise.resolve(have);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching publishDiagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (p) => { clearTimeout(timer); resolvePromise(p); } });
    });
  }

  /** Waits for the next publish for uri (not one already received). */
  nextDiagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20000): Promise<PublishDiagnosticsParams> {
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no publishDiagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ uri, pred, resolve: (p) => { clearTimeout(timer); resolvePromise(p); } });
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

  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    if (this.exited === undefined) {
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        this.connection.sendNotification('exit');
      } catch {
        // already gone
      }
      await new Promise<void>((r) => {
        if (this.exited !== undefined) return r();
        const t = setTimeout(() => { this.child.kill(); r(); }, 3000);
        this.child.on('exit', () => { clearTimeout(t); r(); });
      });
    }
    this.connection.dispose();
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
