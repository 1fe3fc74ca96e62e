/**
 * `Future`: what `ProcessPoolExecutor.submit()` returns — Python's
 * `concurrent.futures.Future`, and a `Promise` of the result at the same time.
 *
 * @module
 */

import { CancelledError, TimeoutError } from "../errors.ts";
import { describe } from "../_describe.ts";
import { deadlineOf, untilDeadline } from "./_checks.ts";

type State = "pending" | "running" | "cancelled" | "finished";

/** How the executor cancels a future with a reason of its own (a shutdown). */
export const cancelWith: unique symbol = Symbol("cancelWith");

/**
 * The pending result of a submitted call, as Python's `Future`: `done()`,
 * `running()`, `cancel()`, `cancelled()`, `result(timeout)`,
 * `exception(timeout)`, `addDoneCallback()`. It is also a `Promise` of the
 * result, so `await future` works as with any promise (and `then()` gives
 * plain promises).
 *
 * @typeParam T The result.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using ex = new mp.ProcessPoolExecutor(1);
 * const f: mp.Future<number> = ex.submit((a: number, b: number) => a + b, 2, 3);
 * f.addDoneCallback((f) => console.log("done:", f.done())); // done: true
 * console.log(await f.result(10_000)); // 5
 * console.log(await f); // 5
 * ```
 */
export class Future<T> extends Promise<T> {
  /** Derived promises (`then`, `catch`, `finally`) are plain ones. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #state: State = "pending";
  #error: { reason: unknown } | null = null;
  #callbacks: ((future: Future<T>) => void)[] = [];
  #resolve!: (value: T) => void;
  #reject!: (reason: unknown) => void;

  /**
   * Not for direct use: futures come from `ProcessPoolExecutor.submit()`.
   *
   * @param executor Only Promise machinery passes one; a call with it is refused.
   * @throws {TypeError} When called with an executor function.
   */
  constructor(executor?: unknown) {
    if (executor !== undefined) {
      throw new TypeError(
        "Futures are made by ProcessPoolExecutor.submit(), not with new Future(executor)",
      );
    }
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    super((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Whether the call finished or was cancelled. */
  done(): boolean {
    return this.#state === "finished" || this.#state === "cancelled";
  }

  /** Whether the call is running now. */
  running(): boolean {
    return this.#state === "running";
  }

  /** Whether the call was cancelled. */
  cancelled(): boolean {
    return this.#state === "cancelled";
  }

  /**
   * Cancels the call if it has not started: it then never runs and the
   * future rejects with `CancelledError`.
   *
   * @returns `true` if the call is cancelled, `false` if it runs or has finished.
   */
  cancel(): boolean {
    if (this.#state === "cancelled") return true;
    if (this.#state !== "pending") return false;
    this[cancelWith](new CancelledError("The call was cancelled before it started"));
    return true;
  }

  /**
   * The result, waiting at most `timeout` ms for it.
   *
   * @param timeout How long to wait; without one, as long as it takes.
   * @returns The call's result.
   * @throws {TimeoutError} When `timeout` passes first (the call goes on).
   * @throws {CancelledError} When the call was cancelled.
   * @throws {RangeError} For a bad `timeout`.
   * @throws The call's own error.
   */
  async result(timeout?: number): Promise<T> {
    await this.#settled(timeout);
    return await this;
  }

  /**
   * The call's error, or `null` when it succeeded, waiting at most `timeout` ms.
   *
   * @param timeout How long to wait; without one, as long as it takes.
   * @returns What the call threw, or `null`.
   * @throws {TimeoutError} When `timeout` passes first (the call goes on).
   * @throws {CancelledError} When the call was cancelled.
   * @throws {RangeError} For a bad `timeout`.
   */
  async exception(timeout?: number): Promise<unknown> {
    await this.#settled(timeout);
    if (this.#state === "cancelled") throw this.#error!.reason;
    return this.#error === null ? null : this.#error.reason;
  }

  /**
   * Calls `callback(this)` once the future is done (at once if it is); an
   * error it throws is reported, not rethrown.
   *
   * @param callback Called with this future.
   * @throws {TypeError} When `callback` is not a function.
   */
  addDoneCallback(callback: (future: Future<T>) => void): void {
    if (typeof callback !== "function") {
      throw new TypeError(`Expected \`callback\` to be a function, got ${describe(callback)}`);
    }
    if (this.done()) call(callback, this);
    else this.#callbacks.push(callback);
  }

  /**
   * For an executor, as Python's: marks the call started, so it can no
   * longer be cancelled.
   *
   * @returns `false` when it was cancelled (do not run it), else `true`.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === "cancelled") return false;
    if (this.#state === "pending") this.#state = "running";
    return true;
  }

  /**
   * For an executor, as Python's: the call's result; the future is done.
   *
   * @param value The result.
   */
  setResult(value: T): void {
    if (this.done()) return;
    this.#state = "finished";
    this.#resolve(value);
    this.#runCallbacks();
  }

  /**
   * For an executor, as Python's: the call's error; the future is done.
   *
   * @param reason What the call threw.
   */
  setException(reason: unknown): void {
    if (this.done()) return;
    this.#state = "finished";
    this.#error = { reason };
    this.#reject(reason);
    this.#runCallbacks();
  }

  /** The call will never run (`cancel()`, or a shutdown that cancels futures). */
  [cancelWith](reason: CancelledError): void {
    if (this.done()) return;
    this.#state = "cancelled";
    this.#error = { reason };
    // The caller asked for the cancellation: a future nobody awaits must not
    // end the program as an unhandled rejection.
    this.catch(() => {});
    this.#reject(reason);
    this.#runCallbacks();
  }

  async #settled(timeout: number | undefined): Promise<void> {
    const deadline = deadlineOf(timeout);
    if (this.done()) return;
    const settled = this.then(() => {}, () => {});
    if (!await untilDeadline(settled, deadline)) {
      throw new TimeoutError(
        `The call did not finish within ${timeout} ms; it goes on: wait again, or cancel() it if it has not started`,
      );
    }
  }

  #runCallbacks(): void {
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const callback of callbacks) call(callback, this);
  }
}

function call<T>(callback: (future: Future<T>) => void, future: Future<T>): void {
  try {
    callback(future);
  } catch (error) {
    reportError(error);
  }
}
