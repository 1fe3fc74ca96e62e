/**
 * The options of `Pool` and of its calls, with the checks that turn a bad
 * value into a precise `RangeError` or `TypeError`.
 *
 * @module
 */

import { checkKnownKeys } from "../_options.ts";
import type { Permissions } from "../permissions.ts";
import type { Backend } from "../spawn.ts";
import { describe } from "../_describe.ts";
import type { Target } from "../target.ts";

/**
 * Where a pool runs its tasks: children, or the caller's own event loop.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const backend: mp.PoolBackend = "inline"; // I/O-bound work on this event loop
 * await using pool = new mp.Pool({ processes: 8, backend });
 * ```
 */
export type PoolBackend = Backend | "inline";

/**
 * Options of a `Pool`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const options: mp.PoolOptions = { processes: 2, maxtasksperchild: 100, timeout: 30_000 };
 * await using pool = new mp.Pool(options);
 * ```
 */
export interface PoolOptions<I extends unknown[] = unknown[]> {
  /**
   * How many workers run tasks at once.
   * @default {cpuCount()}
   */
  processes?: number;
  /**
   * `"worker"`: Web Workers in this process; `"subprocess"`: `deno run`
   * children; `"inline"`: async functions on this event loop, at most
   * `processes` at a time (Python's `multiprocessing.dummy`, for I/O-bound
   * work).
   * Unset, the backend `mp.setStartMethod()` chose, else `"worker"`.
   * @default {"worker"}
   */
  backend?: PoolBackend;
  /**
   * Runs once in each worker before its first task, with `initargs`. Any
   * function or task reference; give `PoolOptions` its argument types
   * (`PoolOptions<[string]>`) to have `initargs` checked against it.
   * @default {undefined}
   */
  initializer?: unknown[] extends I ? Target<never[]> : Target<I>;
  /**
   * Arguments for `initializer`.
   * @default {[]}
   */
  initargs?: I;
  /**
   * A worker is replaced after completing this many tasks (a chunk of a
   * map counts as one task, as in Python). Unset, workers live as long as
   * the pool.
   * @default {undefined}
   */
  maxtasksperchild?: number;
  /**
   * Default per-task time limit in milliseconds, counting run time only (per
   * item for map-style calls). An overrunning task rejects with
   * `TaskTimeoutError` and its worker is replaced. Unset, no limit.
   * @default {undefined}
   */
  timeout?: number;
  /**
   * What the workers may do; omitted, they have this process's permissions.
   * @default {"inherit"}
   */
  permissions?: Permissions;
  /**
   * Largest message frame, in bytes, a `"subprocess"` worker may send back.
   * A worker that announces a larger frame — or sends bytes that are not
   * frames at all — is killed; the task it held rejects with
   * `WorkerCrashedError` whose `cause` is the protocol error, and the worker
   * is replaced. The parent never buffers more than one frame of this size
   * per worker. Ignored by the `"worker"` and `"inline"` backends, whose
   * messages are not frames.
   * @default {536870912}
   */
  maxFrameBytes?: number;
  /**
   * Caps each `"subprocess"` worker's V8 heap at this many MiB (V8's
   * `--max-old-space-size`). A task that needs more kills its worker (V8's
   * fatal out-of-memory error, SIGTRAP): the task rejects with
   * `WorkerCrashedError` and the worker is replaced. Throws with the
   * `"worker"` and `"inline"` backends: Deno cannot cap a worker's heap, and
   * inline tasks run in this process.
   * @default {V8's own limit}
   */
  maxHeapMb?: number;
}

/**
 * What map-style calls take: any sync or async iterable, infinite ones too.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * async function* numbers() {
 *   yield 1;
 *   yield 2;
 * }
 * const items: mp.Items<number> = numbers();
 * await using pool = new mp.Pool(1);
 * console.log(await pool.map((x: number) => x * 10, items)); // [10, 20]
 * ```
 */
export type Items<A> = Iterable<A> | AsyncIterable<A>;

/**
 * What `imap` and `imapUnordered` return: an async iterator of the results
 * whose `next()` takes a timeout, as Python's `IMapIterator.next(timeout)`.
 *
 * @typeParam R The results.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.Pool(1);
 * const it: mp.ResultIterator<number> = pool.imap(
 *   (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms)),
 *   [300],
 * );
 * await it.next(10).catch((e) => console.log(e.name)); // "TimeoutError"
 * console.log((await it.next()).value); // 300
 * ```
 */
export interface ResultIterator<R> extends AsyncIterableIterator<R> {
  /**
   * The next result.
   *
   * @param timeout How long to wait for it, in ms; without one, as long as it takes.
   * @returns The next result, or `done` after the last.
   * @throws {TimeoutError} When `timeout` passes first; nothing is lost, and
   * the next call gets the result.
   * @throws {RangeError} For a bad `timeout`.
   * @throws The error of an item that failed, in its place; the next call goes on.
   */
  next(timeout?: number): Promise<IteratorResult<R>>;
}

/**
 * Progress of a call: `total` is `undefined` while the input's length is unknown.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.Pool(2);
 * const report = ({ done, total }: mp.Progress) => console.log(`${done} of ${total ?? "?"}`);
 * await pool.map((x: number) => x, [1, 2, 3], { onProgress: report });
 * ```
 */
export interface Progress {
  /** Items completed (successfully or not). */
  done: number;
  /** Items in the input, once known. */
  total: number | undefined;
}

/**
 * Options shared by every call.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.Pool(1);
 * const options: mp.CallOptions = { timeout: 5000, signal: AbortSignal.timeout(10_000) };
 * console.log(await pool.apply((x: number) => x + 1, [1], options)); // 2
 * ```
 */
export interface CallOptions {
  /**
   * Per-task (per-item) time limit in milliseconds for this call; overrides
   * the pool's `timeout`.
   * @default {the pool's `timeout`}
   */
  timeout?: number;
  /** Cancels the call: queued items are dropped, running ones stopped. */
  signal?: AbortSignal;
}

/**
 * Options of `map`, `imap`, `imapUnordered`, `starmap` and their async forms.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.Pool(2);
 * const options: mp.MapOptions = {
 *   chunksize: 100,
 *   onProgress: ({ done, total }) => console.log(`${done}/${total}`),
 * };
 * await pool.map((x: number) => x * 2, Array.from({ length: 1000 }, (_, i) => i), options);
 * ```
 */
export interface MapOptions extends CallOptions {
  /**
   * Items per message to a worker. Unset, it adapts: large enough that the
   * per-message cost vanishes, small enough to keep every worker busy.
   * @default {undefined}
   */
  chunksize?: number;
  /** Called in this process as items complete. */
  onProgress?: (progress: Progress) => void;
}

/**
 * Callbacks of `applyAsync`, `mapAsync` and `starmapAsync`, run in this process.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.Pool(1);
 * const callbacks: mp.ResultCallbacks<number> = {
 *   callback: (result) => console.log("got", result),
 *   errorCallback: (error) => console.error("failed", error),
 * };
 * await pool.applyAsync((a: number) => a * 2, [21], callbacks);
 * ```
 */
export interface ResultCallbacks<T> {
  /** Called with the result once it is ready. */
  callback?: (result: T) => void;
  /** Called with the error if the call fails. */
  errorCallback?: (error: unknown) => void;
}

/**
 * @throws {TypeError} Unless `value` is a number.
 * @throws {RangeError} Unless it is a positive integer.
 */
export function checkPositiveInteger(name: string, value: unknown): void {
  if (typeof value !== "number") {
    throw new TypeError(`Expected \`${name}\` to be a positive integer, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`Expected \`${name}\` to be a positive integer, got ${describe(value)}`);
  }
}

/**
 * @throws {TypeError} Unless `value` is a number.
 * @throws {RangeError} Unless it is a positive finite number of milliseconds.
 */
export function checkTimeout(value: unknown): void {
  if (typeof value !== "number") {
    throw new TypeError(
      `Expected \`timeout\` to be a positive number of milliseconds, got ${describe(value)}`,
    );
  }
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Expected \`timeout\` to be a positive number of milliseconds, got ${describe(value)}`,
    );
  }
}

/** @throws {TypeError} Unless `value` is an `AbortSignal`. */
export function checkSignal(value: unknown): void {
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`Expected \`signal\` to be an AbortSignal, got ${describe(value)}`);
  }
}

/** @throws {TypeError} Unless `value` is a function. */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== "function") {
    throw new TypeError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
  }
}

/** The option names of `new Pool()`. */
export const POOL_OPTIONS = [
  "processes",
  "backend",
  "initializer",
  "initargs",
  "maxtasksperchild",
  "timeout",
  "permissions",
  "maxFrameBytes",
  "maxHeapMb",
] as const satisfies readonly (keyof PoolOptions)[];

const CALL_OPTIONS = [
  "timeout",
  "signal",
  "chunksize",
  "onProgress",
  "callback",
  "errorCallback",
] as const satisfies readonly (keyof (MapOptions & ResultCallbacks<never>))[];

/** Validates the options every call takes. */
export function checkCallOptions(options: MapOptions & ResultCallbacks<never>): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected call options to be an object, got ${describe(options)}`);
  }
  checkKnownKeys("a Pool call", options, CALL_OPTIONS);
  if (options.timeout !== undefined) checkTimeout(options.timeout);
  if (options.signal !== undefined) checkSignal(options.signal);
  if (options.chunksize !== undefined) checkPositiveInteger("chunksize", options.chunksize);
  if (options.onProgress !== undefined) checkFunction("onProgress", options.onProgress);
  if (options.callback !== undefined) checkFunction("callback", options.callback);
  if (options.errorCallback !== undefined) checkFunction("errorCallback", options.errorCallback);
}
