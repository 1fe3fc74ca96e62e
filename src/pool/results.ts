/**
 * Where a call's results wait for its caller: all at once (`map`), in input
 * order (`imap`), or as they complete (`imapUnordered`). Values are kept as
 * they are, with no per-item wrapper: a slow consumer may leave thousands
 * buffered, and every long-lived object would grow the heap.
 *
 * @module
 */

/** `take()` found nothing to hand out yet. */
export const NOTHING: unique symbol = Symbol("nothing");

/**
 * A failed item's place among the results: `take()` hands it out like a
 * value and the iterator throws its error there, then goes on with the next
 * item, as Python's `imap` iterator does. Failures are few, so the wrapper
 * costs nothing a steady stream of values would pay.
 */
export class Failed {
  /** @param error What the item threw (or why it did not run). */
  constructor(readonly error: unknown) {}
}

/** What a call must do after one of its items, or its input, failed. */
export type OnError =
  /** Reject the whole call now (`map`). */
  | "fail"
  /** Nothing past this point of the input is wanted; earlier items still are (`imap`). */
  | "cut"
  /** Let the outstanding work finish and hand it out first (`imapUnordered`). */
  | "hold"
  /** Go on: the failure is handed out in its place (an item of `imap`/`imapUnordered`). */
  | "continue";

/** One call's results. */
export interface Results {
  /** Values stored and not yet handed out. */
  readonly buffered: number;
  /** Whether the value of `index` is still wanted. */
  wants(index: number): boolean;
  /** Stores the value of item `index`. */
  value(index: number, value: unknown): void;
  /** Item `index` failed with `error`. */
  error(index: number, error: unknown): OnError;
  /** The input threw `error` where item `index` would have been: nothing more can be read. */
  inputError(index: number, error: unknown): OnError;
  /**
   * The next value (or {@linkcode Failed} item) to hand out, or {@linkcode NOTHING}.
   *
   * @param settled Whether every outstanding item has completed.
   * @throws The error that ends the results at this point.
   */
  take(settled: boolean): unknown;
}

/** Every result, in input order, handed over at the end. */
export class Collected implements Results {
  /** The results by input index. */
  readonly values: unknown[];
  readonly buffered = 0;

  /** @param total The input's length, when known: the array is made at full size. */
  constructor(total: number | undefined) {
    // Chunks finish out of order; writing into a preallocated array keeps
    // V8 from turning a growing one into a slow dictionary.
    this.values = total === undefined ? [] : new Array(total);
  }

  wants(): boolean {
    return true;
  }

  value(index: number, value: unknown): void {
    this.values[index] = value;
  }

  error(): OnError {
    return "fail";
  }

  inputError(): OnError {
    return "fail";
  }

  take(): unknown {
    return NOTHING;
  }
}

/** Results handed out in input order; an input error ends them at its position. */
export class InOrder implements Results {
  #values = new Map<number, unknown>();
  #next = 0;
  #cutoff = Infinity;
  #error: unknown;

  get buffered(): number {
    return this.#values.size;
  }

  wants(index: number): boolean {
    return index < this.#cutoff;
  }

  value(index: number, value: unknown): void {
    if (index < this.#cutoff) this.#values.set(index, value);
  }

  error(index: number, error: unknown): OnError {
    if (index < this.#cutoff) this.#values.set(index, new Failed(error));
    return "continue";
  }

  inputError(index: number, error: unknown): OnError {
    if (index < this.#cutoff) {
      this.#cutoff = index;
      this.#error = error;
      for (const key of this.#values.keys()) if (key > index) this.#values.delete(key);
    }
    return "cut";
  }

  take(): unknown {
    const next = this.#next;
    if (this.#values.has(next)) {
      const value = this.#values.get(next);
      this.#values.delete(next);
      this.#next++;
      return value;
    }
    if (next === this.#cutoff) {
      this.#next++;
      throw this.#error;
    }
    return NOTHING;
  }
}

/**
 * Results handed out as they complete, a failed item too; an input error
 * waits for the rest. They
 * wait in a ring that only grows, so a steady stream reuses one array.
 */
export class AsCompleted implements Results {
  #ring: unknown[] = new Array(1024);
  #head = 0;
  #count = 0;
  #held: { error: unknown } | null = null;

  get buffered(): number {
    return this.#count;
  }

  wants(): boolean {
    return true;
  }

  value(_index: number, value: unknown): void {
    if (this.#count === this.#ring.length) {
      const grown = new Array(this.#ring.length * 2);
      const length = this.#ring.length;
      for (let i = 0; i < this.#count; i++) grown[i] = this.#ring[(this.#head + i) % length];
      this.#ring = grown;
      this.#head = 0;
    }
    this.#ring[(this.#head + this.#count++) % this.#ring.length] = value;
  }

  error(_index: number, error: unknown): OnError {
    this.value(_index, new Failed(error));
    return "continue";
  }

  inputError(_index: number, error: unknown): OnError {
    this.#held ??= { error };
    return "hold";
  }

  take(settled: boolean): unknown {
    if (this.#count > 0) {
      const value = this.#ring[this.#head];
      this.#ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % this.#ring.length;
      this.#count--;
      return value;
    }
    if (this.#held !== null && settled) {
      const { error } = this.#held;
      this.#held = null;
      throw error;
    }
    return NOTHING;
  }
}
