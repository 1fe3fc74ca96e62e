/**
 * Waiting on a word of shared memory without blocking the thread: the one
 * place that calls `Atomics.waitAsync`, for every sync object.
 *
 * @module
 */

/** A moment in `performance.now()` time, or `Infinity` for no limit. */
export type Deadline = number;

/** The deadline `wait` milliseconds from now (-1: no limit). */
export function deadlineOf(wait: number): Deadline {
  return wait < 0 ? Infinity : performance.now() + wait;
}

/** How a wait ended: the word may have changed, the time ran out, or the signal fired. */
export type WaitEnd = "changed" | "timeout" | "aborted";

const MAX_TIMER_MS = 2 ** 31 - 1;
const noop = () => {};

/** Signals of waits that must not keep the event loop alive. */
const quiet = new WeakSet<AbortSignal>();

/**
 * Marks waits under `signal` as not keeping the program alive: an owner
 * waiting on behalf of a child (a daemon, say) must not hold its own program
 * open; the child's channel does that while it matters.
 */
export function quietly(signal: AbortSignal): AbortSignal {
  quiet.add(signal);
  return signal;
}

/** A registered wait; `done` settles once. */
export interface Waiting {
  done: Promise<WaitEnd>;
}

/**
 * Registers a wait for `i32[index]` to stop being `expected`, at once (so a
 * caller can register, then let go of a lock, and miss no notify), and
 * settles when notified, at `deadline` or when `signal` fires.
 */
export function startWait(
  i32: Int32Array,
  index: number,
  expected: number,
  deadline: Deadline,
  signal?: AbortSignal,
): Waiting {
  const left = deadline === Infinity ? undefined : Math.max(0, deadline - performance.now());
  if (left === 0) return { done: Promise.resolve("timeout") };
  if (signal?.aborted) return { done: Promise.resolve("aborted") };
  const result = Atomics.waitAsync(i32, index, expected, left);
  if (!result.async) {
    return { done: Promise.resolve(result.value === "timed-out" ? "timeout" : "changed") };
  }
  // A pending waitAsync does not keep Deno's event loop alive; this timer does,
  // so a program awaiting a lock does not end (or hang) under the wait.
  const keep = setTimeout(noop, left === undefined ? MAX_TIMER_MS : left + 20);
  if (signal !== undefined && quiet.has(signal)) Deno.unrefTimer(keep);
  const woken = result.value.then((v) => (v === "timed-out" ? "timeout" : "changed") as WaitEnd);
  if (signal === undefined) {
    return { done: woken.finally(() => clearTimeout(keep)) };
  }
  let unlisten = noop;
  const aborted = new Promise<WaitEnd>((resolve) => {
    const onAbort = () => resolve("aborted");
    signal.addEventListener("abort", onAbort, { once: true });
    unlisten = () => signal.removeEventListener("abort", onAbort);
  });
  const done = Promise.race([woken, aborted]).then((end) => {
    clearTimeout(keep);
    unlisten();
    if (end === "aborted") {
      // The abandoned wait may still take a notify meant for someone else:
      // pass it on so no live waiter misses its wake-up.
      woken.then((v) => v === "changed" && Atomics.notify(i32, index, 1));
    }
    return end;
  });
  return { done };
}

/** `startWait(...).done`. */
export function waitWord(
  i32: Int32Array,
  index: number,
  expected: number,
  deadline: Deadline,
  signal?: AbortSignal,
): Promise<WaitEnd> {
  return startWait(i32, index, expected, deadline, signal).done;
}
