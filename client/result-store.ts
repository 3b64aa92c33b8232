/**
 * The texts of read-only result documents (signing information, compare
 * with designated, compiled bytes, generated XPC code). VS Code asks a
 * content provider for a document's text by URI, so each result gets a URI
 * of its own: the path is the tab title (with the extension of its
 * language), the query a serial number that keeps two results with the same
 * title apart. Pure (no `vscode`): the provider in result-documents.ts only
 * forwards to it, and tests use it without an editor.
 */

export const RESULT_SCHEME = 'csrl-result';

export type ResultLanguage = 'swift' | 'objective-c' | 'c' | 'plaintext' | 'csreq';

const EXTENSIONS: Readonly<Record<ResultLanguage, string>> = { swift: 'swift', 'objective-c': 'm', c: 'c', plaintext: 'txt', csreq: 'csreq' };

export interface StoredResult {
  /** Path of the URI: `/<title>.<ext>`. */
  path: string;
  /** Query of the URI: the serial number. */
  query: string;
  languageId: ResultLanguage;
  text: string;
}

/** Results kept; an older one that is still open says to run its command again (VS Code may ask again after a reload). */
export const MAX_RESULTS = 64;

/** Characters a tab title and a URI path should not hold (separators, controls, bidi). */
const UNSAFE_TITLE = /[\/\\\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff?#%]/gu;

export function resultTitle(title: string): string {
  const t = title.replace(UNSAFE_TITLE, '_').trim();
  return (t === '' ? 'result' : t).slice(0, 120);
}

export class ResultStore {
  private readonly results = new Map<string, StoredResult>();
  private serial = 0;

  add(title: string, text: string, languageId: ResultLanguage): StoredResult {
    const query = String(++this.serial);
    const result: StoredResult = { path: `/${resultTitle(title)}.${EXTENSIONS[languageId]}`, query, languageId, text };
    this.results.set(query, result);
    while (this.results.size > MAX_RESULTS) this.results.delete(this.results.keys().next().value!);
    return result;
  }

  /** The text for a URI's path and query; a forgotten or unknown result says so instead of failing. */
  text(path: string, query: string): string {
    const r = this.results.get(query);
    if (!r || r.path !== path) return `This result is no longer available: run its command again.\n`;
    return r.text;
  }

  get size(): number {
    return this.results.size;
  }
}
