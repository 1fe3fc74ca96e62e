/**
 * `wait()`: Python's `concurrent.futures.wait` over promises — the ones that
 * settled and the ones still pending, once the first settles, the first
 * rejects, or all settle, or at a timeout.
 *
 * @module
 */

import { checkKnownKeys } from "../_options.ts";
import { describe } from "../_describe.ts";
import { checkObject, deadlineOf, promisesOf, untilDeadline } from "./_checks.ts";

/** `wait()` returns as soon as any promise settles. */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/** `wait()` returns as soon as any promise rejects, or when all have settled. */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/** `wait()` returns when every promise has settled (the default). */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When {@linkcode wait} returns, as in Python. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options for {@linkcode wait}. */
export interface FuturesWaitOptions {
  /**
   * The most to wait, in milliseconds from the call; then `wait()` returns
   * what has settled so far (it does not throw).
   * @default {undefined}
   */
  timeout?: number;
  /**
   * When to return: `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED`.
   * @default {"ALL_COMPLETED"}
   */
  returnWhen?: ReturnWhen;
}

/** What {@linkcode wait} returns: the caller's own promises, in two sets. */
export interface DoneAndNotDone<P> {
  /** The promises that settled (fulfilled or rejected). */
  done: Set<P>;
  /** The promises still pending. */
  notDone: Set<P>;
}

const WHEN: readonly ReturnWhen[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

/**
 * Waits for `futures` as Python's `concurrent.futures.wait` does: until the
 * first settles (`FIRST_COMPLETED`), the first rejects or all settle
 * (`FIRST_EXCEPTION`), or all settle (`ALL_COMPLETED`), or the `timeout`
 * passes. It never throws for a rejected promise: it sorts them. Promises
 * already settled at the call count as done.
 *
 * @param futures The promises, e.g. from `ProcessPoolExecutor.submit`; each counted once.
 * @param options `timeout` and `returnWhen`.
 * @returns The promises that settled and those still pending.
 * @throws {TypeError} When `futures` is not an iterable of promises, or `returnWhen` is unknown.
 * @throws {RangeError} When `timeout` is negative or not a number.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using ex = new mp.ProcessPoolExecutor(2);
 * const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)).then(() => ms);
 * const fast = ex.submit(sleep, 10);
 * const slow = ex.submit(sleep, 500);
 * const { done, notDone } = await mp.wait([fast, slow], { returnWhen: mp.FIRST_COMPLETED });
 * console.log(done.has(fast), notDone.has(slow)); // true true
 * ```
 */
export async function wait<P extends PromiseLike<unknown>>(
  futures: Iterable<P>,
  options: FuturesWaitOptions = {},
): Promise<DoneAndNotDone<P>> {
  const notDone = promisesOf(futures);
  checkObject("options", options);
  checkKnownKeys(
    "wait()",
    options,
    ["timeout", "returnWhen"] satisfies (keyof FuturesWaitOptions)[],
  );
  const { returnWhen = ALL_COMPLETED } = options;
  if (!WHEN.includes(returnWhen)) {
    throw new TypeError(
      `Expected \`returnWhen\` to be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got ${
        describe(returnWhen)
      }`,
    );
  }
  const deadline = deadlineOf(options.timeout);
  const done = new Set<P>();
  const met = Promise.withResolvers<void>();
  let rejected = false;
  const check = () => {
    if (
      notDone.size === 0 || (returnWhen === FIRST_COMPLETED && done.size > 0) ||
      (returnWhen === FIRST_EXCEPTION && rejected)
    ) met.resolve();
  };
  for (const future of notDone) {
    const settle = (failed: boolean) => {
      if (!notDone.delete(future)) return;
      done.add(future);
      rejected ||= failed;
      check();
    };
    future.then(() => settle(false), () => settle(true));
  }
  check();
  // Promises settled before the call report in the next turns of microtasks.
  for (let turn = 0; turn < 3; turn++) await null;
  await untilDeadline(met.promise, deadline);
  return { done: new Set(done), notDone: new Set(notDone) };
}
