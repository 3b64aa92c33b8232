/**
 * What the server's test commands need of the engine, in one module the
 * server imports on first use (server/commands.ts), so starting the server
 * never parses the Mach-O reader, CMS and ASN.1 stack. The extension's
 * server bundle keeps it as a file of its own (dist/server-validator.cjs,
 * see scripts/bundle.mjs); the CLI bundle makes it a chunk of its own.
 */
export { checkPath, checkProcess, defaultApple } from '../engine/check.js';
export { checkLwcrPath, checkLwcrProcess } from '../engine/lwcr.js';
export { processNative } from '../engine/process-target.js';
export { requirementFromText, singleRequirement } from '../engine/requirement.js';
export { parseCheckTime } from '../engine/time.js';
export { sliceFactsOf as signedSlicesOf } from '../engine/designated.js';
export { printCanonical } from '../grammar/print/canonical.js';
