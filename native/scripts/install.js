#!/usr/bin/env node
// package.json "install": builds the native addon with node-gyp.
//
// The extension and the CLI work without the addon (live-process features
// then report "native addon not available"), so a failed build prints a
// warning and lets the install succeed, unless CSRL_REQUIRE_NATIVE=1.
// CSRL_SKIP_NATIVE=1 skips the build. No network access is made here: node-gyp
// uses the headers that npm is configured with (nodedir) or its own cache.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const required = process.env.CSRL_REQUIRE_NATIVE === '1';

function warn(message) {
  process.stderr.write(`csrl: warning: ${message}\n`);
}

/** node-gyp's JS entry point: npm's own copy first (npm passes it), then a local one. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  try {
    candidates.push(createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not a local dependency
  }
  candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(path.join(path.dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => c.endsWith('.js') && existsSync(c));
}

/**
 * The headers of the running Node, when it ships them (official builds and
 * distribution packages do): passing them avoids node-gyp's header download.
 */
function localNodeDir() {
  if (process.env.npm_config_nodedir) return undefined; // npm's setting wins
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'common.gypi')) ? prefix : undefined;
}

function main() {
  if (process.env.CSRL_SKIP_NATIVE === '1') {
    warn('CSRL_SKIP_NATIVE=1: the native addon was not built');
    return 0;
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) {
    warn('node-gyp not found; the native addon was not built (live-process features are unavailable)');
    return required ? 1 : 0;
  }
  try {
    const nodedir = localNodeDir();
    const args = [nodeGyp, 'rebuild', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
    execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
    return 0;
  } catch (err) {
    warn(`building the native addon failed (${err && err.message ? err.message.split('\n')[0] : err}); ` +
      'csrl works without it, but live-process checks are unavailable');
    return required ? 1 : 0;
  }
}

process.exitCode = main();
