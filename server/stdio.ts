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
  const { startServer } = await import('./server.js');
  // The server's own reader and queue (framing and depth limits, params checks, merged edits, cancellation).
  const { createServerConnection } = await import('./intake.js');
  const connection = createServerConnection([transport!]);
  startServer(connection);
  // The connection ends the process on `exit`; until then keep running.
  return new Promise<never>(() => {});
}
