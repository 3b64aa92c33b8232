/**
 * What the server's test commands need of the validator, in one module the
 * server imports on first use (server/commands.ts), so starting the server
 * never parses the Mach-O reader, CMS and ASN.1 stack. The extension's
 * server bundle keeps it as a file of its own (dist/server-validator.cjs,
 * see scripts/bundle.mjs); the CLI bundle makes it a chunk of its own.
 */
export { readCode } from '../validator/read.js';
export { evaluate } from '../validator/evaluate/evaluate.js';
