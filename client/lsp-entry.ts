/**
 * The language client library (vscode-languageclient, ~700 KB), bundled apart
 * as dist/lsp.cjs and loaded when the server is first started, not during
 * activation.
 */
export { LanguageClient, TransportKind } from 'vscode-languageclient/node.js';
