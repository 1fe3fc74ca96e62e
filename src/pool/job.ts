/**
 * A `Job` is one pool call: it pulls the call's input into chunks (lazily,
 * with back-pressure, for `imap`), takes results back as chunks complete, and
 * delivers them — all at once (`map`), in order (`imap`) or as completed
 * (`imapUnordered`).
 *
 * @module
 */

import { TaskTimeoutError } from "../errors.ts";
import type { TargetSpec } from "../protocol.ts";
import { ChunkSizer } from "./chunker.ts";
import type { Progress } from "./options.ts";

/** How a job hands its results to the caller. */
export type Delivery = "collect" | "ordered" | "unordered";

/** A run of consecutive items of one job, dispatched to one worker. */
export interface Chunk {
  readonly job: Job;
  /** Index of the first item in the call's input. */
  readonly start: number;
  readonly items: unknown[];
  /** How many leading items have completed (streamed back one by one). */
  done: number;
  /** When it was dispatched, for the chunk sizer. */
  startedAt: number;
}

/** What a job needs from the scheduler that runs it. */
export interface JobHost {
  /** How many workers share the work. */
  readonly processes: number;
  /** New chunks are ready to dispatch. */
  kick(): void;
  /** Stops the job's running chunks now (abort, consumer gone). */
  cancelRunning(job: Job): void;
}

/** Everything a job is made from. */
export interface JobSpec {
  target: TargetSpec;
  /** The target function itself, for the inline backend. */
  direct: ((...args: unknown[]) => unknown) | null;
  /** Each item is an argument list. */
  star: boolean;
  /** One item whose result is the call's (apply). */
  single: boolean;
  input: Iterable<unknown> | AsyncIterable<unknown>;
  delivery: Delivery;
  chunksize: number | undefined;
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((progress: Progress) => void) | undefined;
}

type Entry = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One pool call in flight. */
export class Job {
  readonly spec: JobSpec;
  readonly sizer: ChunkSizer;
  /**
   * Settles with every result in input order (`collect` delivery), or with
   * the only one (`single`).
   */
  readonly result: Promise<unknown>;
  #host: JobHost;
  #array: readonly unknown[] | null = null;
  #iterator: Iterator<unknown> | AsyncIterator<unknown> | null = null;
  #async = false;
  #total: number | undefined;
  #pulled = 0;
  #exhausted = false;
  #pulling = false;
  #ready: Chunk[] = [];
  #readyItems = 0;
  #inFlight = 0;
  #completed = 0;
  #reported = 0;
  /** No more results are wanted: failed, cancelled or delivered. */
  #finished = false;
  /** Ordered delivery: no index at or past this is wanted (an error sits there). */
  #cutoff = Infinity;
  /** Unordered delivery: thrown once the outstanding work has drained. */
  #heldError: Entry | null = null;
  #results: unknown[] = [];
  #resolve!: (results: unknown) => void;
  #reject!: (error: unknown) => void;
  #ordered = new Map<number, Entry>();
  #nextOut = 0;
  #queue: Entry[] = [];
  #waiter: (() => void) | null = null;
  #onAbort: (() => void) | null = null;

  /**
   * @param spec The call.
   * @param host The scheduler.
   */
  constructor(spec: JobSpec, host: JobHost) {
    this.spec = spec;
    this.#host = host;
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const input = spec.input;
    if (Array.isArray(input)) {
      this.#array = input;
      this.#total = input.length;
    } else if (typeof (input as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
      this.#iterator = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
      this.#async = true;
    } else {
      this.#iterator = (input as Iterable<unknown>)[Symbol.iterator]();
      const size = (input as { length?: unknown; size?: unknown }).length ??
        (input as { size?: unknown }).size;
      if (typeof size === "number") this.#total = size;
    }
    this.sizer = new ChunkSizer(spec.chunksize, this.#total, host.processes);
    // Chunks finish out of order; writing into a preallocated array keeps
    // V8 from turning a growing one into a slow dictionary.
    if (spec.delivery === "collect" && this.#total !== undefined) {
      this.#results = new Array(this.#total);
    }
    if (spec.signal?.aborted) {
      this.abort(spec.signal.reason);
      return;
    }
    if (spec.signal !== undefined) {
      const signal = spec.signal;
      this.#onAbort = () => this.abort(signal.reason);
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** Starts pulling input; the scheduler calls it once the job is its own. */
  start(): void {
    this.#pump();
  }

  /** Whether a chunk is waiting for a worker. */
  hasReady(): boolean {
    return this.#ready.length > 0;
  }

  /** Takes the next chunk for a worker. */
  take(): Chunk {
    const chunk = this.#ready.shift()!;
    this.#readyItems -= chunk.items.length;
    this.#inFlight += chunk.items.length;
    if (this.sizer.adaptive) chunk.startedAt = performance.now();
    this.#pump();
    return chunk;
  }

  /** Whether results of `chunk` still matter. */
  wants(chunk: Chunk): boolean {
    return !this.#finished && chunk.start + chunk.done < this.#cutoff;
  }

  /** The next item of a streaming chunk completed. */
  itemDone(chunk: Chunk, value: unknown): void {
    this.#record(chunk.start + chunk.done++, { ok: true, value });
    this.#settle();
  }

  /** A chunk completed; `results` are its items not already streamed. */
  chunkDone(chunk: Chunk, results: ArrayLike<unknown>): void {
    if (this.sizer.adaptive) {
      this.sizer.observe(chunk.items.length, performance.now() - chunk.startedAt);
    }
    for (let i = 0; i < results.length; i++) {
      this.#record(chunk.start + chunk.done++, { ok: true, value: results[i] });
    }
    this.#settle();
  }

  /**
   * Item `index` (within the chunk) failed; `results` are the items before
   * it not already streamed. The chunk's later items were skipped.
   */
  chunkFailed(chunk: Chunk, index: number, error: unknown, results: ArrayLike<unknown>): void {
    for (let i = 0; i < results.length; i++) {
      this.#record(chunk.start + chunk.done++, { ok: true, value: results[i] });
    }
    chunk.done = index;
    this.#record(chunk.start + chunk.done++, { ok: false, error });
    this.#inFlight -= chunk.items.length - chunk.done;
    this.#settle();
  }

  /**
   * The running item of `chunk` overran `timeout` and its worker is being
   * stopped: that item fails with `TaskTimeoutError` and the chunk's later
   * items are queued again, first in line, for another worker.
   */
  chunkTimedOut(chunk: Chunk, timeout: number): void {
    const rest = chunk.items.slice(chunk.done + 1);
    const index = chunk.start + chunk.done;
    this.#record(index, {
      ok: false,
      error: new TaskTimeoutError(
        `Task ${index} ran longer than its ${timeout} ms timeout; its worker was stopped and replaced`,
      ),
    });
    this.#inFlight -= rest.length;
    if (rest.length > 0 && !this.#finished && index + 1 < this.#cutoff) {
      this.#ready.unshift({ job: this, start: index + 1, items: rest, done: 0, startedAt: 0 });
      this.#readyItems += rest.length;
      this.#host.kick();
    }
    this.#settle();
  }

  /** The worker running `chunk` died: its unfinished items fail with `error`. */
  chunkCrashed(chunk: Chunk, error: unknown): void {
    this.chunkFailed(chunk, chunk.done, error, []);
  }

  /** Ends the call with `reason`: nothing more is queued, pulled or run. */
  abort(reason: unknown): void {
    if (this.#finished) return;
    this.#fail(reason);
    this.#host.cancelRunning(this);
  }

  /** The next result in delivery order (`ordered`/`unordered` delivery). */
  async next(): Promise<IteratorResult<unknown>> {
    for (;;) {
      const entry = this.#takeEntry();
      if (entry !== undefined) {
        if (entry.ok) {
          this.#pump();
          return { value: entry.value, done: false };
        }
        this.#close();
        throw entry.error;
      }
      if (this.#drained()) {
        this.#close();
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  /** The consumer stopped early: stop the input and the work in flight. */
  stop(): void {
    if (this.#finished) return;
    this.#close();
    this.#host.cancelRunning(this);
  }

  /** Counts for `Pool.stats()`. */
  get counts(): { queued: number; running: number } {
    return { queued: this.#finished ? 0 : this.#readyItems, running: this.#inFlight };
  }

  /** Whether the job needs nothing more from the pool. */
  get finished(): boolean {
    return this.#finished || (this.#drained() && this.#inFlight === 0);
  }

  #record(index: number, entry: Entry): void {
    this.#inFlight--;
    this.#completed++;
    if (this.#finished || index >= this.#cutoff) return;
    const delivery = this.spec.delivery;
    if (delivery === "collect") {
      if (entry.ok) this.#results[index] = entry.value;
      else this.#fail(entry.error);
    } else if (delivery === "ordered") {
      this.#ordered.set(index, entry);
      if (!entry.ok) this.#cutTo(index);
    } else if (entry.ok) {
      this.#queue.push(entry);
    } else if (this.#heldError === null) {
      // The rest of the outstanding work still completes and is yielded first.
      this.#heldError = entry;
      this.#stopInput();
    }
  }

  /** After results arrive: progress, completion, waking the consumer. */
  #settle(): void {
    if (this.#completed !== this.#reported) {
      this.#reported = this.#completed;
      this.spec.onProgress?.({
        done: this.#completed,
        total: this.#total ?? (this.#exhausted ? this.#pulled : undefined),
      });
    }
    if (this.spec.delivery === "collect" && !this.#finished && this.#drained()) {
      this.#finish();
      this.#resolve(this.spec.single ? this.#results[0] : this.#results);
    }
    this.#wake();
  }

  #takeEntry(): Entry | undefined {
    if (this.spec.delivery === "ordered") {
      const entry = this.#ordered.get(this.#nextOut);
      if (entry !== undefined) {
        this.#ordered.delete(this.#nextOut++);
        return entry;
      }
      return undefined;
    }
    const entry = this.#queue.shift();
    if (entry !== undefined) return entry;
    if (this.#heldError !== null && this.#inFlight === 0 && this.#ready.length === 0) {
      const held = this.#heldError;
      this.#heldError = null;
      return held;
    }
    return undefined;
  }

  /** Input exhausted and every pulled item accounted for. */
  #drained(): boolean {
    return this.#exhausted && !this.#pulling && this.#inFlight === 0 &&
      this.#ready.length === 0 && this.#heldError === null &&
      (this.spec.delivery !== "ordered" || !this.#ordered.has(this.#nextOut));
  }

  #cutTo(index: number): void {
    this.#cutoff = index + 1;
    this.#stopInput();
    this.#ready = this.#ready.filter((c) => c.start < this.#cutoff);
    this.#readyItems = this.#ready.reduce((n, c) => n + c.items.length, 0);
  }

  #fail(error: unknown): void {
    if (this.spec.delivery === "collect") {
      this.#finish();
      this.#reject(error);
      return;
    }
    this.#close();
    const entry: Entry = { ok: false, error };
    if (this.spec.delivery === "ordered") this.#ordered.set(this.#nextOut, entry);
    else this.#queue.push(entry);
    this.#wake();
  }

  /** No more work: drop queued chunks, close the input. */
  #finish(): void {
    this.#finished = true;
    this.#ready = [];
    this.#readyItems = 0;
    if (this.#onAbort !== null) this.spec.signal!.removeEventListener("abort", this.#onAbort);
    this.#stopInput();
  }

  /** Pulls nothing more, and lets a generator input run its `finally`. */
  #stopInput(): void {
    if (this.#exhausted) return;
    this.#exhausted = true;
    try {
      const closing = this.#iterator?.return?.();
      if (closing instanceof Promise) closing.catch(() => {});
    } catch {
      // An input that fails to close has nothing more to give anyway.
    }
  }

  #close(): void {
    this.#finish();
    this.#ordered.clear();
    this.#queue = [];
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  #limit(): number {
    if (this.spec.delivery === "collect") return Infinity;
    return Math.max(2 * this.#host.processes * this.sizer.size, 4 * this.#host.processes);
  }

  #wantMore(): boolean {
    if (this.#exhausted || this.#finished) return false;
    const buffered = this.spec.delivery === "ordered" ? this.#ordered.size : this.#queue.length;
    return this.#readyItems + this.#inFlight + buffered < this.#limit();
  }

  #enqueue(items: unknown[]): void {
    this.#ready.push({ job: this, start: this.#pulled, items, done: 0, startedAt: 0 });
    this.#readyItems += items.length;
    this.#pulled += items.length;
  }

  /** The input itself threw: the call fails at that point of the input. */
  #inputFailed(error: unknown): void {
    this.#exhausted = true;
    const entry: Entry = { ok: false, error };
    if (this.spec.delivery === "collect") this.#fail(error);
    else if (this.spec.delivery === "ordered") {
      this.#ordered.set(this.#pulled, entry);
      this.#cutTo(this.#pulled);
    } else if (this.#heldError === null) this.#heldError = entry;
  }

  /** Pulls input into chunks while the job wants more. */
  #pump(): void {
    if (this.#pulling || this.#exhausted || this.#finished) return;
    if (this.#array !== null) {
      const array = this.#array;
      while (this.#wantMore()) {
        const items = array.slice(this.#pulled, this.#pulled + this.sizer.size);
        if (items.length > 0) this.#enqueue(items);
        if (this.#pulled >= array.length) this.#exhausted = true;
      }
      this.#afterPull();
      return;
    }
    if (!this.#async) {
      const iterator = this.#iterator as Iterator<unknown>;
      try {
        while (this.#wantMore()) {
          const items: unknown[] = [];
          const size = this.sizer.size;
          while (items.length < size) {
            const step = iterator.next();
            if (step.done) {
              this.#exhausted = true;
              break;
            }
            items.push(step.value);
          }
          if (items.length > 0) this.#enqueue(items);
        }
      } catch (error) {
        this.#inputFailed(error);
      }
      this.#afterPull();
      return;
    }
    this.#pulling = true;
    this.#pullAsync().finally(() => {
      this.#pulling = false;
      this.#afterPull();
    });
  }

  async #pullAsync(): Promise<void> {
    const iterator = this.#iterator as AsyncIterator<unknown>;
    try {
      while (this.#wantMore()) {
        const items: unknown[] = [];
        const size = this.sizer.size;
        while (items.length < size) {
          const step = await iterator.next();
          if (this.#finished) return;
          if (step.done) {
            this.#exhausted = true;
            break;
          }
          items.push(step.value);
        }
        if (items.length > 0) {
          this.#enqueue(items);
          this.#host.kick();
        }
      }
    } catch (error) {
      this.#inputFailed(error);
    }
  }

  #afterPull(): void {
    if (this.#ready.length > 0) this.#host.kick();
    this.#settle();
  }
}
