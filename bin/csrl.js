#!/usr/bin/env node
// The composition root: `csrl lsp` starts the language server, everything else the CLI.
// `check` and `info` load the CLI from one file (dist/cli/signature.js, see scripts/bundle.mjs),
// the other commands from its split chunks, so each loads only what it runs.
const args = process.argv.slice(2);
const cli = args[0] === 'check' || args[0] === 'info' ? '../dist/cli/signature.js' : '../dist/cli/main.js';
const started = args[0] === 'lsp' ? import('../dist/cli/lsp.js').then((m) => m.runLsp(args.slice(1))) : import(cli).then((m) => m.main(args));

started.then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`csrl: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
