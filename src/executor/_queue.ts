/**
 * The executor's own queue in front of its `Pool`. Work enters the pool only
 * when a worker is free for it, so whatever still waits here has not started:
 * that is exactly what `shutdown({ cancelFutures: true })` may cancel, while
 * work already handed to the pool is left to finish.
 *
 * @module
 */

import type { CancelledError } from "../errors.ts";

/** One piece of work: a submitted call, or one chunk of a `map`. */
export interface Unit {
  /** Hands the work to the pool; settles once it is done and never rejects. */
  run(): Promise<void>;
  /** The unit will never run: `shutdown({ cancelFutures: true })`. */
  cancel(error: CancelledError): void;
  /** True when the unit is no longer wanted (its map ended): it is skipped. */
  skip(): boolean;
}

/** A `map` still reading its input: more units may come from it. */
export interface Feed {
  /** Stop reading: the rest of the input is cancelled. */
  cancel(error: CancelledError): void;
}

// Compact the backing array once this many consumed slots lead it.
const COMPACT_AT = 1024;

/** Runs units at most `limit` at a time, in the order they came. */
export class WorkQueue {
  readonly #limit: number;
  #units: (Unit | undefined)[] = [];
  #head = 0;
  #running = 0;
  #feeds = new Set<Feed>();
  #idle: (() => void)[] = [];

  /** @param limit How many units may be in the pool at once. */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Queues a unit; it starts at once if a worker is free. */
  push(unit: Unit): void {
    this.#units.push(unit);
    this.#dispatch();
  }

  /** Registers a map whose input is still being read. */
  hold(feed: Feed): void {
    this.#feeds.add(feed);
  }

  /** The map's input is fully read (or abandoned). */
  release(feed: Feed): void {
    if (this.#feeds.delete(feed)) this.#checkIdle();
  }

  /** Cancels every unit not yet started and every input still being read. */
  cancelPending(error: CancelledError): void {
    const units = this.#units.slice(this.#head);
    this.#units = [];
    this.#head = 0;
    for (const unit of units) if (unit !== undefined && !unit.skip()) unit.cancel(error);
    for (const feed of [...this.#feeds]) feed.cancel(error);
    this.#feeds.clear();
    this.#checkIdle();
  }

  /** Resolves once nothing waits, runs, or may still be queued. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.#checkIdle();
    });
  }

  #dispatch(): void {
    while (this.#running < this.#limit && this.#head < this.#units.length) {
      const unit = this.#units[this.#head]!;
      this.#units[this.#head++] = undefined;
      if (unit.skip()) continue;
      this.#running++;
      let ran: Promise<void>;
      try {
        ran = unit.run();
      } catch {
        ran = Promise.resolve();
      }
      ran.then(this.#finished, this.#finished);
    }
    if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#units.length) {
      this.#units = this.#units.slice(this.#head);
      this.#head = 0;
    }
    this.#checkIdle();
  }

  #finished = (): void => {
    this.#running--;
    this.#dispatch();
  };

  #checkIdle(): void {
    if (this.#idle.length === 0) return;
    if (this.#running > 0 || this.#feeds.size > 0) return;
    // Units skipped on the way count as gone; any live one would have run.
    if (this.#head < this.#units.length) return;
    const waiters = this.#idle;
    this.#idle = [];
    for (const resolve of waiters) resolve();
  }
}
