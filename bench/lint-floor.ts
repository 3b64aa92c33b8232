/**
 * The floor of `csrl lint DIR`: what `rg -l PATTERN DIR` does, done by Node
 * the plainest way (walk the tree, read every file whole, test one regular
 * expression, print the names that match). Any lint written on Node reads at
 * least this much, so its cost ÷ rg's is the most a Node CLI can hope for.
 *
 * Usage: node lint-floor.js PATTERN DIR
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [pattern, root] = process.argv.slice(2);
const re = new RegExp(pattern!);
const found: string[] = [];
const walk = (dir: string): void => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full);
    else if (e.isFile() && re.test(readFileSync(full, 'latin1'))) found.push(full);
  }
};
walk(root!);
process.stdout.write(found.join('\n') + '\n');
