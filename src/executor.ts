/**
 * `ProcessPoolExecutor` and `asCompleted`: Python's `concurrent.futures` for
 * Deno, built on {@linkcode Pool}. `submit()` returns a plain `Promise`.
 *
 * @module
 */

import { checkKnownKeys } from "./_options.ts";
import { cpuCount, defaultBackend } from "./context.ts";
import { CancelledError, StateError } from "./errors.ts";
import { Pool } from "./pool.ts";
import { checkPositiveInteger, type Items } from "./pool/options.ts";
import { backendOf } from "./backend.ts";
import { describe } from "./_describe.ts";
import type { Target } from "./target.ts";
import { Completions } from "./executor/_as_completed.ts";
import {
  checkBoolean,
  checkIterable,
  checkObject,
  checkTarget,
  deadlineOf,
  promisesOf,
} from "./executor/_checks.ts";
import { MapRun } from "./executor/_map.ts";
import { zipItems } from "./executor/_zip.ts";
import { cancelWith, Future } from "./executor/future.ts";
import { WorkQueue } from "./executor/_queue.ts";
import type { ExecutorMapOptions, ExecutorOptions, ShutdownOptions } from "./executor/options.ts";

export type { ExecutorMapOptions, ExecutorOptions, ShutdownOptions };

/**
 * Python's `concurrent.futures.ProcessPoolExecutor` for Deno: `submit()`
 * returns a `Promise` of the target's result, `map()` yields results in input
 * order, `shutdown()` lets pending work finish or cancels what has not
 * started. Targets are what {@linkcode Pool} takes: self-contained functions
 * or `TaskRef`s from `mp.tasks()`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * await using ex = new mp.ProcessPoolExecutor({ maxWorkers: 2 });
 * const f = ex.submit((a: number, b: number) => a * b, 6, 7);
 * console.log(await f); // 42
 * for await (const v of ex.map((x: number) => x * x, [1, 2, 3])) {
 *   console.log(v); // 1, 4, 9
 * }
 * ```
 */
export class ProcessPoolExecutor implements AsyncDisposable {
  #pool: Pool;
  #queue: WorkQueue;
  #shutdown = false;
  #closed: Promise<void> | null = null;

  /**
   * Starts the workers.
   *
   * @param options The options, or just `maxWorkers`.
   * @throws {RangeError} When `maxWorkers` or `maxTasksPerChild` is not a
   * positive integer.
   * @throws {TypeError} When `options`, `backend`, `initializer` or
   * `initargs` has the wrong type.
   * @throws {DOMException} `DataCloneError` when `initargs` cannot be sent.
   */
  constructor(options: number | ExecutorOptions = {}) {
    const opts = typeof options === "number" ? { maxWorkers: options } : options;
    if (typeof opts !== "object" || opts === null) {
      throw new TypeError(
        `Expected \`options\` to be a number of workers or an object, got ${describe(options)}`,
      );
    }
    // A ThreadPoolExecutor is this executor on the inline backend.
    const threads = THREADS in new.target;
    checkKnownKeys(
      threads ? "ThreadPoolExecutor" : "ProcessPoolExecutor",
      opts,
      threads ? ["maxWorkers", "initializer", "initargs"] satisfies (keyof ExecutorOptions)[] : [
        "maxWorkers",
        "backend",
        "permissions",
        "initializer",
        "initargs",
        "maxTasksPerChild",
      ] satisfies (keyof ExecutorOptions)[],
    );
    const {
      maxWorkers = threads ? Math.min(32, cpuCount() + 4) : cpuCount(),
      maxTasksPerChild,
    } = opts;
    const backend = threads ? "inline" : opts.backend ?? defaultBackend();
    checkPositiveInteger("maxWorkers", maxWorkers);
    if (!threads) backendOf(backend, ["worker", "subprocess"]);
    if (maxTasksPerChild !== undefined) checkPositiveInteger("maxTasksPerChild", maxTasksPerChild);
    this.#pool = new Pool({
      processes: maxWorkers,
      backend,
      permissions: opts.permissions,
      initializer: opts.initializer as Target<unknown[]> | undefined,
      initargs: opts.initargs,
      maxtasksperchild: maxTasksPerChild,
    });
    this.#queue = new WorkQueue(maxWorkers);
  }

  /**
   * Schedules `target(...args)` and returns a {@linkcode Future} of its
   * result (a `Promise` too). It starts as soon as a worker is free; until
   * then `cancel()` on the future drops it.
   *
   * @param target A self-contained function or a `TaskRef`.
   * @param args Its arguments (structured-cloneable).
   * @returns The future result; it rejects with the task's error,
   * `WorkerCrashedError` if its worker died, a `DataCloneError` if an
   * argument cannot be sent, or `CancelledError` if `cancel()` or
   * `shutdown({ cancelFutures: true })` came first.
   * @throws {StateError} After `shutdown()`.
   * @throws {TypeError} When `target` is not a function or a `TaskRef`.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using ex = new mp.ProcessPoolExecutor(2);
   * const sum: number = await ex.submit((a: number, b: number) => a + b, 2, 3);
   * console.log(sum); // 5
   * ```
   */
  submit<A extends unknown[], R>(target: Target<A, R>, ...args: A): Future<R> {
    this.#assertOpen("submit");
    checkTarget(target);
    const future = new Future<R>();
    this.#queue.push({
      skip: () => future.cancelled(),
      run: async () => {
        if (!future.setRunningOrNotifyCancel()) return;
        try {
          future.setResult(await this.#pool.apply(target, args));
        } catch (error) {
          future.setException(error);
        }
      },
      cancel: (error) => future[cancelWith](error),
    });
    return future;
  }

  /**
   * Runs `target(item)` for every item and yields the results in input order,
   * each as soon as it and those before it are ready. Given several
   * iterables, as in Python, `target` takes one argument from each, up to the
   * shortest. The input is read at the call and the work starts then, as in
   * Python; for endless inputs use `Pool.imap`. A failing item throws its
   * error when the iteration reaches it. Ending the iteration early, an error
   * or a timeout cancels the rest: queued chunks are dropped and running ones
   * stopped (their workers are replaced), so nothing of the map runs on.
   *
   * @param target A self-contained function or a `TaskRef`, of one argument per iterable.
   * @param iterable The items: any `Iterable` or `AsyncIterable`.
   * @param options `timeout` (a deadline from this call, ms) and `chunksize`.
   * @returns An async iterator of the results.
   * @throws {StateError} After `shutdown()`.
   * @throws {TypeError} When `target` or an iterable has the wrong type.
   * @throws {RangeError} When `timeout` or `chunksize` is out of range.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using ex = new mp.ProcessPoolExecutor(2);
   * const lengths: number[] = [];
   * for await (const n of ex.map((s: string) => s.length, ["a", "bb", "ccc"])) lengths.push(n);
   * console.log(lengths); // [1, 2, 3]
   * const powers = await Array.fromAsync(ex.map((a: number, b: number) => a ** b, [2, 3, 4], [5, 2, 0]));
   * console.log(powers); // [32, 9, 1]
   * ```
   */
  map<A, R>(
    target: Target<[A], R>,
    iterable: Items<A>,
    options?: ExecutorMapOptions,
  ): AsyncIterableIterator<R>;
  /** `map()` over two iterables: `target(a, b)` for each pair, up to the shorter. */
  map<A, B, R>(
    target: Target<[A, B], R>,
    a: Items<A>,
    b: Items<B>,
    options?: ExecutorMapOptions,
  ): AsyncIterableIterator<R>;
  /** `map()` over three iterables. */
  map<A, B, C, R>(
    target: Target<[A, B, C], R>,
    a: Items<A>,
    b: Items<B>,
    c: Items<C>,
    options?: ExecutorMapOptions,
  ): AsyncIterableIterator<R>;
  /** `map()` over four iterables. */
  map<A, B, C, D, R>(
    target: Target<[A, B, C, D], R>,
    a: Items<A>,
    b: Items<B>,
    c: Items<C>,
    d: Items<D>,
    options?: ExecutorMapOptions,
  ): AsyncIterableIterator<R>;
  map<R>(
    target: unknown,
    ...rest: (Items<unknown> | ExecutorMapOptions | undefined)[]
  ): AsyncIterableIterator<R> {
    this.#assertOpen("map");
    checkTarget(target);
    // The options come last: an object that is not iterable (or nothing).
    const last = rest.at(-1);
    const hasOptions = rest.length > 1 && (last === undefined || (
      typeof last === "object" && last !== null && !(Symbol.iterator in last) &&
      !(Symbol.asyncIterator in last)
    ));
    const iterables = (hasOptions ? rest.slice(0, -1) : rest) as Items<unknown>[];
    const options = (hasOptions ? last ?? {} : {}) as ExecutorMapOptions;
    if (iterables.length === 0) {
      throw new TypeError("ProcessPoolExecutor.map() needs at least one iterable, got none");
    }
    iterables.forEach((it, i) =>
      checkIterable(iterables.length > 1 ? `iterables[${i}]` : "iterable", it)
    );
    checkObject("options", options);
    checkKnownKeys(
      "ProcessPoolExecutor.map()",
      options,
      [
        "chunksize",
        "timeout",
      ] satisfies (keyof ExecutorMapOptions)[],
    );
    const { chunksize = 1, timeout } = options;
    checkPositiveInteger("chunksize", chunksize);
    const deadline = deadlineOf(timeout);
    const star = iterables.length > 1;
    return new MapRun<unknown, R>({
      pool: this.#pool,
      queue: this.#queue,
      target: target as Target<never[], R>,
      input: star ? zipItems(iterables) : iterables[0],
      star,
      chunksize,
      timeout,
      deadline,
    });
  }

  /**
   * Takes no more work. Pending tasks still run unless `cancelFutures`;
   * running ones always finish. Calling it again is harmless.
   *
   * @param options `wait` (default `true`) and `cancelFutures` (default `false`).
   * @returns Resolves when the work is done and the workers have exited, or
   * at once with `wait: false`.
   * @throws {TypeError} When `wait` or `cancelFutures` is not a boolean.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const ex = new mp.ProcessPoolExecutor(1);
   * const running = ex.submit((ms: number) => new Promise((r) => setTimeout(r, ms)), 100);
   * const queued = ex.submit(() => "never runs");
   * await ex.shutdown({ cancelFutures: true });
   * await running; // finished
   * await queued.catch((e) => console.log(e.name)); // "CancelledError"
   * ```
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    checkObject("options", options);
    checkKnownKeys(
      "ProcessPoolExecutor.shutdown()",
      options,
      [
        "wait",
        "cancelFutures",
      ] satisfies (keyof ShutdownOptions)[],
    );
    const { wait = true, cancelFutures = false } = options;
    checkBoolean("wait", wait);
    checkBoolean("cancelFutures", cancelFutures);
    this.#shutdown = true;
    if (cancelFutures) {
      this.#queue.cancelPending(
        new CancelledError(
          "Task was cancelled by shutdown({ cancelFutures: true }) before it started; shut down without cancelFutures to let it run",
        ),
      );
    }
    this.#closed ??= this.#queue.whenIdle().then(() => {
      this.#pool.close();
      return this.#pool.join();
    });
    if (wait) await this.#closed;
  }

  /**
   * `await using ex = new ProcessPoolExecutor()`: `shutdown({ wait: true })`
   * at scope exit.
   *
   * @returns Resolves when every submitted task is done and the workers have
   * exited.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  #assertOpen(method: string): void {
    if (this.#shutdown) {
      throw new StateError(
        `ProcessPoolExecutor is shut down, so ${method}() takes no new work; create a new ProcessPoolExecutor`,
      );
    }
  }
}

/** Marks the executor class whose instances run on the inline backend. */
const THREADS = Symbol("threads");

/**
 * Python's `ThreadPoolExecutor`: a {@linkcode ProcessPoolExecutor} whose
 * tasks run on this event loop (the `"inline"` backend), sharing memory,
 * nothing cloned. Good for I/O-bound async work; CPU-bound work belongs in
 * a `ProcessPoolExecutor`. A running task cannot be stopped (as a Python
 * thread cannot): a `map` timeout fails the iteration and the task's result
 * is ignored.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using ex = new mp.ThreadPoolExecutor(4);
 * const pages = [1, 2, 3].map((n) => ex.submit(async (n: number) => `page ${n}`, n));
 * console.log(await Promise.all(pages)); // ["page 1", "page 2", "page 3"]
 * ```
 */
export class ThreadPoolExecutor extends ProcessPoolExecutor {
  /** Marks this class for the executor's constructor. */
  static readonly [THREADS] = true;

  /**
   * Starts the executor.
   *
   * @param options `maxWorkers` (default `min(32, cpuCount() + 4)`, as in
   * Python), `initializer` and `initargs`, or just `maxWorkers`.
   * @throws {RangeError} When `maxWorkers` is not a positive integer.
   * @throws {TypeError} For an unknown option, or options of the wrong type.
   */
  constructor(
    options: number | Pick<ExecutorOptions, "maxWorkers" | "initializer" | "initargs"> = {},
  ) {
    super(options);
  }
}

/**
 * Yields the given promises in the order they settle (Python's
 * `concurrent.futures.as_completed`). Each is yielded itself, not its value:
 * `await` it to get the result or its error. Duplicates are yielded once.
 *
 * TypeScript types a `for await` loop variable as the awaited value, as if
 * async iterators never yielded promises; here it is the promise itself, so
 * `await` it (or read the iterator with `next()` for exact types).
 *
 * @param futures The promises, e.g. from {@linkcode ProcessPoolExecutor.submit}.
 * @param options `timeout`: a deadline in milliseconds from this call; unset,
 * no deadline.
 * @returns An async iterator of the same promises, in completion order.
 * @throws {TypeError} When `futures` is not iterable or holds a non-promise.
 * @throws {RangeError} When `timeout` is negative or not a number.
 * @throws {TimeoutError} From the iteration, when the deadline passes with
 * promises still pending (they go on).
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using ex = new mp.ProcessPoolExecutor(2);
 * const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)).then(() => ms);
 * const futures = [ex.submit(sleep, 300), ex.submit(sleep, 10)];
 * for await (const f of mp.asCompleted(futures, { timeout: 10_000 })) {
 *   console.log(await f); // 10, then 300
 * }
 * ```
 */
export function asCompleted<P extends PromiseLike<unknown>>(
  futures: Iterable<P>,
  options: {
    /**
     * Deadline in milliseconds, counted from the call.
     * @default {undefined}
     */
    timeout?: number;
  } = {},
): AsyncIterableIterator<P> {
  const unique = promisesOf(futures);
  checkObject("options", options);
  const deadline = deadlineOf(options.timeout);
  return new Completions(unique, deadline, options.timeout);
}
