import { EXIT, UsageError, type CommandIO } from '../io.js';

const HELP = `usage: csrl lsp --stdio

Runs the csrl language server over standard input/output (JSON-RPC with
Content-Length framing), for editors such as Neovim, Helix, Sublime Text and
Emacs. VS Code starts the same server over IPC by itself.
Custom requests and settings: see server/README.md.
`;

export async function run(args: string[], io: CommandIO): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  const transport = args.find((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='));
  if (!transport) throw new UsageError('choose a transport: --stdio');
  const unknown = args.filter((a) => a !== transport && !a.startsWith('--clientProcessId'));
  if (unknown.length > 0) throw new UsageError(`unknown option ${unknown[0]}`);
  type Lsp = typeof import('vscode-languageserver/node.js');
  const imported = (await import('vscode-languageserver/node.js')) as Lsp & { default?: Lsp };
  // A CommonJS package imported from an ESM bundle arrives under `default`; from plain Node, as named exports.
  const { createConnection, ProposedFeatures } = imported.ProposedFeatures ? imported : imported.default!;
  const { startServer } = await import('../../server/server.js');
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
  await new Promise<never>(() => {});
  return EXIT.ok;
}
