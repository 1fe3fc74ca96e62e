/**
 * A lock in shared memory, and one holder's handle on it. Words: the
 * holder's identity (0: free), the re-entry count, the number of waiters
 * (so a release without waiters skips the notify).
 *
 * @module
 */

import { StateError, ValueError } from "../errors.ts";
import { waitOf, type WaitOptions } from "../ipc/options.ts";
import type { SyncType } from "../protocol.ts";
import type { SyncClient } from "./_client.ts";
import { type Core, SELF_ID, SyncOwner } from "./_owner.ts";
import type { Side } from "./_side.ts";
import { type Deadline, deadlineOf, waitWord } from "./_wait.ts";

const OWNER = 0;
const COUNT = 1;
const WAITERS = 2;
/** Bytes of a lock's state. */
export const LOCK_BYTES = 12;

/** A lock's words and what any holder can do to them. */
export class LockCore implements Core {
  readonly sab: SharedArrayBuffer;
  readonly reentrant: boolean;
  readonly #i32: Int32Array;

  constructor(sab: SharedArrayBuffer, reentrant: boolean) {
    this.sab = sab;
    this.reentrant = reentrant;
    this.#i32 = new Int32Array(sab);
  }

  /** Takes the lock for `me` if that needs no wait. */
  tryAcquire(me: number): boolean {
    const i32 = this.#i32;
    const owner = Atomics.compareExchange(i32, OWNER, 0, me);
    if (owner === 0) {
      Atomics.store(i32, COUNT, 1);
      return true;
    }
    if (owner === me && this.reentrant) {
      Atomics.add(i32, COUNT, 1);
      return true;
    }
    return false;
  }

  acquire(me: number, deadline: Deadline, signal?: AbortSignal): Promise<boolean> | boolean {
    if (this.tryAcquire(me)) return true;
    if (deadline <= performance.now()) return false;
    return this.#wait(me, deadline, signal);
  }

  async #wait(me: number, deadline: Deadline, signal?: AbortSignal): Promise<boolean> {
    const i32 = this.#i32;
    Atomics.add(i32, WAITERS, 1);
    try {
      for (;;) {
        const owner = Atomics.compareExchange(i32, OWNER, 0, me);
        if (owner === 0) {
          Atomics.store(i32, COUNT, 1);
          return true;
        }
        const end = await waitWord(i32, OWNER, owner, deadline, signal);
        if (end === "aborted") return false;
        if (end === "timeout") return this.tryAcquire(me);
      }
    } finally {
      Atomics.sub(i32, WAITERS, 1);
    }
  }

  release(me: number): void {
    const i32 = this.#i32;
    const owner = Atomics.load(i32, OWNER);
    if (this.reentrant) {
      if (owner !== me) {
        throw new StateError(
          owner === 0
            ? "RLock.release() called on an unlocked RLock: release only after acquire() resolved true"
            : "RLock.release() called by a process that does not own it: only the process that acquired an RLock may release it",
        );
      }
      if (Atomics.sub(i32, COUNT, 1) > 1) return;
    } else if (owner === 0) {
      throw new ValueError(
        "Lock.release() called on an unlocked Lock: release only after acquire() resolved true",
      );
    }
    this.#free();
  }

  #free(): void {
    const i32 = this.#i32;
    Atomics.store(i32, COUNT, 0);
    Atomics.store(i32, OWNER, 0);
    if (Atomics.load(i32, WAITERS) > 0) Atomics.notify(i32, OWNER, 1);
  }

  /** Whether `me` holds it. */
  owns(me: number): boolean {
    return Atomics.load(this.#i32, OWNER) === me;
  }

  /** Whether anyone holds it. */
  locked(): boolean {
    return Atomics.load(this.#i32, OWNER) !== 0;
  }

  /** Lets go entirely for `me` (a condition wait); returns the count to restore. */
  suspend(): number {
    const count = Atomics.load(this.#i32, COUNT);
    this.#free();
    return count;
  }

  /** Takes the lock back after `suspend()` with its count. */
  async resume(me: number, count: number): Promise<void> {
    await this.acquire(me, Infinity);
    Atomics.store(this.#i32, COUNT, count);
  }

  ended(me: number): void {
    // Only `me` could change the owner word away from `me`, and it is gone.
    if (Atomics.load(this.#i32, OWNER) === me) this.#free();
  }
}

const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);

/**
 * One process's handle on a lock: the memory itself (in the owner and in
 * workers) or a subprocess holder's client.
 */
export class LockHandle {
  readonly what: "Lock" | "RLock";
  readonly core: LockCore | null;
  readonly me: number;
  readonly client: SyncClient | null;
  /** Created here (not received): may be passed to children. */
  readonly owner: SyncOwner | null;
  /** Subprocess holder: acquisitions not yet released. */
  held = 0;

  constructor(what: "Lock" | "RLock", side: Side<LockCore> | null) {
    this.what = what;
    if (side === null) {
      this.core = new LockCore(new SharedArrayBuffer(LOCK_BYTES), what === "RLock");
      this.me = SELF_ID;
      this.client = null;
      this.owner = new SyncOwner(this.core, what.toLowerCase() as SyncType);
    } else {
      this.core = side.core ?? null;
      this.me = side.core !== undefined ? side.me : 0;
      this.client = side.client ?? null;
      this.owner = null;
    }
  }

  acquire(options?: WaitOptions): Promise<boolean> {
    const core = this.core;
    if (options === undefined && core !== null && core.tryAcquire(this.me)) return TRUE;
    let wait: number;
    try {
      wait = waitOf(options);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (core === null) return this.#remote(wait, signal);
    const got = core.acquire(this.me, deadlineOf(wait), signal);
    if (got === true) return TRUE;
    if (got === false) return FALSE;
    return got.then((won) => {
      if (!won && signal?.aborted) throw signal.reason;
      return won;
    });
  }

  async #remote(wait: number, signal?: AbortSignal): Promise<boolean> {
    const client = this.client!;
    const out = await client.request(
      { op: "acq", wait },
      signal,
      () => client.send({ op: "rel" }),
    );
    if (out.ok) {
      this.held++;
      return true;
    }
    if (out.error) throw out.error;
    return false;
  }

  release(): void {
    if (this.core !== null) return this.core.release(this.me);
    if (this.held === 0) {
      throw new StateError(
        `${this.what}.release() in a subprocess child must follow this child's own acquire(): the ${this.what} lives in the process that created it, which only knows what this child acquired`,
      );
    }
    this.held--;
    this.client!.send({ op: "rel" });
  }

  /** Runs `fn` holding the lock, releasing it after (`Lock.with`, `RLock.with`). */
  async with<T>(fn: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Whether this process holds it (for a condition's checks). */
  holds(): boolean {
    return this.core !== null ? this.core.owns(this.me) : this.held > 0;
  }
}
