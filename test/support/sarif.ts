/**
 * The official SARIF 2.1.0 schema (draft-04), as shipped in the
 * @microsoft/jest-sarif package, compiled with Ajv; formats are checked by
 * the small validators below (ajv-formats is not installed). `csrl lint` and
 * `csrl doctor` output are validated against it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AjvModule from 'ajv-draft-04';
import { REPO } from '../e2e/harness.js';

export type Validate = ((data: unknown) => boolean) & { errors?: unknown[] | null };

export function sarifValidator(): Validate {
  // A CommonJS module: its default export is module.exports, whose `default` is the class.
  const Ajv = (AjvModule as unknown as { default: new (options: Record<string, unknown>) => { compile(schema: object): Validate } }).default;
  const schemaPath = join(REPO, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    // The schema's language pattern is not valid with the `u` flag.
    unicodeRegExp: false,
    logger: false,
    formats: {
      uri: (s: string) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s),
      'uri-reference': (s: string) => {
        try {
          new URL(s, 'file:///base/');
          return !/\s/.test(s);
        } catch {
          return false;
        }
      },
      'date-time': (s: string) => !Number.isNaN(Date.parse(s)),
    },
  });
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}
