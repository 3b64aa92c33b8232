/**
 * `csrl lsp`: the language server over standard input/output for any LSP
 * editor. The csrl executable (bin/csrl.js) starts it directly, so the CLI's
 * modules never import the server's (front ends do not import each other).
 */

const HELP = `usage: csrl lsp --stdio

Runs the csrl language server over standard input/output (JSON-RPC with
Content-Length framing), for editors such as Neovim, Helix, Sublime Text and
Emacs. VS Code starts the same server over IPC by itself.
Custom requests and settings: see server/README.md.
`;

/** Runs the server for `csrl lsp ARGS`; resolves to an exit status only for --help and usage errors. */
export async function runLsp(args: string[], out: { stdout: (t: string) => void; stderr: (t: string) => void } = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.stdout(HELP);
    return 0;
  }
  const transport = args.find((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='));
  const unknown = args.filter((a) => a !== transport && !a.startsWith('--clientProcessId'));
  const usage = !transport ? 'choose a transport: --stdio' : unknown.length > 0 ? `unknown option ${unknown[0]}` : undefined;
  if (usage) {
    out.stderr(`csrl lsp: ${usage}\nRun 'csrl lsp --help' for usage.\n`);
    return 64;
  }
  type Lsp = typeof import('vscode-languageserver/node.js');
  const imported = (await import('vscode-languageserver/node.js')) as Lsp & { default?: Lsp };
  // A CommonJS package imported from an ESM bundle arrives under `default`; from plain Node, as named exports.
  const { createConnection, ProposedFeatures } = imported.ProposedFeatures ? imported : imported.default!;
  const { startServer } = await import('./server.js');
  let connection;
  if (transport === '--stdio') {
    // Standard output carries the protocol: a stray console.log (ours or a dependency's) would corrupt it.
    // vscode-languageserver redirects the console only when it picks stdio from argv itself.
    const toStderr = (...a: unknown[]): void => console.error(...a);
    Object.assign(console, { log: toStderr, info: toStderr, debug: toStderr, warn: toStderr, trace: toStderr, dir: toStderr });
    connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  } else {
    connection = createConnection(ProposedFeatures.all);
  }
  startServer(connection);
  // The connection ends the process on `exit`; until then keep running.
  return new Promise<never>(() => {});
}
