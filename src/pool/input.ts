/**
 * A call's input, read a chunk at a time: an array is sliced, a sync
 * iterable stepped, an async iterable awaited. It knows the input's length
 * when the input says it.
 *
 * @module
 */

/** The input of one pool call. */
export class Input {
  /** The number of items, when the input tells (arrays, `length`, `size`). */
  readonly total: number | undefined;
  /** Whether items must be awaited one by one. */
  readonly isAsync: boolean;
  /** Items read so far. */
  pulled = 0;
  /** Nothing more will be read: the input ended, threw, or was closed. */
  done = false;
  #array: readonly unknown[] | null = null;
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;

  /** @param input What the call maps over. */
  constructor(input: Iterable<unknown> | AsyncIterable<unknown>) {
    if (Array.isArray(input)) {
      this.#array = input;
      this.total = input.length;
      this.isAsync = false;
    } else if (typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
      this.#iterator = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      this.isAsync = true;
    } else {
      this.#iterator = (input as Iterable<unknown>)[Symbol.iterator]();
      const size = (input as { length?: unknown }).length ?? (input as { size?: unknown }).size;
      this.total = typeof size === "number" ? size : undefined;
      this.isAsync = false;
    }
  }

  /**
   * Reads up to `n` items of an array or sync iterable.
   *
   * @throws What the input's iterator throws; the input is then done.
   */
  read(n: number): unknown[] {
    if (this.#array !== null) {
      const items = this.#array.slice(this.pulled, this.pulled + n);
      this.pulled += items.length;
      if (this.pulled >= this.#array.length) this.done = true;
      return items;
    }
    const iterator = this.#iterator as Iterator<unknown>;
    const items: unknown[] = new Array(n);
    let count = 0;
    try {
      while (count < n) {
        const step = iterator.next();
        if (step.done) {
          this.done = true;
          break;
        }
        items[count++] = step.value;
      }
    } catch (error) {
      this.done = true;
      throw error;
    } finally {
      items.length = count;
      this.pulled += count;
    }
    return items;
  }

  /**
   * Reads up to `n` items of an async iterable, giving up as soon as
   * `stopped()` says the items are no longer wanted.
   *
   * @throws What the input's iterator throws; the input is then done.
   */
  async readAsync(n: number, stopped: () => boolean): Promise<unknown[]> {
    const iterator = this.#iterator as AsyncIterator<unknown>;
    const items: unknown[] = [];
    try {
      while (items.length < n) {
        const step = await iterator.next();
        if (stopped()) return [];
        if (step.done) {
          this.done = true;
          break;
        }
        items.push(step.value);
      }
    } catch (error) {
      this.done = true;
      throw error;
    }
    this.pulled += items.length;
    return items;
  }

  /** Reads nothing more, and lets a generator input run its `finally`. */
  close(): void {
    if (this.done) return;
    this.done = true;
    try {
      const closing = this.#iterator?.return?.();
      if (closing instanceof Promise) closing.catch(() => {});
    } catch {
      // An input that fails to close has nothing more to give anyway.
    }
  }
}
