/** Typed errors of the native validator; `code` matches native/src/value.h. */
export class NativeError extends Error {
  readonly code: string;
  errno?: number;
  constructor(message: string, code: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The addon could not be loaded; `message` says why. */
export class NativeUnavailableError extends NativeError {
  constructor(reason: string) {
    super(`native addon not available: ${reason}`, 'ERR_CSRL_NATIVE_UNAVAILABLE');
  }
}

/** The PID names no process (it exited, never existed, or is a thread id). */
export class ProcessNotFoundError extends NativeError {
  constructor(message: string) {
    super(message, 'ERR_CSRL_NO_SUCH_PROCESS');
  }
}

/**
 * The process changed while it was being checked (it exited, or its PID now
 * belongs to another process): any result obtained in between is discarded.
 */
export class ProcessChangedError extends NativeError {
  constructor(message: string) {
    super(message, 'ERR_CSRL_PROCESS_CHANGED');
  }
}

export class AccessDeniedError extends NativeError {
  constructor(message: string) {
    super(message, 'ERR_CSRL_ACCESS_DENIED');
  }
}

export class UnsupportedPlatformError extends NativeError {
  constructor(message: string) {
    super(message, 'ERR_CSRL_UNSUPPORTED_PLATFORM');
  }
}
