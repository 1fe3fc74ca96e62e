/**
 * The error classes of `@mp/multiprocessing`. Every one is a real class, so
 * `instanceof` works, and each sets `name` to its class name.
 *
 * @module
 */

/**
 * An object was used in a state that does not allow the call: a `Process`
 * started twice, joined before it was started, or a pool used after `close()`.
 *
 * @example
 * ```ts
 * import { StateError } from "@mp/multiprocessing";
 * const err = new StateError("Process is already started");
 * console.log(err instanceof StateError, err.name); // true "StateError"
 * ```
 */
export class StateError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StateError";
  }
}

/**
 * A `Barrier` was broken (by `abort()`, `reset()` or a `wait()` that timed
 * out) while this caller waited at it, or before it arrived (Python's
 * `BrokenBarrierError`). A `StateError`: call `reset()` to use the barrier again.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const b = new mp.Barrier(2);
 * b.abort();
 * await b.wait().catch((e) => console.log(e instanceof mp.BrokenBarrierError)); // true
 * ```
 */
export class BrokenBarrierError extends StateError {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokenBarrierError";
  }
}

/**
 * A value is of the right type but not acceptable, such as `taskDone()` called
 * more times than items were put (Python's `ValueError`).
 *
 * @example
 * ```ts
 * import { ValueError } from "@mp/multiprocessing";
 * console.log(new ValueError("taskDone() called too many times").name); // "ValueError"
 * ```
 */
export class ValueError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ValueError";
  }
}

/**
 * A wait ran out of time (Python's `TimeoutError`). It only ends the waiting:
 * whatever was awaited may still complete.
 *
 * @example
 * ```ts
 * import { TimeoutError } from "@mp/multiprocessing";
 * console.log(new TimeoutError("Result not ready after 1000 ms").name); // "TimeoutError"
 * ```
 */
export class TimeoutError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * A task ran longer than its `timeout`; the child running it was stopped.
 * A subclass of {@linkcode TimeoutError}.
 *
 * @example
 * ```ts
 * import { TaskTimeoutError, TimeoutError } from "@mp/multiprocessing";
 * const err = new TaskTimeoutError("Task ran longer than 200 ms");
 * console.log(err instanceof TimeoutError); // true
 * ```
 */
export class TaskTimeoutError extends TimeoutError {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TaskTimeoutError";
  }
}

/**
 * A `get` found no item in time (Python's `queue.Empty`).
 *
 * @example
 * ```ts
 * import { EmptyError } from "@mp/multiprocessing";
 * console.log(new EmptyError("Queue is empty").name); // "EmptyError"
 * ```
 */
export class EmptyError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EmptyError";
  }
}

/**
 * A `put` found no room in time (Python's `queue.Full`).
 *
 * @example
 * ```ts
 * import { FullError } from "@mp/multiprocessing";
 * console.log(new FullError("Queue is full").name); // "FullError"
 * ```
 */
export class FullError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FullError";
  }
}

/**
 * Nothing more can be read: the other end of a connection is closed and every
 * message it sent has been read (Python's `EOFError`).
 *
 * @example
 * ```ts
 * import { EOFError } from "@mp/multiprocessing";
 * console.log(new EOFError("Connection closed").name); // "EOFError"
 * ```
 */
export class EOFError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "EOFError";
  }
}

/**
 * How a child ended, as carried by {@linkcode WorkerCrashedError}.
 *
 * @example
 * ```ts
 * import { WorkerCrashedError } from "@mp/multiprocessing";
 * const info = { exitCode: null, signal: "SIGKILL" };
 * console.log(new WorkerCrashedError("killed", info).signal); // "SIGKILL"
 * ```
 */
export interface CrashInfo {
  /** The exit code, or `null` when the child was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the child (`"SIGKILL"`, ...), or `null`. */
  signal: string | null;
}

/**
 * A child died while it held work: it exited, crashed, ran out of memory or
 * was killed. The work it held is rejected with this error; the pool that
 * owned the child replaces it.
 *
 * @example
 * ```ts
 * import { WorkerCrashedError } from "@mp/multiprocessing";
 * const err = new WorkerCrashedError("Worker exited with code 1 while running a task", {
 *   exitCode: 1,
 *   signal: null,
 * });
 * console.log(err.exitCode, err.signal); // 1 null
 * ```
 */
export class WorkerCrashedError extends Error {
  /** The child's exit code, or `null` when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended the child, or `null`. */
  readonly signal: string | null;
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param info How the child ended.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, info: CrashInfo, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorkerCrashedError";
    this.exitCode = info.exitCode;
    this.signal = info.signal;
  }
}

/**
 * Work was cancelled before it started, e.g. by
 * `shutdown({ cancelFutures: true })`.
 *
 * @example
 * ```ts
 * import { CancelledError } from "@mp/multiprocessing";
 * console.log(new CancelledError("Future was cancelled").name); // "CancelledError"
 * ```
 */
export class CancelledError extends Error {
  /**
   * Creates the error.
   *
   * @param message What happened and what to do about it.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CancelledError";
  }
}

/**
 * A subprocess child sent bytes that break the frame protocol: a frame over
 * `maxFrameBytes`, an unknown tag, a payload that does not decode or a
 * message of the wrong shape. The stream cannot be resynchronised, so the
 * parent kills that child with SIGKILL: a `Process` then has `exitcode` `-9`
 * and the error is printed to stderr; a pool reports it as the `cause` of the
 * {@linkcode WorkerCrashedError} of the task the child held.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const err = new mp.ProtocolError("Frame of 600 bytes exceeds the 512-byte limit");
 * const crash = new mp.WorkerCrashedError("killed", { exitCode: null, signal: "SIGKILL" }, {
 *   cause: err,
 * });
 * console.log(crash.cause instanceof mp.ProtocolError, err.name); // true "ProtocolError"
 * ```
 */
export class ProtocolError extends Error {
  /**
   * Creates the error.
   *
   * @param message What was wrong with the bytes.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ProtocolError";
  }
}
