import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node.js';

/**
 * The VS Code side: starts the language server over IPC and forwards the
 * commands the server implements. The server holds all language knowledge;
 * this file only wires VS Code to it.
 */

/** Host languages whose files may embed requirements; the server is started for them only when a file contains a requirement API call. */
const EMBEDDING_LANGUAGES = ['swift', 'objective-c', 'objective-cpp', 'c', 'cpp', 'shellscript', 'plist', 'xml'];
const REQUIREMENT_CALL = /SecRequirementCreateWithString|setCodeSigningRequirement|setConnectionCodeSigningRequirement|xpc_connection_set_peer_code_signing_requirement|SMPrivilegedExecutables|SMAuthorizedClients|codesign\b[^\n]*(?:-R|--test-requirement|-r)|csreq\b/;

let client: LanguageClient | undefined;
let starting: Promise<void> | undefined;

function wantsServer(doc: vscode.TextDocument): boolean {
  if (doc.languageId === 'csreq') return true;
  return EMBEDDING_LANGUAGES.includes(doc.languageId) && REQUIREMENT_CALL.test(doc.getText());
}

async function startServer(context: vscode.ExtensionContext): Promise<void> {
  if (client) return;
  starting ??= (async () => {
    const module = context.asAbsolutePath(path.join('dist', 'server.cjs'));
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6012'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ language: 'csreq' }, ...EMBEDDING_LANGUAGES.map((language) => ({ language }))],
      synchronize: { configurationSection: 'csrl' },
      initializationOptions: { trusted: vscode.workspace.isTrusted },
    };
    client = new LanguageClient('csrl', 'Code Signing Requirements', serverOptions, clientOptions);
    await client.start();
  })();
  await starting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const maybeStart = (doc: vscode.TextDocument) => {
    if (wantsServer(doc)) void startServer(context);
  };
  vscode.workspace.textDocuments.forEach(maybeStart);
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument(maybeStart));
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification('csrl/trustChanged', { trusted: true });
    }),
  );

  // The server's executeCommand provider (csrl.showCompiled, csrl.testAgainstPath, …) is registered
  // as VS Code commands by the language client itself once the server has started.
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
  starting = undefined;
}
