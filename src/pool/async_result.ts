/**
 * `AsyncResult`: the handle `applyAsync`, `mapAsync` and `starmapAsync`
 * return, as Python's `multiprocessing.pool.AsyncResult`.
 *
 * @module
 */

import { TimeoutError, ValueError } from "../errors.ts";
import { describe } from "../_describe.ts";
import type { ResultCallbacks } from "./options.ts";

/**
 * The pending result of an asynchronous pool call. It is `PromiseLike`, so
 * `await r` works; `get(ms)` waits at most `ms` (the task keeps running, as
 * in Python), `ready()` and `successful()` inspect it without waiting.
 *
 * @typeParam T The result type.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * await using pool = new mp.Pool(2);
 * const r = pool.applyAsync((a: number, b: number) => a + b, [2, 3]);
 * console.log(r.ready()); // false: it was just sent
 * console.log(await r.get(5000)); // 5
 * console.log(r.successful()); // true
 * ```
 */
export class AsyncResult<T> implements PromiseLike<T> {
  #promise: Promise<T>;
  #state: "pending" | "fulfilled" | "rejected" = "pending";

  /**
   * Wraps a pending result; pools create these.
   *
   * @param promise Settles with the result.
   * @param callbacks Run in this process when it settles.
   */
  constructor(promise: Promise<T>, callbacks: ResultCallbacks<T> = {}) {
    this.#promise = promise;
    promise.then(
      (value) => {
        this.#state = "fulfilled";
        call(callbacks.callback, value);
      },
      (error) => {
        this.#state = "rejected";
        call(callbacks.errorCallback, error);
      },
    );
  }

  /**
   * The result, waiting at most `timeout` ms for it.
   *
   * @param timeout Longest wait in milliseconds; omitted, waits until ready.
   * @returns The result.
   * @throws {TimeoutError} When not ready within `timeout` (the task goes on).
   * @throws {RangeError} When `timeout` is negative or not a number.
   * @throws The task's own error when it failed.
   */
  get(timeout?: number): Promise<T> {
    if (timeout === undefined) return this.#promise;
    checkWait(timeout);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new TimeoutError(`Result not ready after ${timeout} ms; the task goes on`)),
        timeout,
      );
    });
    return Promise.race([this.#promise, expired]).finally(() => clearTimeout(timer));
  }

  /**
   * Waits until the result is ready, or at most `timeout` ms. Resolves either
   * way and never rejects.
   *
   * @param timeout Longest wait in milliseconds; omitted, waits until ready.
   * @returns A promise that resolves when the call has settled or `timeout`
   * has passed: check {@linkcode AsyncResult.ready} to tell which.
   * @throws {RangeError} When `timeout` is negative or not a number.
   */
  wait(timeout?: number): Promise<void> {
    const settled = this.#promise.then(() => {}, () => {});
    if (timeout === undefined) return settled;
    checkWait(timeout);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)));
    return Promise.race([settled, expired]).finally(() => clearTimeout(timer));
  }

  /**
   * Whether the call has completed, without waiting.
   *
   * @returns `true` once the call has succeeded or failed.
   */
  ready(): boolean {
    return this.#state !== "pending";
  }

  /**
   * Whether the call completed without error.
   *
   * @returns `true` when it succeeded, `false` when it failed.
   * @throws {ValueError} When the result is not ready yet.
   */
  successful(): boolean {
    if (this.#state === "pending") {
      throw new ValueError("Result is not ready: await it, or check ready() first");
    }
    return this.#state === "fulfilled";
  }

  /**
   * Makes the result awaitable.
   *
   * @param onfulfilled Called with the result.
   * @param onrejected Called with the error.
   * @returns A promise of the handler's result.
   */
  then<A = T, B = never>(
    onfulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#promise.then(onfulfilled, onrejected);
  }
}

/**
 * Runs a user callback. Its errors surface as uncaught errors, as an event
 * listener's would, and never disturb the pool.
 */
function call<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (callback === undefined) return;
  try {
    callback(value);
  } catch (error) {
    reportError(error);
  }
}

function checkWait(timeout: unknown): void {
  if (typeof timeout !== "number" || !(timeout >= 0)) {
    throw new RangeError(
      `Expected \`timeout\` to be a non-negative number of milliseconds, got ${describe(timeout)}`,
    );
  }
}
