/**
 * The iterator behind `asCompleted()`: hands back the caller's own promises
 * in the order they settle.
 *
 * @module
 */

import { TimeoutError } from "../errors.ts";
import { untilDeadline } from "./_checks.ts";

const DONE: IteratorResult<never> = { value: undefined, done: true };

/**
 * Yields each distinct promise once, as it settles. It is an iterator object
 * rather than an async generator on purpose: a generator's `yield` would
 * await the promise and hand out its value, and a rejected one would end the
 * loop, where Python's `as_completed` hands out the future itself.
 */
export class Completions<P extends PromiseLike<unknown>> implements AsyncIterableIterator<P> {
  #settled: P[] = [];
  #left: number;
  #total: number;
  #deadline: number;
  #timeout: number | undefined;
  #closed = false;
  #changed = Promise.withResolvers<void>();

  /**
   * @param unique The promises, each once (see `promisesOf`).
   * @param deadline When a promise still pending fails the iteration.
   * @param timeout The caller's `timeout`, for the message.
   */
  constructor(unique: Set<P>, deadline: number, timeout: number | undefined) {
    this.#left = this.#total = unique.size;
    this.#deadline = deadline;
    this.#timeout = timeout;
    for (const future of unique) {
      const arrived = () => {
        this.#settled.push(future);
        this.#changed.resolve();
        this.#changed = Promise.withResolvers<void>();
      };
      future.then(arrived, arrived);
    }
  }

  /**
   * The next promise to settle.
   *
   * @throws {TimeoutError} When the deadline passes with promises pending.
   */
  async next(): Promise<IteratorResult<P>> {
    for (;;) {
      if (this.#closed || this.#left === 0) return DONE;
      if (this.#settled.length > 0) {
        this.#left--;
        return { value: this.#settled.shift()!, done: false };
      }
      if (!await untilDeadline(this.#changed.promise, this.#deadline)) {
        this.#closed = true;
        throw new TimeoutError(
          `${this.#left} of ${this.#total} promises were still pending ${this.#timeout} ms after asCompleted() was called; they go on. Raise \`timeout\`, or leave it unset to wait`,
        );
      }
    }
  }

  /** Stops early; the promises themselves go on. */
  return(): Promise<IteratorResult<P>> {
    this.#closed = true;
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
