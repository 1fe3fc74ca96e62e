/**
 * `Semaphore` and `BoundedSemaphore`: a counter of permits shared by processes.
 *
 * @module
 */

import { StateError, ValueError } from "../errors.ts";
import { waitOf, type WaitOptions } from "../ipc/options.ts";
import { describe } from "../_describe.ts";
import { type Core, SELF_ID, SyncOwner } from "./_owner.ts";
import { shareSync } from "./_share.ts";
import type { Side } from "./_side.ts";
import { type Deadline, deadlineOf, waitWord } from "./_wait.ts";

const VALUE = 0;
const WAITERS = 1;

/** A semaphore's words: the permits left and the number of waiters. */
export class SemaphoreCore implements Core {
  readonly sab: SharedArrayBuffer;
  /** Most permits there may be; -1 for no bound. */
  readonly bound: number;
  readonly #i32: Int32Array;

  constructor(sab: SharedArrayBuffer, bound: number) {
    this.sab = sab;
    this.bound = bound;
    this.#i32 = new Int32Array(sab);
  }

  tryAcquire(): boolean {
    const i32 = this.#i32;
    let v = Atomics.load(i32, VALUE);
    while (v > 0) {
      const seen = Atomics.compareExchange(i32, VALUE, v, v - 1);
      if (seen === v) return true;
      v = seen;
    }
    return false;
  }

  acquire(_me: number, deadline: Deadline, signal?: AbortSignal): Promise<boolean> | boolean {
    if (this.tryAcquire()) return true;
    if (deadline <= performance.now()) return false;
    return this.#wait(deadline, signal);
  }

  async #wait(deadline: Deadline, signal?: AbortSignal): Promise<boolean> {
    const i32 = this.#i32;
    Atomics.add(i32, WAITERS, 1);
    try {
      for (;;) {
        if (this.tryAcquire()) return true;
        const end = await waitWord(i32, VALUE, 0, deadline, signal);
        if (end === "aborted") return false;
        if (end === "timeout") return this.tryAcquire();
      }
    } finally {
      Atomics.sub(i32, WAITERS, 1);
    }
  }

  release(): void {
    const i32 = this.#i32;
    if (this.bound >= 0) {
      let v = Atomics.load(i32, VALUE);
      for (;;) {
        if (v >= this.bound) {
          throw new ValueError(
            `BoundedSemaphore.release() called more times than acquire(): it would exceed its initial value ${this.bound}`,
          );
        }
        const seen = Atomics.compareExchange(i32, VALUE, v, v + 1);
        if (seen === v) break;
        v = seen;
      }
    } else Atomics.add(i32, VALUE, 1);
    if (Atomics.load(i32, WAITERS) > 0) Atomics.notify(i32, VALUE, 1);
  }

  value(): number {
    return Atomics.load(this.#i32, VALUE);
  }

  ended(_me: number, held: number): void {
    for (let i = 0; i < held; i++) {
      try {
        this.release();
      } catch {
        return; // Already back at its bound.
      }
    }
  }
}

let adopting: { side: Side<SemaphoreCore>; bound: number } | null = null;

/** Makes the semaphore a child uses. */
export function adoptSemaphore(side: Side<SemaphoreCore>, bound: number): Semaphore {
  adopting = { side, bound };
  try {
    return bound >= 0 ? new BoundedSemaphore() : new Semaphore();
  } finally {
    adopting = null;
  }
}

const TRUE = Promise.resolve(true);

/**
 * A semaphore shared by processes (Python's `multiprocessing.Semaphore`):
 * `acquire()` takes one of its permits, waiting while there are none;
 * `release()` gives one back. Permits a subprocess child took and did not
 * give back are returned when it ends.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const s = new mp.Semaphore(2);
 * await s.acquire();
 * console.log(s.getValue()); // 1
 * s.release();
 * ```
 */
export class Semaphore {
  readonly #side: Side<SemaphoreCore>;
  readonly #bound: number;
  #held = 0;

  /**
   * Creates a semaphore with `value` permits.
   *
   * @param value How many holders it lets in at once.
   * @throws {RangeError} If `value` is not a non-negative integer.
   */
  constructor(value = 1) {
    const bound = this instanceof BoundedSemaphore ? value : -1;
    if (adopting !== null) {
      this.#side = adopting.side;
      this.#bound = adopting.bound;
      adopting = null;
      shareSync(this, null);
      return;
    }
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      throw new RangeError(
        `Expected \`value\` to be a non-negative integer, got ${describe(value)}`,
      );
    }
    const core = new SemaphoreCore(new SharedArrayBuffer(8), bound);
    new Int32Array(core.sab)[VALUE] = value;
    this.#side = { core, me: SELF_ID };
    this.#bound = bound;
    const owner = new SyncOwner(core, "semaphore");
    shareSync(this, owner, (d) => (d.n = bound));
  }

  #name(): string {
    return this.#bound >= 0 ? "BoundedSemaphore" : "Semaphore";
  }

  /**
   * Takes a permit, waiting while there is none.
   *
   * @param options `block: false` to not wait, `timeout` (ms), `signal` to
   * stop waiting (the call then rejects with the signal's reason).
   * @returns `true` once a permit is taken; `false` if none came in time.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  acquire(options?: WaitOptions): Promise<boolean> {
    const { core, client } = this.#side;
    if (options === undefined && core?.tryAcquire()) return TRUE;
    let wait: number;
    try {
      wait = waitOf(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (core !== undefined) {
      return Promise.resolve(core.acquire(0, deadlineOf(wait), signal)).then((won) => {
        if (!won && signal?.aborted) throw signal.reason;
        return won;
      });
    }
    return client.request({ op: "acq", wait }, signal, () => client.send({ op: "rel" })).then(
      (out) => {
        if (out.ok) this.#held++;
        else if (out.error) throw out.error;
        return out.ok;
      },
    );
  }

  /**
   * Gives a permit back; one waiter, if any, takes it.
   *
   * @throws {ValueError} For a `BoundedSemaphore` already at its initial value.
   * @throws {StateError} For a `BoundedSemaphore` in a subprocess child that
   * holds none of its permits (the check needs the owner's count).
   */
  release(): void {
    const { core, client } = this.#side;
    if (core !== undefined) return core.release();
    if (this.#bound >= 0 && this.#held === 0) {
      throw new StateError(
        "BoundedSemaphore.release() in a subprocess child must follow this child's own acquire(): only the process that created it can check its bound",
      );
    }
    if (this.#held > 0) this.#held--;
    client.send({ op: "rel" });
  }

  /**
   * The permits left now. In a subprocess child, as of the last news from
   * the creating process (at most a round trip old while polled).
   *
   * @returns The number of permits.
   */
  getValue(): number {
    const { core, client } = this.#side;
    if (core !== undefined) return core.value();
    return new Int32Array(client.read().buffer)[VALUE];
  }

  /**
   * Runs `fn` holding a permit, giving it back after.
   *
   * @param fn What to run.
   * @returns What `fn` returned.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const s = new mp.Semaphore(3);
   * console.log(await s.with(() => s.getValue())); // 2
   * ```
   */
  async with<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}

/**
 * A semaphore whose `release()` refuses to go above the initial value
 * (Python's `multiprocessing.BoundedSemaphore`): a release without an
 * acquire is a bug, and this makes it an error.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const s = new mp.BoundedSemaphore(1);
 * try {
 *   s.release();
 * } catch (e) {
 *   console.log(e instanceof mp.ValueError); // true
 * }
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /**
   * Creates a bounded semaphore with `value` permits.
   *
   * @param value How many holders it lets in at once, and its bound.
   * @throws {RangeError} If `value` is not a non-negative integer.
   */
  constructor(value = 1) {
    super(value);
  }
}
