/**
 * Starts the language server (dist/server.cjs) over IPC, only once a document
 * needs it: a .csreq/.rqset file, or a host file that contains one of the
 * requirement APIs. Other users of Swift, C or shell pay nothing.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NOTIFICATIONS, type SetTrustParams } from '../protocol/lsp.js';
import type { LanguageClient, LanguageClientOptions, Middleware, ServerOptions } from 'vscode-languageclient/node.js';
import { EMBEDDING_LANGUAGES as HOST_LANGUAGE_IDS, mayHoldRequirements } from '../language-service/embedded/hosts.js';
import { LWCR_ONLY_LANGUAGES, mayHoldLwcr } from '../language-service/lwcr/markers.js';

/** Host languages whose files may embed requirements: the host-language table's ids. */
export const EMBEDDING_LANGUAGES: readonly string[] = HOST_LANGUAGE_IDS;

/**
 * Whether the document may hold requirements: a requirement file, or a host language and one of
 * that language's API markers in the text, or a lightweight code requirement's markers.
 */
export function hasRequirements(doc: vscode.TextDocument): boolean {
  if (doc.languageId === 'csreq') return true;
  if (!EMBEDDING_LANGUAGES.includes(doc.languageId) && !LWCR_ONLY_LANGUAGES.includes(doc.languageId)) return false;
  const text = doc.getText();
  return mayHoldRequirements(doc.languageId, text) || mayHoldLwcr(doc.languageId, text);
}

export class ServerHandle {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly middleware: Middleware,
  ) {}

  get running(): LanguageClient | undefined {
    return this.client;
  }

  start(): Promise<LanguageClient> {
    this.starting ??= this.create().catch((err: unknown) => {
      this.starting = undefined;
      this.output.appendLine(`[server] failed to start: ${(err as Error).message}`);
      throw err;
    });
    return this.starting;
  }

  private async create(): Promise<LanguageClient> {
    // Off the activation path: the library loads on the next turn.
    await new Promise((resolve) => setImmediate(resolve));
    const { LanguageClient, TransportKind } = createRequire(this.context.asAbsolutePath('package.json'))('./dist/lsp.cjs') as typeof import('./lsp-entry.js');
    const module = this.context.asAbsolutePath(path.join('dist', 'server.cjs'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'csreq' }, ...[...EMBEDDING_LANGUAGES, ...LWCR_ONLY_LANGUAGES].flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }])],
      synchronize: { configurationSection: 'csrl' },
      initializationOptions: { trusted: vscode.workspace.isTrusted },
      outputChannel: this.output,
      middleware: this.middleware,
    };
    const client = new LanguageClient('csrl', 'Code Signing Requirements', serverOptions, clientOptions);
    const t0 = Date.now();
    await client.start();
    this.output.appendLine(`[server] started in ${Date.now() - t0} ms`);
    this.client = client;
    return client;
  }

  async setTrust(trusted: boolean): Promise<void> {
    const params: SetTrustParams = { trusted };
    await this.client?.sendNotification(NOTIFICATIONS.setTrust, params);
  }

  async stop(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.starting = undefined;
    await c?.stop();
  }
}
