/**
 * The wait options shared by queues and connections, and their checks.
 *
 * @module
 */

import { checkKnownKeys } from "../_options.ts";
import { describe } from "../_describe.ts";
import type { Wait } from "./broker.ts";

/**
 * How long a `put()`/`get()` may wait.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const q = new mp.Queue<number>();
 * const options: mp.WaitOptions = { timeout: 100 };
 * await q.get(options).catch((e) => console.log(e instanceof mp.EmptyError)); // true
 * ```
 */
export interface WaitOptions {
  /**
   * `false` fails at once instead of waiting (Python's `block=False`).
   * @default {true}
   */
  block?: boolean;
  /**
   * Longest wait in milliseconds; then `EmptyError`/`FullError`.
   * @default {Infinity}
   */
  timeout?: number;
  /** Stops the wait: the call rejects with the signal's reason and changes nothing. */
  signal?: AbortSignal;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Converts `timeout` (milliseconds, `Infinity` or `undefined` for no limit)
 * into a {@linkcode Wait}.
 *
 * @throws {RangeError} When it is negative or not a number.
 */
export function waitFor(timeout: number | undefined, name = "timeout"): Wait {
  if (timeout === undefined) return -1;
  if (typeof timeout !== "number" || !(timeout >= 0)) {
    throw new RangeError(
      `Expected \`${name}\` to be a non-negative number of milliseconds, got ${describe(timeout)}`,
    );
  }
  return timeout >= MAX_TIMER_MS ? -1 : timeout;
}

/**
 * The {@linkcode Wait} `options` ask for.
 *
 * @throws {RangeError} For a bad `timeout`.
 * @throws {TypeError} For a `signal` that is not an `AbortSignal`.
 */
export function waitOf(options: WaitOptions | undefined): Wait {
  if (options !== undefined) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Expected wait options to be an object, got ${describe(options)}`);
    }
    checkKnownKeys("a wait", options, ["block", "timeout", "signal"]);
  }
  if (options?.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(
      `Expected \`signal\` to be an AbortSignal, got ${describe(options.signal)}`,
    );
  }
  const wait = waitFor(options?.timeout);
  return options?.block === false ? 0 : wait;
}

/** `signal` combined with `closing` (a holder's close), when there is one. */
export function withClosing(signal: AbortSignal | undefined, closing: AbortSignal): AbortSignal {
  return signal === undefined ? closing : AbortSignal.any([signal, closing]);
}
