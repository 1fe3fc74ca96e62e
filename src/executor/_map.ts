/**
 * One `ProcessPoolExecutor.map()` call: its input is read at the call (as
 * Python's `Executor.map` does) into chunks that queue as units, and its
 * results are handed out in input order as each chunk completes.
 *
 * @module
 */

import { CancelledError, TimeoutError } from "../errors.ts";
import type { Pool } from "../pool.ts";
import type { Items } from "../pool/options.ts";
import type { Target } from "../target.ts";
import { untilDeadline } from "./_checks.ts";
import type { Feed, Unit, WorkQueue } from "./_queue.ts";

/** Everything a map is made from. */
export interface MapSpec<A> {
  pool: Pool;
  queue: WorkQueue;
  target: Target<never[], unknown>;
  input: Items<A>;
  /** Each item is an argument list (a map over several iterables). */
  star: boolean;
  chunksize: number;
  /** The caller's `timeout`, for the message; `deadline` is what counts. */
  timeout: number | undefined;
  deadline: number;
}

interface Chunk<R> {
  values: R[];
  error: { reason: unknown } | null;
  settled: boolean;
}

const DONE: IteratorResult<never> = { value: undefined, done: true };

/** The iterator `map()` returns; the work starts when it is made. */
export class MapRun<A, R> implements AsyncIterableIterator<R> {
  #spec: MapSpec<A>;
  #chunks: (Chunk<R> | undefined)[] = [];
  #current = 0;
  #offset = 0;
  #yielded = 0;
  #read = 0;
  #inputDone = false;
  #closed = false;
  #abort = new AbortController();
  #changed = Promise.withResolvers<void>();
  #turn: Promise<unknown> = Promise.resolve();
  #iterator: AsyncIterator<A> | null = null;
  #feed: Feed = { cancel: (error) => this.#inputEnded(error) };

  /** @param spec The call. */
  constructor(spec: MapSpec<A>) {
    this.#spec = spec;
    const input = spec.input;
    if (typeof input === "string" || Symbol.iterator in input) {
      this.#readSync(input as Iterable<A>);
    } else {
      spec.queue.hold(this.#feed);
      this.#readAsync(input);
    }
  }

  /**
   * The next result in input order.
   *
   * @throws The error of the item reached, `TimeoutError` at the deadline, or
   * `CancelledError` for an item cancelled by `shutdown({ cancelFutures })`.
   */
  next(): Promise<IteratorResult<R>> {
    // Callers that do not wait for one next() before the next one still get
    // the results in order, one each.
    const step = this.#turn.then(() => this.#next());
    this.#turn = step.catch(() => {});
    return step;
  }

  /** Stops early: queued chunks are dropped and running ones stopped. */
  return(): Promise<IteratorResult<R>> {
    this.#close();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async #next(): Promise<IteratorResult<R>> {
    for (;;) {
      if (this.#closed) return DONE;
      const chunk = this.#chunks[this.#current];
      if (chunk?.settled) {
        if (this.#offset < chunk.values.length) {
          this.#yielded++;
          return { value: chunk.values[this.#offset++], done: false };
        }
        if (chunk.error !== null) {
          this.#close();
          throw chunk.error.reason;
        }
        this.#chunks[this.#current++] = undefined;
        this.#offset = 0;
        continue;
      }
      if (chunk === undefined && this.#inputDone) {
        this.#close();
        return DONE;
      }
      if (!await untilDeadline(this.#changed.promise, this.#spec.deadline)) {
        this.#close();
        throw new TimeoutError(
          `Result ${this.#yielded} of map() was not ready ${this.#spec.timeout} ms after the call; the rest of the map was cancelled. Raise \`timeout\`, or leave it unset to wait`,
        );
      }
    }
  }

  #readSync(input: Iterable<A>): void {
    let batch: A[] = [];
    try {
      for (const item of input) {
        batch.push(item);
        if (batch.length === this.#spec.chunksize) {
          this.#add(batch);
          batch = [];
        }
      }
      this.#add(batch);
    } catch (error) {
      this.#add(batch);
      this.#addError(error);
    }
    this.#inputDone = true;
  }

  async #readAsync(input: AsyncIterable<A>): Promise<void> {
    let batch: A[] = [];
    try {
      const iterator = this.#iterator = input[Symbol.asyncIterator]();
      for (;;) {
        const step = await iterator.next();
        if (this.#inputDone) return;
        if (step.done) break;
        batch.push(step.value);
        if (batch.length === this.#spec.chunksize) {
          this.#add(batch);
          batch = [];
        }
      }
      this.#add(batch);
      this.#inputEnded();
    } catch (error) {
      if (this.#inputDone) return;
      this.#add(batch);
      this.#inputEnded(error);
    }
  }

  /** No more input: read in full, failed with `error`, cancelled or abandoned. */
  #inputEnded(error?: unknown): void {
    if (this.#inputDone) return;
    this.#inputDone = true;
    if (error !== undefined) this.#addError(error);
    this.#spec.queue.release(this.#feed);
    if (error !== undefined || this.#closed) {
      try {
        Promise.resolve(this.#iterator?.return?.()).catch(() => {});
      } catch {
        // The input's own cleanup failed; the map has ended anyway.
      }
    }
    this.#wake();
  }

  /** A settled chunk that fails at its position: the input threw, or was cancelled. */
  #addError(reason: unknown): void {
    this.#chunks.push({ values: [], error: { reason }, settled: true });
    this.#wake();
  }

  #add(items: A[]): void {
    if (items.length === 0) return;
    const chunk: Chunk<R> = { values: [], error: null, settled: false };
    const start = this.#read;
    this.#read += items.length;
    this.#chunks.push(chunk);
    const unit: Unit = {
      skip: () => this.#closed,
      run: async () => {
        const { pool, target, star } = this.#spec;
        const options = { chunksize: items.length, signal: this.#abort.signal };
        try {
          if (star) {
            // As in Python, a chunk that fails fails whole.
            const args = items as unknown as unknown[][];
            chunk.values = await pool.starmap(target as Target<unknown[], R>, args, options);
          } else {
            const results = pool.imap(target as Target<[A], R>, items, options);
            for await (const value of results) chunk.values.push(value);
          }
        } catch (error) {
          chunk.error = { reason: renumber(error, start) };
        }
        chunk.settled = true;
        this.#wake();
      },
      cancel: (error) => {
        chunk.error = { reason: error };
        chunk.settled = true;
        this.#wake();
      },
    };
    this.#spec.queue.push(unit);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abort.abort(
      new CancelledError("map() ended before its results were read; the rest was cancelled"),
    );
    this.#chunks = [];
    this.#inputEnded();
  }

  #wake(): void {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }
}

/**
 * The pool numbers a `DataCloneError`'s item within the chunk it was sent;
 * the caller knows items by their place in the whole map.
 */
function renumber(error: unknown, start: number): unknown {
  if (!(error instanceof DOMException) || error.name !== "DataCloneError") return error;
  const message = error.message.replace(
    /^Item (\d+) of the call/,
    (_, index: string) => `Item ${start + Number(index)} of the map`,
  );
  return new DOMException(message, "DataCloneError");
}
