import { EXIT, processIO, UsageError, type CommandIO, type CommandRun } from './io.js';
import { version } from './version.js';

export { version };

/**
 * Each command lives in its own module under cli/commands and is loaded only
 * when used, so `csrl parse` never pays for the signature reader.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRun }> }> = {
  parse: { summary: 'check requirement text and print it in canonical form', load: () => import('./commands/parse.js') },
  fmt: { summary: 'lay out requirement text (as Format Document does); --check for CI', load: () => import('./commands/fmt.js') },
  compile: { summary: 'compile requirement text to Apple\'s binary form', load: () => import('./commands/compile.js') },
  decompile: { summary: 'print a binary requirement (blob) as text', load: () => import('./commands/decompile.js') },
  info: { summary: 'show the code signature of a binary, bundle or process', load: () => import('./commands/info.js') },
  check: { summary: 'test a requirement against a binary, bundle or process, clause by clause', load: () => import('./commands/check.js') },
  lwcr: { summary: 'lightweight code requirements (launch/library constraints): parse, encode, decode', load: () => import('./commands/lwcr.js') },
  doctor: { summary: 'check every code-signing relationship inside an app and name the clause that breaks', load: () => import('./commands/doctor.js') },
  lint: { summary: 'lint requirements in source trees (text, JSON, SARIF)', load: () => import('./commands/lint.js') },
  ps: { summary: 'list processes', load: () => import('./commands/ps.js') },
  'xpc-codegen': { summary: 'generate XPC service code that checks clients against a requirement', load: () => import('./commands/xpc-codegen.js') },
  lsp: { summary: 'run the language server (--stdio)', load: async () => ({ run: lspFromCsrlExecutable }) },
};

function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'usage: csrl <command> [options]',
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
    '',
    'Examples:',
    '  csrl parse -e \'identifier "com.example.helper" and anchor apple generic\'',
    '  csrl compile --hex examples/developer-id.csreq',
    '  csrl decompile --hex fade0c00000000100000000100000003',
    '  csrl check -e \'anchor apple generic\' path/to/Tool.app',
    '',
    'Run `csrl <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

/**
 * `csrl lsp` is started by the csrl executable itself (bin/csrl.js runs
 * server/stdio.ts), not by this module: the CLI does not import the server.
 */
async function lspFromCsrlExecutable(): Promise<number> {
  throw new UsageError("the language server runs from the csrl executable: 'csrl lsp --stdio'");
}

export async function main(argv: string[], io: CommandIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`csrl ${version()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`csrl: unknown command '${name}'\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`csrl ${name}: ${err.message}\nRun 'csrl ${name} --help' for usage.\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
