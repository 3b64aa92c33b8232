/**
 * The VS Code side of csrl. Activation only registers things; the language
 * server starts when a document needs it (see server.ts) and the validator
 * loads on the first command that inspects code (see lazy.ts), so people
 * who merely open a Swift file pay nothing.
 */
import * as vscode from 'vscode';
import { CHECK_SETTINGS } from '../protocol/lsp.js';
import type { Middleware } from 'vscode-languageclient/node.js';
import { Commands, DECOMPILED_SCHEME, decompiledUri, looksLikeBinaryRequirement, type TargetArgs } from './commands.js';
import { checkModule, nativeModule, setExtensionRoot } from './lazy.js';
import { LwcrCommands } from './lwcr-commands.js';
import { registerResultDocuments } from './result-documents.js';
import { ResultDecorations, ResultsTree, type ShownResult } from './results.js';
import { BundleChecks } from './bundle-checks.js';
import { DoctorResults } from './doctor-results.js';
import { EMBEDDING_LANGUAGES, hasRequirements, ServerHandle } from './server.js';

/** What `activate` returns: used by the integration tests and available to other extensions. */
export interface CsrlApi {
  /** Milliseconds `activate` took. */
  activationMs: number;
  /** Resolves once the language server runs (starting it if needed). */
  startServer(): Promise<void>;
  serverRunning(): boolean;
  lastResult(uri: vscode.Uri): ShownResult | undefined;
  validator(): { name: string; why: string } | undefined;
  /** The processes the "running process" picker offers (native addon). */
  processes(): Promise<{ pid: number; name: string; user: string; executablePath?: string }[]>;
}

let handle: ServerHandle | undefined;

export function activate(context: vscode.ExtensionContext): CsrlApi {
  const t0 = performance.now();
  setExtensionRoot(context.extensionPath);
  const output = vscode.window.createOutputChannel('Code Signing Requirements');
  const decorations = new ResultDecorations();
  context.subscriptions.push(output, decorations);

  let commands: Commands | undefined;
  const middleware: Middleware = {
    executeCommand: (command, args, next) => commands!.fromServerCommand(command, args, (c, a) => Promise.resolve(next(c, a))),
  };
  const server = new ServerHandle(context, output, middleware);
  handle = server;
  commands = new Commands(context, output, server, decorations);
  const cmds = commands;

  // The last result above the tested requirement ("✘ fails for sentry-cli (arm64): leaf subject.OU").
  const lensChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    lensChanged,
    decorations.onDidChange(() => {
      lensChanged.fire();
      // The workbench debounces lens updates per model; a second nudge after the first update lands.
      setTimeout(() => lensChanged.fire(), 400);
    }),
    vscode.languages.registerCodeLensProvider([{ language: 'csreq' }, ...EMBEDDING_LANGUAGES.map((language) => ({ language }))], {
      onDidChangeCodeLenses: lensChanged.event,
      provideCodeLenses: (document) => {
        const shown = decorations.get(document.uri);
        if (!shown) return [];
        const range = new vscode.Range(shown.anchor, shown.anchor);
        return [new vscode.CodeLens(range, { title: shown.summary + (shown.apple ? ` · Apple: ${shown.apple}` : ''), command: 'csrl.results.focus' })];
      },
    }),
  );

  registerResultDocuments(context);
  const doctorResults = new DoctorResults();
  const tree = vscode.window.createTreeView('csrl.results', { treeDataProvider: new ResultsTree(decorations, [doctorResults]), showCollapseAll: true });
  context.subscriptions.push(tree, doctorResults, new BundleChecks(context, cmds, doctorResults));

  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
  reg('csrl.testAgainstBinary', (a?: TargetArgs | vscode.Uri) => cmds.testAgainstBinary(a instanceof vscode.Uri ? {} : a));
  reg('csrl.testAgainstProcess', (a?: TargetArgs | vscode.Uri) => cmds.testAgainstProcess(a instanceof vscode.Uri ? {} : a));
  reg('csrl.showSigningInfo', (a?: TargetArgs | vscode.Uri) => cmds.showSigningInfo(a instanceof vscode.Uri ? { path: a.fsPath } : a));
  reg('csrl.insertDesignated', (a?: TargetArgs | vscode.Uri) => cmds.insertDesignated(a instanceof vscode.Uri ? {} : a));
  reg('csrl.compileToBinary', (a?: TargetArgs & { saveTo?: string }) => cmds.compileToBinary(a instanceof vscode.Uri ? {} : a));
  reg('csrl.openCompiledAsText', (u?: vscode.Uri) => cmds.openCompiledAsText(u));
  reg('csrl.saveDecompiledText', () => cmds.saveDecompiledText());
  reg('csrl.generateXpcCode', (a?: Parameters<Commands['generateXpcCode']>[0] | vscode.Uri) => cmds.generateXpcCode(a instanceof vscode.Uri ? {} : a));
  const lwcr = new LwcrCommands(cmds);
  reg('csrl.testLwcrAgainstBinary', (a?: TargetArgs | vscode.Uri) => lwcr.testAgainstBinary(a instanceof vscode.Uri ? {} : a));
  reg('csrl.testLwcrAgainstProcess', (a?: TargetArgs | vscode.Uri) => lwcr.testAgainstProcess(a instanceof vscode.Uri ? {} : a));
  reg('csrl.convertToLwcr', (a?: TargetArgs | vscode.Uri) => lwcr.convertToLwcr(a instanceof vscode.Uri ? {} : a));
  reg('csrl.convertToRequirement', (a?: TargetArgs | vscode.Uri) => lwcr.convertToRequirement(a instanceof vscode.Uri ? {} : a));
  reg('csrl.clearResults', () => decorations.clear());
  reg('csrl.showOutput', () => output.show());

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DECOMPILED_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        try {
          return await cmds.decompile(vscode.Uri.parse(uri.query));
        } catch (err) {
          cmds.log(`decompile ${uri.query}: ${(err as Error).message}`);
          return `# This file is not a valid compiled requirement:\n# ${(err as Error).message}\n`;
        }
      },
    }),
  );

  // Status bar: which validator answers and why. Computing it loads the native
  // addon, so it runs after activation, when the item is first shown.
  const status = vscode.window.createStatusBarItem('csrl.validator', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Code Signing Requirement validator';
  status.command = 'csrl.showOutput';
  context.subscriptions.push(status);
  let validator: { name: string; why: string } | undefined;
  const refreshValidator = () => {
    try {
      const pref = vscode.workspace.getConfiguration('csrl').get('validator', CHECK_SETTINGS.validator);
      validator = nativeModule().validatorStatus(pref);
      status.text = `$(shield) ${validator.name}`;
      status.tooltip = `Requirements are tested with the ${validator.name}: ${validator.why}`;
      output.appendLine(`[validator] ${validator.name}: ${validator.why}`);
    } catch (err) {
      status.text = '$(shield) csrl';
      status.tooltip = `The validator could not be loaded: ${(err as Error).message}`;
      output.appendLine(`[validator] ${(err as Error).stack}`);
    }
  };
  const updateStatus = (editor: vscode.TextEditor | undefined) => {
    if (editor && (editor.document.languageId === 'csreq' || hasRequirements(editor.document))) {
      if (!validator) refreshValidator();
      status.show();
    } else {
      status.hide();
    }
  };

  const onDocument = (doc: vscode.TextDocument) => {
    if (looksLikeBinaryRequirement(doc)) {
      // A compiled requirement opened as text: show the decompiled view instead.
      void vscode.workspace.openTextDocument(decompiledUri(doc.uri)).then((d) => vscode.window.showTextDocument(d, { preview: false }));
      return;
    }
    if (hasRequirements(doc)) void server.start().catch(() => undefined);
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(onDocument),
    vscode.window.onDidChangeActiveTextEditor((e) => setTimeout(() => updateStatus(e), 0)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server.setTrust(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('csrl.validator')) {
        validator = undefined;
        updateStatus(vscode.window.activeTextEditor);
      }
    }),
  );
  vscode.workspace.textDocuments.forEach(onDocument);
  setTimeout(() => updateStatus(vscode.window.activeTextEditor), 0);

  const activationMs = performance.now() - t0;
  output.appendLine(`[activate] ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    startServer: async () => {
      await server.start();
    },
    serverRunning: () => server.running !== undefined,
    lastResult: (uri) => decorations.get(uri),
    validator: () => {
      if (!validator) refreshValidator();
      return validator;
    },
    processes: () => checkModule().listProcesses(),
  };
}

export async function deactivate(): Promise<void> {
  await handle?.stop();
  handle = undefined;
}
