#!/usr/bin/env node
// The composition root: `csrl lsp` starts the language server, everything else the CLI.
const args = process.argv.slice(2);
const started = args[0] === 'lsp' ? import('../dist/cli/lsp.js').then((m) => m.runLsp(args.slice(1))) : import('../dist/cli/main.js').then((m) => m.main(args));

started.then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`csrl: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
