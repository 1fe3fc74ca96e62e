/**
 * `Event`: a flag processes can set, clear and wait for.
 *
 * @module
 */

import { waitFor } from "../ipc/options.ts";
import { type Core, SELF_ID, SyncOwner } from "./_owner.ts";
import { shareSync } from "./_share.ts";
import type { Side } from "./_side.ts";
import { type Deadline, deadlineOf, waitWord } from "./_wait.ts";

const FLAG = 0;
const WAITERS = 1;

/** An event's words: the flag and the number of waiters. */
export class EventCore implements Core {
  readonly sab: SharedArrayBuffer;
  readonly #i32: Int32Array;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.#i32 = new Int32Array(sab);
  }

  isSet(): boolean {
    return Atomics.load(this.#i32, FLAG) === 1;
  }

  /** Sets (1) or clears (0) the flag; setting wakes every waiter. */
  put(_i: number, v: number | bigint): void {
    Atomics.store(this.#i32, FLAG, v ? 1 : 0);
    if (v && Atomics.load(this.#i32, WAITERS) > 0) Atomics.notify(this.#i32, FLAG, Infinity);
  }

  async wait(_me: number, deadline: Deadline, signal?: AbortSignal): Promise<number> {
    const i32 = this.#i32;
    if (this.isSet()) return 1;
    Atomics.add(i32, WAITERS, 1);
    try {
      for (;;) {
        const end = await waitWord(i32, FLAG, 0, deadline, signal);
        if (this.isSet()) return 1;
        if (end !== "changed") return 0;
      }
    } finally {
      Atomics.sub(i32, WAITERS, 1);
    }
  }
}

let adopting: Side<EventCore> | null = null;

/** Makes the event a child uses. */
export function adoptEvent(side: Side<EventCore>): Event {
  adopting = side;
  try {
    return new Event();
  } finally {
    adopting = null;
  }
}

/**
 * An event shared by processes (Python's `multiprocessing.Event`): a flag,
 * initially clear; `wait()` resolves once it is set.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const e = new mp.Event();
 * console.log(await e.wait(10)); // false: not set within 10 ms
 * e.set();
 * console.log(e.isSet(), await e.wait()); // true true
 * ```
 */
export class Event {
  readonly #side: Side<EventCore>;

  /** Creates a clear event. */
  constructor() {
    if (adopting !== null) {
      this.#side = adopting;
      adopting = null;
      shareSync(this, null);
      return;
    }
    const core = new EventCore(new SharedArrayBuffer(8));
    this.#side = { core, me: SELF_ID };
    shareSync(this, new SyncOwner(core, "event"));
  }

  /** Sets the flag and wakes every process waiting for it. */
  set(): void {
    this.#put(1);
  }

  /** Clears the flag. */
  clear(): void {
    this.#put(0);
  }

  #put(v: 0 | 1): void {
    const { core, client } = this.#side;
    if (core !== undefined) core.put(0, v);
    else client.write(0, v);
  }

  /**
   * Whether the flag is set. In a subprocess child, as of the last news
   * from the creating process (at most a round trip old while polled).
   *
   * @returns The flag.
   */
  isSet(): boolean {
    const { core, client } = this.#side;
    if (core !== undefined) return core.isSet();
    return new Int32Array(client.read().buffer)[FLAG] === 1;
  }

  /**
   * Waits until the flag is set.
   *
   * @param timeout Longest wait in milliseconds; none when left out.
   * @returns `true` if the flag is set, `false` if the time ran out first.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  async wait(timeout?: number): Promise<boolean> {
    const wait = waitFor(timeout);
    const { core, client } = this.#side;
    if (core !== undefined) return await core.wait(0, deadlineOf(wait)) === 1;
    const out = await client.request({ op: "wait", wait });
    if (!out.ok) throw out.error;
    return out.value === 1;
  }
}
