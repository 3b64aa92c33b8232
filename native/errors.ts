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

/** The process exists but runs no executable file: a kernel thread, or a zombie (exited, not yet reaped). */
export class NoExecutableError extends NativeError {
  constructor(message: string) {
    super(message, 'ERR_CSRL_NO_EXECUTABLE');
  }
}

/**
 * The file at the path of a process's executable is not the file the process
 * runs: it was deleted or replaced after the process started, or which file
 * the process runs could not be established. Nothing was read or judged.
 */
export class ExecutableReplacedError extends NativeError {
  constructor(
    message: string,
    readonly pid: number,
    /** What the process reader found (native/index.ts ExecutableFile). */
    readonly executable: { path: string; state: 'deleted' | 'replaced' | 'unverified'; detail?: string },
    /** The process identity the guard held (native/index.ts ProcessIdentity). */
    readonly identity: { pid: number; startTime: string; uniqueId?: string; pidVersion?: number },
  ) {
    super(message, 'ERR_CSRL_EXECUTABLE_REPLACED');
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
