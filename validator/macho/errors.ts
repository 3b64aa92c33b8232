/** Why a file could not be read as code at all (as opposed to a Problem found in its signature). */
export type CodeReadErrorCode = 'not-found' | 'not-macho' | 'truncated' | 'too-large' | 'malformed' | 'bad-bundle' | 'arch-not-found' | 'io';

export class CodeReadError extends Error {
  readonly code: CodeReadErrorCode;
  constructor(code: CodeReadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CodeReadError';
    this.code = code;
  }
}
