/**
 * A FIFO of values with O(1) push and shift and batch take/return, for a
 * queue's items and leases (an array shift is O(n)).
 *
 * @module
 */

/** A double-ended list, used as a FIFO with whole-batch requeue at the front. */
export class Deque<T> {
  #items: T[] = [];
  #head = 0;

  /** How many values it holds. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Appends a value. */
  push(value: T): void {
    this.#items.push(value);
  }

  /** The first value, without removing it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  /** Removes and returns the first value. */
  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const value = this.#items[this.#head];
    (this.#items as (T | undefined)[])[this.#head] = undefined;
    this.#head++;
    this.#compact();
    return value;
  }

  /** Removes and returns up to `n` values from the front. */
  take(n: number): T[] {
    const end = Math.min(this.#head + n, this.#items.length);
    const out = this.#items.slice(this.#head, end);
    this.#items.fill(undefined as T, this.#head, end);
    this.#head = end;
    this.#compact();
    return out;
  }

  /** Drops up to `n` values from the front. */
  drop(n: number): void {
    const end = Math.min(this.#head + n, this.#items.length);
    this.#items.fill(undefined as T, this.#head, end);
    this.#head = end;
    this.#compact();
  }

  /** Puts `values` back in front, in their order. */
  unshiftAll(values: readonly T[]): void {
    if (values.length === 0) return;
    this.#items = values.concat(this.#items.slice(this.#head));
    this.#head = 0;
  }

  /** Removes every value. */
  clear(): T[] {
    return this.take(this.length);
  }

  #compact(): void {
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
