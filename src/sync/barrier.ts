/**
 * `Barrier`: a meeting point for a fixed number of processes.
 *
 * @module
 */

import { BrokenBarrierError } from "../errors.ts";
import { waitFor } from "../ipc/options.ts";
import { describe } from "../_describe.ts";
import { brokenOf } from "./_client.ts";
import { type Core, SELF_ID, SyncOwner } from "./_owner.ts";
import { shareSync } from "./_share.ts";
import type { Side } from "./_side.ts";
import { type Deadline, deadlineOf, waitWord } from "./_wait.ts";

// Words: a spin lock over the others (held for a few instructions, never
// across an await), arrivals in this generation, the generation, the broken
// flag, the number of parties, then how each of the last RING generations
// ended, so a waiter that wakes late still learns its own generation's fate.
const SPIN = 0;
const COUNT = 1;
const GEN = 2;
const BROKEN = 3;
const PARTIES = 4;
const RING_AT = 5;
const RING = 64;
const RELEASED = 1;
const BROKE = 2;
/** Bytes of a barrier's state. */
const BYTES = (RING_AT + RING) * 4;

/** A barrier's words and what any party can do to them. */
export class BarrierCore implements Core {
  readonly sab: SharedArrayBuffer;
  readonly #i32: Int32Array;

  constructor(sab: SharedArrayBuffer) {
    this.sab = sab;
    this.#i32 = new Int32Array(sab);
  }

  #lock(): void {
    while (Atomics.compareExchange(this.#i32, SPIN, 0, 1) !== 0) {
      // The holder is a few instructions from letting go.
    }
  }

  #unlock(): void {
    Atomics.store(this.#i32, SPIN, 0);
  }

  /** Ends generation `gen` as `how` and opens the next; call under the spin lock. */
  #end(gen: number, how: number): void {
    const i32 = this.#i32;
    Atomics.store(i32, RING_AT + (gen % RING), how);
    Atomics.store(i32, RING_AT + ((gen + 1) % RING), 0);
    Atomics.store(i32, COUNT, 0);
    Atomics.store(i32, GEN, (gen + 1) | 0);
  }

  async wait(_me: number, deadline: Deadline, signal?: AbortSignal): Promise<number> {
    const i32 = this.#i32;
    this.#lock();
    if (Atomics.load(i32, BROKEN)) {
      this.#unlock();
      throw broken("was broken before this wait: call reset() to use it again");
    }
    const gen = Atomics.load(i32, GEN);
    const index = Atomics.add(i32, COUNT, 1);
    if (index + 1 === Atomics.load(i32, PARTIES)) {
      this.#end(gen, RELEASED);
      this.#unlock();
      Atomics.notify(i32, GEN, Infinity);
      return index;
    }
    this.#unlock();
    for (;;) {
      const end = await waitWord(i32, GEN, gen, deadline, signal);
      if (Atomics.load(i32, GEN) !== gen) {
        if (Atomics.load(i32, RING_AT + (gen % RING)) === RELEASED) return index;
        throw broken(
          "was broken while this process waited (abort(), reset() or another wait's timeout)",
        );
      }
      if (end === "changed") continue;
      this.#lock();
      if (Atomics.load(i32, GEN) !== gen) {
        this.#unlock();
        continue;
      }
      this.#break(gen);
      throw broken(
        end === "timeout"
          ? "wait() timed out, which breaks the barrier for every party"
          : "wait() was given up, which breaks the barrier for every party",
      );
    }
  }

  /** Breaks generation `gen`; call under the spin lock, which this lets go. */
  #break(gen: number): void {
    Atomics.store(this.#i32, BROKEN, 1);
    this.#end(gen, BROKE);
    this.#unlock();
    Atomics.notify(this.#i32, GEN, Infinity);
  }

  abort(): void {
    this.#lock();
    this.#break(Atomics.load(this.#i32, GEN));
  }

  reset(): void {
    const i32 = this.#i32;
    this.#lock();
    if (Atomics.load(i32, COUNT) > 0) this.#end(Atomics.load(i32, GEN), BROKE);
    Atomics.store(i32, BROKEN, 0);
    this.#unlock();
    Atomics.notify(i32, GEN, Infinity);
  }
}

function broken(what: string): BrokenBarrierError {
  return new BrokenBarrierError(`Barrier ${what}`);
}

let adopting: Side<BarrierCore> | null = null;

/** Makes the barrier a child uses. */
export function adoptBarrier(side: Side<BarrierCore>): Barrier {
  adopting = side;
  try {
    return new Barrier(1);
  } finally {
    adopting = null;
  }
}

/**
 * A barrier shared by processes (Python's `multiprocessing.Barrier`):
 * `wait()` holds each caller until `parties` of them are waiting, then
 * releases them all together.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const b = new mp.Barrier(2);
 * const [x, y] = await Promise.all([b.wait(), b.wait()]);
 * console.log([x, y].sort()); // [0, 1]
 * ```
 */
export class Barrier {
  readonly #side: Side<BarrierCore>;

  /**
   * Creates a barrier for `parties` callers.
   *
   * @param parties How many `wait()` calls release each other.
   * @throws {RangeError} If `parties` is not a positive integer.
   */
  constructor(parties: number) {
    if (adopting !== null) {
      this.#side = adopting;
      adopting = null;
      shareSync(this, null);
      return;
    }
    if (!Number.isInteger(parties) || parties < 1 || parties > 0x7fffffff) {
      throw new RangeError(
        `Expected \`parties\` to be a positive integer, got ${describe(parties)}`,
      );
    }
    const core = new BarrierCore(new SharedArrayBuffer(BYTES));
    new Int32Array(core.sab)[PARTIES] = parties;
    this.#side = { core, me: SELF_ID };
    shareSync(this, new SyncOwner(core, "barrier"));
  }

  #words(): Int32Array {
    const { core, client } = this.#side;
    return new Int32Array(core !== undefined ? core.sab : client.read().buffer);
  }

  /** How many callers each release needs. */
  get parties(): number {
    return this.#words()[PARTIES];
  }

  /** How many callers wait now (in a subprocess child: as of the last news). */
  get nWaiting(): number {
    return Atomics.load(this.#words(), COUNT);
  }

  /** Whether the barrier is broken (in a subprocess child: as of the last news). */
  get broken(): boolean {
    return this.#words()[BROKEN] === 1;
  }

  /**
   * Waits until `parties` callers wait, then releases them together.
   *
   * @param timeout Longest wait in milliseconds; running out breaks the barrier.
   * @returns This caller's arrival index, `0` to `parties - 1`, unique per release.
   * @throws {BrokenBarrierError} If the barrier is or gets broken meanwhile.
   * @throws {RangeError} For a negative or non-number `timeout`.
   */
  async wait(timeout?: number): Promise<number> {
    const wait = waitFor(timeout);
    const { core, client } = this.#side;
    if (core !== undefined) return await core.wait(0, deadlineOf(wait));
    const out = await client.request({ op: "wait", wait });
    if (!out.ok) throw brokenOf(out, "Barrier");
    return out.value;
  }

  /** Breaks the barrier: every waiter and every later `wait()` gets `BrokenBarrierError` until `reset()`. */
  abort(): void {
    const { core, client } = this.#side;
    if (core !== undefined) core.abort();
    else client.send({ op: "abort" });
  }

  /** Makes the barrier usable again; callers waiting now get `BrokenBarrierError`. */
  reset(): void {
    const { core, client } = this.#side;
    if (core !== undefined) core.reset();
    else client.send({ op: "reset" });
  }
}
