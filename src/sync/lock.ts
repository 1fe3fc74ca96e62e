/**
 * `Lock` and `RLock`: mutual exclusion between processes.
 *
 * @module
 */

import type { WaitOptions } from "../ipc/options.ts";
import { LockHandle } from "./_lock.ts";
import { shareSync } from "./_share.ts";

const handles = new WeakMap<Lock | RLock, LockHandle>();
let adopting: LockHandle | null = null;

/** The handle behind `lock` (for a condition or shared value that uses it). */
export function lockHandle(lock: Lock | RLock): LockHandle {
  const handle = handles.get(lock);
  if (handle === undefined) {
    throw new TypeError("Expected a Lock or RLock made by new mp.Lock() or new mp.RLock()");
  }
  return handle;
}

/** Makes the `Lock`/`RLock` a child uses for `handle`. */
export function adoptLock(handle: LockHandle): Lock | RLock {
  adopting = handle;
  try {
    return handle.what === "RLock" ? new RLock() : new Lock();
  } finally {
    adopting = null;
  }
}

function handleFor(lock: Lock | RLock, what: "Lock" | "RLock"): LockHandle {
  const handle = adopting ?? new LockHandle(what, null);
  adopting = null;
  handles.set(lock, handle);
  shareSync(lock, handle.owner);
  return handle;
}

/**
 * A lock shared by processes (Python's `multiprocessing.Lock`): one holder
 * at a time. Pass it to children in `Process` args, subclass fields, pool
 * task arguments or `initargs`. Worker children use the same memory; a
 * subprocess child asks the creating process to wait for it. Any process
 * may release it; a lock still held by a child that ends is released.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const lock = new mp.Lock();
 * await lock.acquire();
 * try {
 *   console.log("only one process prints at a time");
 * } finally {
 *   lock.release();
 * }
 * ```
 */
export class Lock {
  readonly #h: LockHandle;

  /** Creates an unlocked lock. */
  constructor() {
    this.#h = handleFor(this, "Lock");
  }

  /**
   * Takes the lock, waiting for it if another process holds it.
   *
   * @param options `block: false` to not wait, `timeout` (ms) to wait at
   * most that long, `signal` to stop waiting (the call then rejects with
   * the signal's reason and takes nothing).
   * @returns `true` once held; `false` if it could not be had in time.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return this.#h.acquire(options);
  }

  /**
   * Lets the lock go; one waiter, if any, gets it.
   *
   * @throws {ValueError} If the lock is not held.
   * @throws {StateError} In a subprocess child that did not acquire it.
   */
  release(): void {
    this.#h.release();
  }

  /**
   * Runs `fn` holding the lock (Python's `with lock:`), releasing it after.
   *
   * @param fn What to run while holding the lock.
   * @returns What `fn` returned.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const lock = new mp.Lock();
   * console.log(await lock.with(() => 42)); // 42
   * ```
   */
  with<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.#h.with(fn);
  }
}

/**
 * A re-entrant lock (Python's `multiprocessing.RLock`): the process holding
 * it may acquire it again, and must release it as many times. Only that
 * process may release it. Ownership is per process, not per async call.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const r = new mp.RLock();
 * await r.acquire();
 * await r.acquire(); // the holder may take it again
 * r.release();
 * r.release();
 * ```
 */
export class RLock {
  readonly #h: LockHandle;

  /** Creates an unlocked re-entrant lock. */
  constructor() {
    this.#h = handleFor(this, "RLock");
  }

  /**
   * Takes the lock, or takes it once more if this process holds it.
   *
   * @param options `block`, `timeout` (ms) and `signal`, as for `Lock`.
   * @returns `true` once held; `false` if it could not be had in time.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return this.#h.acquire(options);
  }

  /**
   * Undoes one `acquire()`; the last one lets the lock go.
   *
   * @throws {StateError} If this process does not hold it.
   */
  release(): void {
    this.#h.release();
  }

  /**
   * Runs `fn` holding the lock, releasing it after.
   *
   * @param fn What to run while holding the lock.
   * @returns What `fn` returned.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const r = new mp.RLock();
   * console.log(await r.with(() => r.with(() => "nested"))); // "nested"
   * ```
   */
  with<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.#h.with(fn);
  }
}
