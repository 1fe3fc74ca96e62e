/**
 * `Condition`: waiting for a change that another process makes under a lock.
 *
 * @module
 */

import { StateError } from "../errors.ts";
import { waitFor, type WaitOptions } from "../ipc/options.ts";
import { describe } from "../_describe.ts";
import type { LockCore, LockHandle } from "./_lock.ts";
import { type Core, SELF_ID, SyncOwner } from "./_owner.ts";
import { shareSync } from "./_share.ts";
import type { Side } from "./_side.ts";
import { type Deadline, deadlineOf, startWait } from "./_wait.ts";
import { Lock, lockHandle, RLock } from "./lock.ts";

/**
 * A condition's word (never changed: waiters sleep on it until notified)
 * and its lock.
 */
export class ConditionCore implements Core {
  readonly sab: SharedArrayBuffer;
  readonly lock: LockCore;
  readonly #i32: Int32Array;

  constructor(sab: SharedArrayBuffer, lock: LockCore) {
    this.sab = sab;
    this.lock = lock;
    this.#i32 = new Int32Array(sab);
  }

  async wait(me: number, deadline: Deadline, signal?: AbortSignal): Promise<number> {
    if (!this.lock.owns(me)) throw notHeld("wait");
    // Registered before the lock is let go, so a notify made under the lock
    // after that can not be missed, and wakes at most the waiters it names.
    const waiting = startWait(this.#i32, 0, 0, deadline, signal);
    const count = this.lock.suspend();
    const end = await waiting.done;
    await this.lock.resume(me, count);
    return end === "changed" ? 1 : 0;
  }

  notify(me: number, n: number): void {
    if (!this.lock.owns(me)) throw notHeld(n < 0 ? "notifyAll" : "notify");
    Atomics.notify(this.#i32, 0, n < 0 ? Infinity : n);
  }
}

function notHeld(call: string): StateError {
  return new StateError(
    `Condition.${call}() called without holding the condition's lock: acquire() it first`,
  );
}

let adopting: { side: Side<ConditionCore>; lock: Lock | RLock } | null = null;

/** Makes the condition a child uses. */
export function adoptCondition(side: Side<ConditionCore>, lock: Lock | RLock): Condition {
  adopting = { side, lock };
  try {
    return new Condition();
  } finally {
    adopting = null;
  }
}

/**
 * A condition variable shared by processes (Python's
 * `multiprocessing.Condition`): holding its lock, a process waits until
 * another one, holding the lock, notifies it.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const c = new mp.Condition();
 * await c.acquire();
 * console.log(await c.wait(10)); // false: nobody notified within 10 ms
 * c.notifyAll();
 * c.release();
 * ```
 */
export class Condition {
  readonly #side: Side<ConditionCore>;
  readonly #lock: Lock | RLock;
  readonly #h: LockHandle;

  /**
   * Creates a condition over `lock`.
   *
   * @param lock The lock to use; a new `RLock` when left out.
   * @throws {TypeError} If `lock` is not a `Lock` or `RLock`.
   */
  constructor(lock?: Lock | RLock) {
    if (adopting !== null) {
      this.#side = adopting.side;
      this.#lock = adopting.lock;
      this.#h = lockHandle(this.#lock);
      adopting = null;
      shareSync(this, null);
      return;
    }
    if (lock !== undefined && !(lock instanceof Lock) && !(lock instanceof RLock)) {
      throw new TypeError(`Expected \`lock\` to be a Lock or RLock, got ${describe(lock)}`);
    }
    this.#lock = lock ?? new RLock();
    this.#h = lockHandle(this.#lock);
    const lockCore = this.#h.core;
    const lockOwner = this.#h.owner;
    if (lockCore === null || lockOwner === null) {
      throw new StateError(
        "A Condition can only be made over a lock created in this process: create both where the children are started",
      );
    }
    const core = new ConditionCore(new SharedArrayBuffer(4), lockCore);
    this.#side = { core, me: SELF_ID };
    shareSync(this, new SyncOwner(core, "condition"), (d, links) => {
      d.lock = lockOwner.describe(links);
    });
  }

  /**
   * Acquires the underlying lock.
   *
   * @param options `block`, `timeout` (ms) and `signal`, as for `Lock`.
   * @returns `true` once held; `false` if it could not be had in time.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    return this.#lock.acquire(options);
  }

  /**
   * Releases the underlying lock.
   *
   * @throws {ValueError | StateError} As the lock's own `release()`.
   */
  release(): void {
    this.#lock.release();
  }

  /**
   * Lets the lock go, waits to be notified, and takes the lock back before
   * resolving (however long that takes: the timeout bounds the wait for a
   * notify only).
   *
   * @param timeout Longest wait for a notify, in milliseconds.
   * @returns `true` if notified, `false` if the time ran out.
   * @throws {StateError} If this process does not hold the lock.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  async wait(timeout?: number): Promise<boolean> {
    const wait = waitFor(timeout);
    const { core, client } = this.#side;
    if (core !== undefined) return await core.wait(this.#h.me, deadlineOf(wait)) === 1;
    if (!this.#h.holds()) throw notHeld("wait");
    const out = await client.request({ op: "wait", wait });
    if (!out.ok) throw out.error;
    return out.value === 1;
  }

  /**
   * Waits until `predicate()` is truthy, re-checking after every notify.
   *
   * @param predicate Checked holding the lock.
   * @param timeout Longest wait in all, in milliseconds.
   * @returns The predicate's last result.
   * @throws {StateError} If this process does not hold the lock.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const c = new mp.Condition();
   * await c.acquire();
   * console.log(await c.waitFor(() => true)); // true
   * c.release();
   * ```
   */
  async waitFor<T>(predicate: () => T, timeout?: number): Promise<T> {
    const deadline = deadlineOf(waitFor(timeout));
    let result = predicate();
    while (!result) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      await this.wait(left === Infinity ? undefined : left);
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` processes waiting on this condition.
   *
   * @param n How many to wake.
   * @throws {StateError} If this process does not hold the lock.
   * @throws {RangeError} If `n` is not a non-negative integer.
   */
  notify(n = 1): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(
        `Expected \`n\` to be a non-negative integer, got ${
          describe(n)
        }: use notifyAll() to wake every waiter`,
      );
    }
    this.#notify(n);
  }

  /** `n` < 0 wakes every waiter. */
  #notify(n: number): void {
    const { core, client } = this.#side;
    if (core !== undefined) return core.notify(this.#h.me, n);
    if (!this.#h.holds()) throw notHeld("notify");
    client.send({ op: "notify", n });
  }

  /**
   * Wakes every process waiting on this condition.
   *
   * @throws {StateError} If this process does not hold the lock.
   */
  notifyAll(): void {
    this.#notify(-1);
  }
}
