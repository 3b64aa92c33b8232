#!/usr/bin/env node
/**
 * Entry of the language server. The transport comes from the command line,
 * as vscode-languageserver reads it: `--stdio` (Neovim, Helix, Sublime,
 * Emacs, `csrl lsp --stdio`) or `--node-ipc` (VS Code).
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node.js';
import { startServer } from './server.js';

startServer(createConnection(ProposedFeatures.all));
