/**
 * `Pool`: a fixed set of workers running calls in parallel, as Python's
 * `multiprocessing.Pool`, on Web Workers, subprocesses or inline.
 *
 * @module
 */

import { checkKnownKeys } from "./_options.ts";
import { assertCloneable } from "./clone.ts";
import { extractHandles } from "./handles/share.ts";
import { cpuCount, defaultBackend } from "./context.ts";
import { StateError } from "./errors.ts";
import { AsyncResult } from "./pool/async_result.ts";
import { checkInput, checkSendable, iterate, specOf } from "./pool/_calls.ts";
import { type Delivery, Job } from "./pool/job.ts";
import {
  type CallOptions,
  checkCallOptions,
  checkPositiveInteger,
  checkTimeout,
  type Items,
  type MapOptions,
  POOL_OPTIONS,
  type PoolBackend,
  type PoolOptions,
  type ResultCallbacks,
  type ResultIterator,
} from "./pool/options.ts";
import { type PoolStats, Scheduler } from "./pool/scheduler.ts";
import { backendOf } from "./backend.ts";
import { checkMaxFrameBytes, checkMaxHeapMb } from "./spawn.ts";
import { describe } from "./_describe.ts";
import { type Target, toTargetSpec } from "./target.ts";

type Callable = (...args: unknown[]) => unknown;

/**
 * A pool of workers that run tasks in parallel: Python's
 * `multiprocessing.Pool` for Deno. Workers are Web Workers (default),
 * `deno run` subprocesses, or — with `backend: "inline"` — async calls on
 * this event loop, at most `processes` at a time.
 *
 * Types flow from the target: `pool.map((x: number) => x * 2, xs)` is a
 * `Promise<number[]>`, and a `TaskRef` from `mp.tasks()` carries its
 * function's signature.
 *
 * A task that throws, times out or kills its worker fails only its own call;
 * the worker is replaced and the pool goes on.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * await using pool = new mp.Pool(2);
 * console.log(await pool.map((x: number) => x * x, [1, 2, 3])); // [1, 4, 9]
 * console.log(await pool.apply((a: number, b: number) => a + b, [2, 3])); // 5
 * for await (const v of pool.imapUnordered((x: number) => x + 1, [1, 2, 3])) {
 *   console.log(v); // 2, 3, 4 in completion order
 * }
 * ```
 */
export class Pool implements AsyncDisposable {
  #scheduler: Scheduler;
  #backend: PoolBackend;
  #timeout: number | undefined;

  /**
   * Starts the workers.
   *
   * @param options The options, or just the number of workers.
   * @param more With a number of workers first, the other options
   * (`new mp.Pool(4, { backend: "subprocess" })`).
   * @throws {RangeError} When `processes`, `maxtasksperchild`, `timeout`,
   * `maxFrameBytes` or `maxHeapMb` is out of range.
   * @throws {TypeError} When an option is unknown or of the wrong type,
   * `permissions` are asked of the inline backend, or `maxHeapMb` of any
   * backend but `"subprocess"`; in a compiled program, when `permissions` or
   * `maxHeapMb` would narrow subprocess workers.
   * @throws {DOMException} `DataCloneError` when `initargs` cannot be sent.
   */
  constructor(options: number | PoolOptions = {}, more?: Omit<PoolOptions, "processes">) {
    if (
      more !== undefined &&
      (typeof options !== "number" || typeof more !== "object" || more === null)
    ) {
      throw new TypeError(
        `Expected \`new Pool(processes, options)\` or \`new Pool(options)\`, got a second argument ${
          describe(more)
        } after ${describe(options)}`,
      );
    }
    const opts: PoolOptions = typeof options === "number"
      ? { ...more, processes: options }
      : options;
    if (typeof opts !== "object" || opts === null) {
      throw new TypeError(
        `Expected \`options\` to be a number of processes or an object, got ${describe(options)}`,
      );
    }
    checkKnownKeys("Pool", opts, POOL_OPTIONS);
    const { processes = cpuCount(), backend = defaultBackend(), initializer, initargs = [] } = opts;
    checkPositiveInteger("processes", processes);
    const rules = backendOf(backend, ["worker", "subprocess", "inline"]);
    if (opts.maxtasksperchild !== undefined) {
      checkPositiveInteger("maxtasksperchild", opts.maxtasksperchild);
    }
    if (opts.timeout !== undefined) checkTimeout(opts.timeout);
    if (opts.maxFrameBytes !== undefined) checkMaxFrameBytes(opts.maxFrameBytes);
    if (opts.maxHeapMb !== undefined) checkMaxHeapMb(opts.maxHeapMb);
    rules.checkOptions(opts);
    if (!Array.isArray(initargs)) {
      throw new TypeError(`Expected \`initargs\` to be an array, got ${describe(initargs)}`);
    }
    const init = initializer === undefined ? null : toTargetSpec(initializer, "initializer");
    if (rules.children) {
      assertCloneable(
        extractHandles(initargs, [], []) as unknown[],
        (i) => `Pool initarg ${i}`,
      );
    }
    this.#backend = backend;
    this.#timeout = opts.timeout;
    this.#scheduler = new Scheduler(processes, {
      backend,
      initializer: init,
      initializerFn: typeof initializer === "function" ? initializer as Callable : null,
      initargs,
      permissions: opts.permissions,
      // Its task modules are not known yet: a narrowed worker may read the
      // program's own folder, where they usually are.
      modules: init?.kind === "export" ? [init.module, Deno.mainModule] : [Deno.mainModule],
      maxFrameBytes: opts.maxFrameBytes,
      maxHeapMb: opts.maxHeapMb,
    }, opts.maxtasksperchild);
  }

  /**
   * Runs `target(...args)` on a worker and waits for the result.
   *
   * @param target A function or `TaskRef`.
   * @param args Its arguments.
   * @param options `timeout` (run time, ms) and `signal`.
   * @returns The result.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  apply<A extends unknown[], R>(
    target: Target<A, R>,
    args?: A,
    options: CallOptions = {},
  ): Promise<R> {
    return this.#applyJob(target, args, options).result as Promise<R>;
  }

  /**
   * Like {@linkcode Pool.apply}, without waiting: returns an
   * {@linkcode AsyncResult}. `callback`/`errorCallback` run in this process.
   *
   * @param target A function or `TaskRef`.
   * @param args Its arguments.
   * @param options `timeout`, `signal`, `callback`, `errorCallback`.
   * @returns The pending result.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  applyAsync<A extends unknown[], R>(
    target: Target<A, R>,
    args?: A,
    options: CallOptions & ResultCallbacks<R> = {},
  ): AsyncResult<R> {
    const job = this.#applyJob(target, args, options);
    return new AsyncResult(job.result as Promise<R>, options);
  }

  /**
   * Runs `target(item)` for every item and resolves with the results in input
   * order. Rejects with the first error (the pool stays usable).
   *
   * @param target A function or `TaskRef` of one argument.
   * @param iterable The items: any `Iterable` or `AsyncIterable`.
   * @param options `chunksize`, `timeout` (per item), `signal`, `onProgress`.
   * @returns The results, in input order.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  map<A, R>(target: Target<[A], R>, iterable: Items<A>, options: MapOptions = {}): Promise<R[]> {
    return this.#job(target, iterable, false, "collect", options).result as Promise<R[]>;
  }

  /**
   * Like {@linkcode Pool.map}, without waiting: returns an {@linkcode AsyncResult}.
   *
   * @param target A function or `TaskRef` of one argument.
   * @param iterable The items.
   * @param options As `map`, plus `callback` and `errorCallback`.
   * @returns The pending results.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  mapAsync<A, R>(
    target: Target<[A], R>,
    iterable: Items<A>,
    options: MapOptions & ResultCallbacks<R[]> = {},
  ): AsyncResult<R[]> {
    const job = this.#job(target, iterable, false, "collect", options);
    return new AsyncResult(job.result as Promise<R[]>, options);
  }

  /**
   * Lazily yields `target(item)` for every item, in input order. Input is
   * pulled only as workers free up and the consumer keeps up, so an infinite
   * generator works and memory stays flat. Breaking out stops the input and
   * the work in flight. A failed item's error is thrown by the `next()` at
   * its position, and the next `next()` goes on, as in Python.
   *
   * @param target A function or `TaskRef` of one argument.
   * @param iterable The items: any `Iterable` or `AsyncIterable`, infinite too.
   * @param options `chunksize`, `timeout` (per item), `signal`, `onProgress`.
   * @returns An async iterator of the results; its `next(timeout)` may wait at most `timeout` ms.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  imap<A, R>(
    target: Target<[A], R>,
    iterable: Items<A>,
    options: MapOptions = {},
  ): ResultIterator<R> {
    return iterate(this.#job(target, iterable, false, "ordered", options));
  }

  /**
   * Like {@linkcode Pool.imap}, yielding results as they complete; a failed
   * item's error is thrown in its place, and the iteration goes on.
   *
   * @param target A function or `TaskRef` of one argument.
   * @param iterable The items.
   * @param options `chunksize`, `timeout` (per item), `signal`, `onProgress`.
   * @returns An async iterator of the results, in completion order; `next(timeout)` as `imap`'s.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  imapUnordered<A, R>(
    target: Target<[A], R>,
    iterable: Items<A>,
    options: MapOptions = {},
  ): ResultIterator<R> {
    return iterate(this.#job(target, iterable, false, "unordered", options));
  }

  /**
   * Like {@linkcode Pool.map}, with each item an argument list:
   * `starmap(f, [[1, 2], [3, 4]])` runs `f(1, 2)` and `f(3, 4)`.
   *
   * @param target A function or `TaskRef`.
   * @param iterable Argument lists.
   * @param options As `map`.
   * @returns The results, in input order.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  starmap<A extends unknown[], R>(
    target: Target<A, R>,
    iterable: Items<A>,
    options: MapOptions = {},
  ): Promise<R[]> {
    return this.#job(target, iterable, true, "collect", options).result as Promise<R[]>;
  }

  /**
   * Like {@linkcode Pool.starmap}, without waiting.
   *
   * @param target A function or `TaskRef`.
   * @param iterable Argument lists.
   * @param options As `map`, plus `callback` and `errorCallback`.
   * @returns The pending results.
   * @throws {StateError} When the pool is closed.
   * @throws {TypeError | RangeError} For a bad target, input or option.
   */
  starmapAsync<A extends unknown[], R>(
    target: Target<A, R>,
    iterable: Items<A>,
    options: MapOptions & ResultCallbacks<R[]> = {},
  ): AsyncResult<R[]> {
    const job = this.#job(target, iterable, true, "collect", options);
    return new AsyncResult(job.result as Promise<R[]>, options);
  }

  /** Accepts no more calls; workers exit once the calls in flight are done. */
  close(): void {
    this.#scheduler.close();
  }

  /**
   * Stops every worker now. Calls not finished reject with `CancelledError`.
   */
  terminate(): void {
    this.#scheduler.terminate();
  }

  /**
   * Waits for every worker to exit, after `close()` or `terminate()`.
   *
   * @returns Resolves once the last worker has exited; never rejects.
   * @throws {StateError} When called before `close()` or `terminate()`.
   */
  join(): Promise<void> {
    if (this.#scheduler.running) {
      throw new StateError("Pool is still running: call close() or terminate() before join()");
    }
    return this.#scheduler.joined;
  }

  /**
   * `await using pool = new Pool()`: `close()` then `join()` at scope exit.
   *
   * @returns Resolves once the calls in flight are done and the workers exited.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.join();
  }

  /**
   * Counts of workers and work: `{ processes, busy, idle, queued, completed,
   * failed, crashed, timedOut }`.
   *
   * @returns A snapshot.
   */
  stats(): PoolStats {
    return this.#scheduler.stats();
  }

  #applyJob(target: unknown, args: unknown[] | undefined, options: CallOptions): Job {
    const list = args ?? [];
    if (!Array.isArray(list)) {
      throw new TypeError(`Expected \`args\` to be an array of arguments, got ${describe(list)}`);
    }
    return this.#job(target, [list], true, "collect", options, true);
  }

  /**
   * Makes and submits the job of a call. Misuse (a closed pool, bad options)
   * throws; data that cannot be sent makes the call itself fail — its
   * promise rejects, or its iteration throws — with nothing sent.
   */
  #job(
    target: unknown,
    iterable: unknown,
    star: boolean,
    delivery: Delivery,
    options: MapOptions & ResultCallbacks<never>,
    single = false,
  ): Job {
    this.#assertRunning();
    checkCallOptions(options);
    checkInput(iterable);
    const job = new Job({
      target: specOf(target),
      direct: this.#backend === "inline" && typeof target === "function"
        ? target as Callable
        : null,
      star,
      single,
      input: iterable as Items<unknown>,
      delivery,
      chunksize: options.chunksize,
      timeout: options.timeout ?? this.#timeout,
      signal: options.signal,
      onProgress: options.onProgress,
    }, this.#scheduler);
    const unsendable = this.#backend === "inline" ? null : checkSendable(iterable, single);
    if (unsendable !== null) job.abort(unsendable);
    else this.#scheduler.submit(job);
    return job;
  }

  #assertRunning(): void {
    if (!this.#scheduler.running) {
      throw new StateError("Pool not running: it was closed or terminated; create a new Pool");
    }
  }
}
