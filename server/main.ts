#!/usr/bin/env node
/**
 * Entry of the language server. The transport comes from the command line,
 * as vscode-languageserver reads it: `--stdio` (Neovim, Helix, Sublime,
 * Emacs, `csrl lsp --stdio`) or `--node-ipc` (VS Code); both go through the
 * server's guarded reader and message queue (intake.ts).
 */
import { createServerConnection } from './intake.js';
import { startServer } from './server.js';

startServer(createServerConnection());
