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
  const { startServer } = await import('../../server/server.js');
  // The server's own reader and queue (framing and depth limits, params checks, merged edits, cancellation).
  const { createServerConnection } = await import('../../server/intake.js');
  const connection = createServerConnection([transport]);
  startServer(connection);
  // The connection ends the process on `exit`; until then keep running.
  await new Promise<never>(() => {});
  return EXIT.ok;
}
