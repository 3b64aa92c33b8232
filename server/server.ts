import {
  CompletionItemKind,
  InsertTextFormat,
  LSPErrorCodes,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CompletionItem,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseMode } from '../grammar/parser.js';
import { DEFAULT_FORMAT_INDENT, DEFAULT_FORMAT_WIDTH } from '../grammar/print/format.js';
import { analyzeRequirement, escapeForHost, type AnalysisOptions } from '../language-service/analysis/analyze.js';
import type { RuleSeverity } from '../language-service/rules/index.js';
import {
  CommandError,
  compareWithDesignated,
  decompileRequest,
  showCompiled,
  testAgainstPath,
  testAgainstPid,
  testLwcrAgainstPath,
  testLwcrAgainstPid,
} from './commands.js';
import { NOTIFICATIONS, REQUESTS, SERVER_COMMANDS, type CheckArgs, type DecompileParams, type LwcrArg, type RequirementArg, type SetTrustParams } from '../protocol/lsp.js';
import { completeAt, type ItemKind } from '../language-service/completion.js';
import { analyzeDocument, PieceWarmUp, rangeToHost, viewAt, type DocState, type RequirementView } from './documents.js';
import {
  codeActions,
  codeLenses,
  documentSymbols,
  foldingRanges,
  formatDocument,
  selectionRanges,
  SEMANTIC_LEGEND,
  semanticTokens,
} from './features.js';
import { hoverAt } from '../language-service/hover.js';
import { lwcrCompletionAt } from '../language-service/lwcr/completion.js';
import { lwcrHoverAt } from '../language-service/lwcr/hover.js';
import { toLspDiagnostic, toLspRange } from './lsp-convert.js';
import { DiagnosticResults } from './diagnostic-results.js';
import { updateDocument } from './text-edits.js';
import { intakeOf } from './intake.js';

export interface Settings {
  mode: ParseMode;
  context: 'default' | 'privileged-helper';
  rules: Record<string, RuleSeverity>;
  /** `csrl.format.lineWidth`: the width `and`/`or` chains are broken to fit. */
  formatWidth: number;
}

const DEFAULT_SETTINGS: Settings = { mode: 'auto', context: 'default', rules: {}, formatWidth: DEFAULT_FORMAT_WIDTH };
const SEVERITIES = new Set(['off', 'error', 'warning', 'information', 'hint']);

/** Accepts `{ rules: { CSR101: 'off' } }`, `{ 'rules.CSR101': 'off' }` and the same under a `csrl` key. */
export function normalizeSettings(raw: unknown): Settings {
  const out: Settings = { ...DEFAULT_SETTINGS, rules: {} };
  if (typeof raw !== 'object' || raw === null) return out;
  let r = raw as Record<string, unknown>;
  if (typeof r['csrl'] === 'object' && r['csrl'] !== null) r = r['csrl'] as Record<string, unknown>;
  if (r['mode'] === 'single' || r['mode'] === 'set' || r['mode'] === 'auto') out.mode = r['mode'];
  if (r['context'] === 'privileged-helper' || r['context'] === 'default') out.context = r['context'];
  const format = typeof r['format'] === 'object' && r['format'] !== null ? (r['format'] as Record<string, unknown>) : {};
  const width = format['lineWidth'] ?? r['format.lineWidth'];
  if (typeof width === 'number' && Number.isFinite(width) && width >= 20 && width <= 1000) out.formatWidth = Math.floor(width);
  const add = (code: string, sev: unknown) => {
    if (typeof sev === 'string' && SEVERITIES.has(sev)) out.rules[code] = sev as RuleSeverity;
  };
  if (typeof r['rules'] === 'object' && r['rules'] !== null) for (const [k, v] of Object.entries(r['rules'] as object)) add(k, v);
  for (const [k, v] of Object.entries(r)) if (k.startsWith('rules.')) add(k.slice(6), v);
  return out;
}

/**
 * A lone edit is analysed on the next turn of the event loop. Edits that
 * follow each other within BURST_GAP_MS (a paste storm, a client replaying
 * changes) wait until they pause: 1 ms for ordinary documents, 10 ms for
 * large ones, so a burst is analysed once; a steady stream still gets
 * diagnostics every MAX_WAIT_MS.
 */
const BURST_GAP_MS = 0.5;
const LARGE_DOCUMENT = 256 * 1024;
const SMALL_DEBOUNCE_MS = 1;
const LARGE_DEBOUNCE_MS = 10;
const MAX_WAIT_MS = 250;
/** A large set just opened is analysed ahead in slices this long, between which other messages are handled. */
const WARM_SLICE_MS = 10;

const ITEM_KIND: Record<ItemKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  snippet: CompletionItemKind.Snippet,
  field: CompletionItemKind.Field,
  value: CompletionItemKind.Value,
  operator: CompletionItemKind.Operator,
  constant: CompletionItemKind.Constant,
};

/** Relative certificate paths in `anchor = "…"` are resolved next to the document. */
function baseDirOf(uri: string): { baseDir?: string } {
  if (!uri.startsWith('file:')) return {};
  try {
    return { baseDir: dirname(fileURLToPath(uri)) };
  } catch {
    return {};
  }
}

/** File-system paths of workspace folders (file: URIs only). */
function workspaceRoots(folders: readonly { uri: string }[], rootUri: string | null | undefined, rootPath?: string | null): string[] {
  const out: string[] = [];
  const add = (uri: string) => {
    if (!uri.startsWith('file:')) return;
    try {
      out.push(fileURLToPath(uri));
    } catch {
      // Not a usable file: URI: no folder.
    }
  };
  for (const f of folders) add(f.uri);
  if (out.length === 0 && typeof rootUri === 'string') add(rootUri);
  if (out.length === 0 && typeof rootPath === 'string' && rootPath !== '') out.push(rootPath);
  return out;
}

const INDEX_LIMIT = 1_000_000;

/** The argument object of a command, checked: `uri` a string, `requirement`/`entry` non-negative integers, `path` a string, `pid` a number. */
export function commandArgument(command: string, raw: unknown): RequirementArg & LwcrArg & { path?: string; pid?: number } & CheckArgs {
  const usage = `${command} needs an argument { uri, requirement?, entry? }`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CommandError(usage);
  const a = raw as Record<string, unknown>;
  if (typeof a['uri'] !== 'string') throw new CommandError(usage);
  const index = (key: 'requirement' | 'entry'): number | undefined => {
    const v = a[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > INDEX_LIMIT) {
      const shown = typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v === 'number' ? String(v) : typeof v;
      throw new CommandError(`${command}: \`${key}\` must be a non-negative integer (the index of the ${key === 'entry' ? 'set entry' : 'requirement in the document'}), got ${shown}`);
    }
    return v;
  };
  const out: RequirementArg & LwcrArg & { path?: string; pid?: number } & CheckArgs = { uri: a['uri'] };
  const requirement = index('requirement');
  const entry = index('entry');
  if (requirement !== undefined) out.requirement = requirement;
  if (entry !== undefined) out.entry = entry;
  if (a['path'] !== undefined && a['path'] !== null) {
    if (typeof a['path'] !== 'string') throw new CommandError(`${command}: \`path\` must be a string`);
    out.path = a['path'];
  }
  if (a['pid'] !== undefined && a['pid'] !== null) {
    if (typeof a['pid'] !== 'number') throw new CommandError(`${command}: \`pid\` must be a number`);
    out.pid = a['pid'];
  }
  if (a['position'] !== undefined && a['position'] !== null) {
    const p = a['position'] as Record<string, unknown>;
    const count = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2 ** 31 - 1;
    if (typeof p !== 'object' || !count(p['line']) || !count(p['character'])) throw new CommandError(`${command}: \`position\` must be { line, character } (zero-based)`);
    out.position = { line: p['line'] as number, character: p['character'] as number };
  }
  if (a['at'] !== undefined && a['at'] !== null) {
    if (typeof a['at'] !== 'string') throw new CommandError(`${command}: \`at\` must be a string: signing-time, now or an ISO-8601 date`);
    out.at = a['at'];
  }
  if (a['verifyPages'] !== undefined && a['verifyPages'] !== null) {
    if (typeof a['verifyPages'] !== 'boolean') throw new CommandError(`${command}: \`verifyPages\` must be true or false`);
    out.verifyPages = a['verifyPages'];
  }
  return out;
}

/** Parser errors make Apple reject the whole text: hovers then say so instead of describing who is allowed. */
const LANGUAGE_CODE = /^CSR0\d\d$/;

function rejection(state: DocState, view: RequirementView): { message: string; line: number; column: number } | undefined {
  const own = view.analysis.parse.diagnostics.find((d) => d.severity === 'error');
  if (own) {
    const pos = state.index.positionAt(view.toHost(own.range.start.offset));
    return { message: own.message, line: pos.line, column: pos.column };
  }
  // A large set analysed entry by entry: an error in another entry rejects the whole set too.
  if (state.kind !== 'csreq' || state.views.length < 2) return undefined;
  const other = state.diagnostics.find((d) => d.severity === 'error' && LANGUAGE_CODE.test(String(d.code)));
  return other ? { message: other.message, line: other.range.start.line, column: other.range.start.column } : undefined;
}

export function startServer(connection: Connection): void {
  // Bursts of changes merged into one notification are applied in one pass (text-edits.ts).
  const documents = new TextDocuments({ create: TextDocument.create, update: updateDocument });
  const states = new Map<string, DocState>();
  const timers = new Map<string, NodeJS.Timeout | NodeJS.Immediate>();
  const pendingSince = new Map<string, number>();
  const lastChange = new Map<string, number>();
  /** Large sets just opened, being analysed in slices; `generation` is the settings' at the start. */
  const warmUps = new Map<string, { job: PieceWarmUp; generation: number; done: Promise<void> }>();
  /** Counts changes of settings and trust, which make a warm-up's analyses unusable. */
  let generation = 0;
  let settings: Settings = DEFAULT_SETTINGS;
  let trusted = true;
  let pullConfiguration = false;
  /** The client pulls diagnostics (LSP 3.17 textDocument/diagnostic): nothing is pushed. */
  let pullDiagnostics = false;
  let refreshDiagnostics = false;
  /** The client interprets the version of pushed diagnostics: each new version is published, changed or not. */
  let versionedPush = false;
  const results = new DiagnosticResults();
  /** Workspace folders (file-system paths) from initialize and didChangeWorkspaceFolders: where csrl/decompile may read. */
  let roots: string[] = [];
  let watchFolders = false;
  const intake = intakeOf(connection);

  const options = (): AnalysisOptions => ({ mode: settings.mode, context: settings.context, severities: settings.rules, trusted });

  function stateOf(uri: string): DocState | undefined {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = states.get(uri);
    if (cached && cached.version === doc.version) return cached;
    // The pieces a warm-up has analysed are reused whatever version it started from: they are keyed by their text.
    const warm = warmUps.get(uri);
    warmUps.delete(uri);
    const previous = cached ?? (warm?.generation === generation ? warm.job.previous() : undefined);
    const state = analyzeDocument(uri, doc.version, doc.languageId, doc.getText(), { ...options(), ...baseDirOf(uri) }, previous);
    states.set(uri, state);
    return state;
  }

  /**
   * Starts analysing a large set just opened, a slice at a time, so that
   * other messages are handled meanwhile; its diagnostics wait for it (see
   * publish and the pull handler). A request that needs the document first
   * finishes the analysis at once, reusing what was done.
   */
  function warmUp(uri: string): void {
    const doc = documents.get(uri);
    if (!doc) return;
    const job = PieceWarmUp.of(uri, doc.languageId, doc.getText(), { ...options(), ...baseDirOf(uri) });
    if (!job) return;
    const entry = { job, generation, done: Promise.resolve() };
    entry.done = new Promise<void>((resolve) => {
      const slice = () => {
        // Closed, settings changed, or already used by an analysis: nothing left to do.
        if (warmUps.get(uri) !== entry || entry.generation !== generation) return resolve();
        try {
          job.step(performance.now() + WARM_SLICE_MS);
        } catch (err) {
          // The analysis proper reports it, with its document.
          warmUps.delete(uri);
          connection.console.error(`csrl: analysis failed for ${uri}: ${(err as Error).stack ?? err}`);
          return resolve();
        }
        if (job.done) resolve();
        else setImmediate(slice);
      };
      setImmediate(slice);
    });
    warmUps.set(uri, entry);
  }

  /** The warm-up of `uri` while it runs. */
  function warming(uri: string): Promise<void> | undefined {
    const warm = warmUps.get(uri);
    return warm && !warm.job.done && warm.generation === generation ? warm.done : undefined;
  }

  function cancelTimer(uri: string): void {
    const t = timers.get(uri);
    if (!t) return;
    if ('hasRef' in t && 'refresh' in t) clearTimeout(t as NodeJS.Timeout);
    else clearImmediate(t as NodeJS.Immediate);
    timers.delete(uri);
  }

  function schedule(uri: string): void {
    const doc = documents.get(uri);
    if (!doc || pullDiagnostics) return;
    const now = performance.now();
    const previous = lastChange.get(uri);
    lastChange.set(uri, now);
    const burst = timers.has(uri) || (previous !== undefined && now - previous < BURST_GAP_MS);
    const since = pendingSince.get(uri) ?? now;
    pendingSince.set(uri, since);
    // A pending run always analyses the newest version; under a steady stream of edits let it fire.
    if (timers.has(uri) && now - since >= MAX_WAIT_MS) return;
    cancelTimer(uri);
    const run = () => {
      // A newer change is already queued: it schedules its own run; analysing this version would be wasted.
      if (intake?.hasQueuedChange(uri)) {
        timers.delete(uri);
        return;
      }
      timers.delete(uri);
      pendingSince.delete(uri);
      publish(uri);
    };
    const large = doc.getText().length > LARGE_DOCUMENT;
    timers.set(uri, !burst && !large ? setImmediate(run) : setTimeout(run, large ? LARGE_DEBOUNCE_MS : SMALL_DEBOUNCE_MS));
  }

  function publish(uri: string): void {
    const doc = documents.get(uri);
    if (!doc) return;
    const pending = warming(uri);
    if (pending) {
      void pending.then(() => publish(uri));
      return;
    }
    let state: DocState | undefined;
    try {
      state = stateOf(uri);
    } catch (err) {
      connection.console.error(`csrl: analysis failed for ${uri}: ${(err as Error).stack ?? err}`);
      return;
    }
    // An edit that arrived while analysing makes this result stale; its own run follows.
    if (!state || documents.get(uri)?.version !== state.version) return;
    const diagnostics = state.diagnostics.map(toLspDiagnostic);
    // What the client already shows is not sent again (most keystrokes in a large set change nothing);
    // a client that discards lists of older versions gets the latest version's, changed or not.
    if (!results.shouldPush(uri, diagnostics, versionedPush ? state.version : undefined)) return;
    // A client that has gone away makes the send fail; the connection's own close handling ends the process.
    connection.sendDiagnostics({ uri, version: state.version, diagnostics }).catch(() => undefined);
  }

  function reanalyseAll(): void {
    states.clear();
    warmUps.clear();
    generation++;
    if (pullDiagnostics) {
      // The client asks again for every open document.
      if (refreshDiagnostics) connection.languages.diagnostics.refresh();
      return;
    }
    for (const d of documents.all()) schedule(d.uri);
  }

  async function refreshConfiguration(): Promise<void> {
    if (!pullConfiguration) return;
    try {
      const [cfg] = await connection.workspace.getConfiguration([{ section: 'csrl' }]);
      settings = normalizeSettings(cfg);
    } catch {
      // Clients that announce but do not answer configuration requests keep the current settings.
    }
    reanalyseAll();
  }

  /** Wraps a request handler: closed documents give null, cancellation and failures become protocol errors, never a crash. */
  function guard<P, R>(fn: (params: P, token: CancellationToken) => R | Promise<R>) {
    return async (params: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
      if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
      try {
        const result = await fn(params, token);
        if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
        return result;
      } catch (err) {
        if (err instanceof CommandError) return new ResponseError(ErrorCodes.InvalidParams, err.message);
        connection.console.error(`csrl: ${(err as Error).stack ?? err}`);
        return new ResponseError(ErrorCodes.InternalError, `csrl: ${(err as Error).message}`);
      }
    };
  }

  connection.onInitialize((params): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as { settings?: unknown; trusted?: boolean };
    if (init.settings) settings = normalizeSettings(init.settings);
    if (typeof init.trusted === 'boolean') trusted = init.trusted;
    pullConfiguration = params.capabilities.workspace?.configuration === true;
    roots = workspaceRoots(params.workspaceFolders ?? [], params.rootUri, params.rootPath);
    watchFolders = params.capabilities.workspace?.workspaceFolders === true;
    pullDiagnostics = params.capabilities.textDocument?.diagnostic !== undefined;
    refreshDiagnostics = params.capabilities.workspace?.diagnostics?.refreshSupport === true;
    versionedPush = params.capabilities.textDocument?.publishDiagnostics?.versionSupport === true;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['[', '.', ' ', '"', '>'] },
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: Object.values(SERVER_COMMANDS) },
        semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        ...(pullDiagnostics ? { diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'csrl', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (pullConfiguration) void refreshConfiguration();
    if (watchFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(workspaceRoots(e.removed, null));
        roots = [...roots.filter((r) => !removed.has(r)), ...workspaceRoots(e.added, null)];
      });
    }
    // Build the parser (Chevrotain's grammar analysis, tens of ms) once the handshake is answered,
    // so an editor that opens its first document a moment later gets diagnostics without that wait.
    setImmediate(() => {
      if (states.size > 0) return;
      try {
        analyzeRequirement('designated => anchor apple generic and identifier "com.example.app"\n', { mode: 'set' });
      } catch {
        // A failure here shows again, with its document, on the first real analysis.
      }
    });
  });

  connection.onDidChangeConfiguration((change) => {
    if (pullConfiguration) {
      void refreshConfiguration();
      return;
    }
    if (change.settings) settings = normalizeSettings(change.settings);
    reanalyseAll();
  });

  connection.onNotification(NOTIFICATIONS.setTrust, (p: Partial<SetTrustParams> | null) => {
    if (typeof p?.trusted !== 'boolean' || p.trusted === trusted) return;
    trusted = p.trusted;
    reanalyseAll();
  });

  connection.onRequest(REQUESTS.decompile, guard((p: DecompileParams) => decompileRequest(p ?? {}, { isOpen: (uri) => documents.get(uri) !== undefined, roots })));

  documents.onDidOpen((e) => {
    warmUp(e.document.uri);
    schedule(e.document.uri);
  });
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    cancelTimer(e.document.uri);
    warmUps.delete(e.document.uri);
    pendingSince.delete(e.document.uri);
    lastChange.delete(e.document.uri);
    states.delete(e.document.uri);
    results.forget(e.document.uri);
    if (!pullDiagnostics) connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] }).catch(() => undefined);
  });

  const docOffset = (state: DocState, pos: { line: number; character: number }) => state.index.offsetAt(pos.line, pos.character);

  connection.onHover(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    if (!state) return null;
    const at = viewAt(state, docOffset(state, p.position));
    if (!at) {
      // Not in a requirement string: maybe on a lightweight code requirement.
      const lh = state.kind === 'host' ? lwcrHoverAt(state.text, state.languageId, docOffset(state, p.position)) : undefined;
      return lh ? { contents: { kind: 'markdown' as const, value: lh.markdown }, range: toLspRange(state.index.range(lh.start, lh.end)) } : null;
    }
    const h = hoverAt(at.view.text, at.view.analysis, at.offset, { rejected: rejection(state, at.view) });
    if (!h) return null;
    return { contents: { kind: 'markdown' as const, value: h.markdown }, range: toLspRange(rangeToHost(at.view, state, h.range)) };
  }));

  connection.onCompletion(guard((p): CompletionItem[] | null => {
    const state = stateOf(p.textDocument.uri);
    if (!state) return null;
    const hostOffset = docOffset(state, p.position);
    const at = viewAt(state, hostOffset) ?? (state.kind === 'csreq' && state.views[0] ? { view: state.views[0], offset: hostOffset } : undefined);
    if (!at) {
      if (state.kind !== 'host') return null;
      return lwcrCompletionAt(state.text, state.languageId, hostOffset).map((c, i): CompletionItem => ({
        label: c.label,
        kind: ITEM_KIND[c.kind],
        textEdit: { range: toLspRange(state.index.range(c.replaceStart, c.replaceEnd)), newText: c.insert },
        sortText: String(i).padStart(4, '0'),
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.documentation ? { documentation: { kind: 'markdown' as const, value: c.documentation } } : {}),
      }));
    }
    const { view, offset } = at;
    return completeAt(view.text, offset, view.mode).map((c, i): CompletionItem => {
      let text = c.insert;
      if (view.embedded) {
        text = escapeForHost(text, state.text, view.hostStart, state.languageId);
        if (c.snippet) text = text.replace(/\\/g, '\\\\');
      }
      const range = toLspRange(rangeToHost(view, state, { start: { offset: c.replaceStart }, end: { offset } }));
      const item: CompletionItem = {
        label: c.label,
        kind: ITEM_KIND[c.kind],
        textEdit: { range, newText: text },
        insertTextFormat: c.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
        sortText: c.sortText ?? String(i).padStart(4, '0'),
      };
      if (c.detail) item.detail = c.detail;
      if (c.documentation) item.documentation = { kind: 'markdown', value: c.documentation };
      if (c.filterText) item.filterText = c.filterText;
      return item;
    });
  }));

  connection.onDocumentFormatting(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    if (!state) return null;
    const result = formatDocument(state, { width: settings.formatWidth, indent: p.options.insertSpaces === false ? DEFAULT_FORMAT_INDENT : p.options.tabSize });
    // A notification, not window/showMessageRequest: nothing to answer, and format-on-save is not held up.
    if (result.refused) void connection.sendNotification('window/showMessage', { type: 2, message: result.refused });
    return result.edits ?? null;
  }));
  connection.onDocumentSymbol(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    return state ? documentSymbols(state) : null;
  }));
  connection.onFoldingRanges(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    return state ? foldingRanges(state) : null;
  }));
  connection.onSelectionRanges(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    return state ? selectionRanges(state, p.positions.map((pos) => docOffset(state, pos))) : null;
  }));
  connection.onCodeAction(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    if (!state) return null;
    return codeActions(state, p.range, docOffset(state, p.range.start), p.context?.only);
  }));
  connection.onCodeLens(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    return state ? codeLenses(state) : null;
  }));
  connection.languages.semanticTokens.on(guard((p) => {
    const state = stateOf(p.textDocument.uri);
    return { data: state ? semanticTokens(state) : [] };
  }));

  type PullHandler = Parameters<typeof connection.languages.diagnostics.on>[0];
  connection.languages.diagnostics.on(guard(async (p: Parameters<PullHandler>[0]) => {
    // A large set just opened: answered once its analysis is done; other messages are handled meanwhile.
    const pending = warming(p.textDocument.uri);
    if (pending) await pending;
    const state = stateOf(p.textDocument.uri);
    const items = state ? state.diagnostics.map(toLspDiagnostic) : [];
    return results.report(p.textDocument.uri, items, p.previousResultId);
  }) as unknown as PullHandler);

  connection.onExecuteCommand(guard(async (p) => {
    const arg = commandArgument(p.command, p.arguments?.[0]);
    const state = stateOf(arg.uri);
    if (!state) throw new CommandError(`${arg.uri} is not open`);
    switch (p.command) {
      case SERVER_COMMANDS.showCompiled:
        return showCompiled(state, arg, trusted);
      case SERVER_COMMANDS.testAgainstPath:
        return testAgainstPath(state, arg, trusted);
      case SERVER_COMMANDS.testAgainstPid:
        return testAgainstPid(state, arg, trusted);
      case SERVER_COMMANDS.testLwcrAgainstPath:
        return testLwcrAgainstPath(state, arg, trusted);
      case SERVER_COMMANDS.testLwcrAgainstPid:
        return testLwcrAgainstPid(state, arg, trusted);
      case SERVER_COMMANDS.compareWithDesignated:
        return compareWithDesignated(state, arg, trusted);
      default:
        throw new CommandError(`unknown command ${p.command}`);
    }
  }));

  documents.listen(connection);
  connection.listen();
}
