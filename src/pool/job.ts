/**
 * A `Job` is one pool call: it pulls the call's input into chunks (lazily,
 * with back-pressure, for `imap`), accounts for every item it hands out, and
 * passes results to its `Results` (results.ts), which deliver them all at
 * once (`map`), in order (`imap`) or as completed (`imapUnordered`).
 *
 * @module
 */

import { TaskTimeoutError, TimeoutError } from "../errors.ts";
import type { TargetSpec } from "../protocol.ts";
import { ChunkSizer } from "./chunker.ts";
import { Input } from "./input.ts";
import type { Progress } from "./options.ts";
import { AsCompleted, Collected, Failed, InOrder, NOTHING, type Results } from "./results.ts";

/** How a job hands its results to the caller. */
export type Delivery = "collect" | "ordered" | "unordered";

/** A run of consecutive items of one job, dispatched to one worker. */
export interface Chunk {
  readonly job: Job;
  /** Index of the first item in the call's input. */
  readonly start: number;
  /** How many items it has. */
  readonly size: number;
  /**
   * The items. A child slot empties this once they are sent, unless the
   * chunk may have to run again (it has a timeout, or its results stream to
   * an iterator, which goes on past a failed item): a `map` of a large
   * input puts many chunks in flight, and none should keep its input alive.
   */
  items: unknown[];
  /** How many leading items have completed (streamed back one by one). */
  done: number;
  /** When it was dispatched, for the chunk sizer. */
  startedAt: number;
}

/** What a job needs from the scheduler that runs it. */
export interface JobHost {
  /** How many workers share the work. */
  readonly processes: number;
  /** `job` has chunks ready to dispatch. */
  jobReady(job: Job): void;
  /** `job` needs nothing more from the pool (see {@linkcode Job.finished}). */
  release(job: Job): void;
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

let nextSeq = 0;

/** One pool call in flight. */
export class Job {
  /** Its place in call order: earlier calls get workers first. */
  readonly seq: number;
  readonly spec: JobSpec;
  readonly sizer: ChunkSizer;
  /**
   * Settles with every result in input order (`collect` delivery), or with
   * the only one (`single`).
   */
  readonly result: Promise<unknown>;
  #host: JobHost;
  #results: Results;
  #input: Input;
  #pulling = false;
  #ready: Chunk[] = [];
  #readyItems = 0;
  #inFlight = 0;
  #completed = 0;
  #reported = 0;
  /** No more work is wanted: the call failed, was cancelled or is complete. */
  #finished = false;
  /** The consumer is done: `next()` only reports the end. */
  #closed = false;
  /** Thrown by the next `next()` (an abort, for an iterating caller). */
  #terminal: { error: unknown } | null = null;
  #resolve!: (results: unknown) => void;
  #reject!: (error: unknown) => void;
  #waiter: (() => void) | null = null;
  #onAbort: (() => void) | null = null;

  /**
   * @param spec The call.
   * @param host The scheduler.
   */
  constructor(spec: JobSpec, host: JobHost) {
    this.seq = nextSeq++;
    this.spec = spec;
    this.#host = host;
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#input = new Input(spec.input);
    this.sizer = new ChunkSizer(spec.chunksize, this.#input.total, host.processes);
    this.#results = spec.delivery === "collect"
      ? new Collected(this.#input.total)
      : spec.delivery === "ordered"
      ? new InOrder()
      : new AsCompleted();
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
    this.#readyItems -= chunk.size;
    this.#inFlight += chunk.size;
    if (this.sizer.adaptive) chunk.startedAt = performance.now();
    this.#pump();
    return chunk;
  }

  /** The next item of a streaming chunk completed. */
  itemDone(chunk: Chunk, value: unknown): void {
    this.#record(chunk.start + chunk.done++, value);
    this.#settle();
  }

  /** A chunk completed; `results` are its items not already streamed. */
  chunkDone(chunk: Chunk, results: ArrayLike<unknown>): void {
    if (this.sizer.adaptive) {
      this.sizer.observe(chunk.size, performance.now() - chunk.startedAt);
    }
    for (let i = 0; i < results.length; i++) this.#record(chunk.start + chunk.done++, results[i]);
    this.#settle();
  }

  /**
   * Item `index` (within the chunk) failed; `results` are the items before
   * it not already streamed. The chunk's later items were skipped: they run
   * again, first in line, where the call still wants them (`imap`).
   */
  chunkFailed(chunk: Chunk, index: number, error: unknown, results: ArrayLike<unknown>): void {
    for (let i = 0; i < results.length; i++) this.#record(chunk.start + chunk.done++, results[i]);
    chunk.done = index;
    const failed = chunk.start + chunk.done++;
    this.#recordError(failed, error);
    this.#requeue(chunk.items.slice(chunk.done), failed + 1);
    this.#settle();
  }

  /** Items `start`… of a chunk that did not run: queued again first, if still wanted. */
  #requeue(rest: unknown[], start: number): void {
    this.#inFlight -= rest.length;
    if (rest.length === 0 || this.#finished || !this.#results.wants(start)) return;
    this.#ready.unshift({
      job: this,
      start,
      size: rest.length,
      items: rest,
      done: 0,
      startedAt: 0,
    });
    this.#readyItems += rest.length;
    this.#host.jobReady(this);
  }

  /**
   * The running item of `chunk` overran `timeout` and its worker was told to
   * stop (`stopped`: and did): that item fails with `TaskTimeoutError` and
   * the chunk's later items are queued again, first in line, for another
   * worker.
   */
  chunkTimedOut(chunk: Chunk, timeout: number, stopped: boolean): void {
    const rest = chunk.items.slice(chunk.done + 1);
    const index = chunk.start + chunk.done;
    this.#recordError(
      index,
      new TaskTimeoutError(
        stopped
          ? `Task ${index} ran longer than its ${timeout} ms timeout; its worker was stopped and replaced`
          : `Task ${index} ran longer than its ${timeout} ms timeout; its worker was replaced, but its thread is running synchronous code, which Deno cannot interrupt: it keeps a CPU busy until that code yields or the program ends. Use backend: "subprocess" for tasks that may never yield`,
      ),
    );
    this.#requeue(rest, index + 1);
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

  /**
   * The next result in delivery order (`ordered`/`unordered` delivery). A
   * value already waiting is handed out without an async function's frame:
   * a consumer may call this millions of times.
   */
  next(timeout?: number): Promise<IteratorResult<unknown>> {
    try {
      const step = this.#step();
      if (step !== undefined) return Promise.resolve(step);
    } catch (error) {
      return Promise.reject(error);
    }
    return timeout === undefined ? this.#wait() : this.#waitUntil(timeout);
  }

  async #wait(): Promise<IteratorResult<unknown>> {
    for (;;) {
      await new Promise<void>((resolve) => (this.#waiter = resolve));
      const step = this.#step();
      if (step !== undefined) return step;
    }
  }

  /** `#wait()` for at most `timeout` ms; a timeout takes nothing, so the next call gets it. */
  async #waitUntil(timeout: number): Promise<IteratorResult<unknown>> {
    const deadline = performance.now() + timeout;
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const woken = await new Promise<boolean>((resolve) => {
        const waiter = () => resolve(true);
        this.#waiter = waiter;
        // Longer than setTimeout can count is as good as forever here.
        const left = Math.min(Math.max(0, deadline - performance.now()), 2_147_483_647);
        timer = setTimeout(() => {
          if (this.#waiter === waiter) this.#waiter = null;
          resolve(false);
        }, left);
      });
      clearTimeout(timer);
      if (!woken) {
        throw new TimeoutError(
          `No result came within ${timeout} ms; the call goes on: call next() again to wait for it`,
        );
      }
      const step = this.#step();
      if (step !== undefined) return step;
    }
  }

  /** What `next()` should settle with now, or `undefined` to wait. */
  #step(): IteratorResult<unknown> | undefined {
    if (this.#terminal !== null) {
      const { error } = this.#terminal;
      this.#terminal = null;
      throw error;
    }
    if (this.#closed) return { value: undefined, done: true };
    let value: unknown;
    try {
      value = this.#results.take(this.#inFlight === 0 && this.#ready.length === 0);
    } catch (error) {
      this.#close();
      throw error;
    }
    if (value instanceof Failed) {
      this.#pump();
      throw value.error;
    }
    if (value !== NOTHING) {
      this.#pump();
      return { value, done: false };
    }
    if (this.#drained()) {
      this.#close();
      return { value: undefined, done: true };
    }
    return undefined;
  }

  /** The consumer stopped early: stop the input and the work in flight. */
  stop(): void {
    if (this.#closed) return;
    this.#close();
    this.#host.cancelRunning(this);
  }

  /** Items waiting for a worker, for `Pool.stats()`. */
  get queued(): number {
    return this.#finished ? 0 : this.#readyItems;
  }

  /** Whether the job needs nothing more from the pool. */
  get finished(): boolean {
    return this.#finished || this.#drained();
  }

  #record(index: number, value: unknown): void {
    this.#inFlight--;
    this.#completed++;
    if (!this.#finished && this.#results.wants(index)) this.#results.value(index, value);
  }

  #recordError(index: number, error: unknown): void {
    this.#inFlight--;
    this.#completed++;
    if (this.#finished) return;
    this.#react(index, error);
  }

  /** Applies the delivery's answer to an error at `index` (of an item, or of the input). */
  #react(index: number, error: unknown, input = false): void {
    const results = this.#results;
    switch (input ? results.inputError(index, error) : results.error(index, error)) {
      case "fail":
        return this.#fail(error);
      case "cut":
        this.#input.close();
        this.#ready = this.#ready.filter((c) => c.start < index);
        this.#readyItems = this.#ready.reduce((n, c) => n + c.size, 0);
        return;
      case "hold":
        return this.#input.close();
    }
  }

  /** After results arrive: progress, completion, waking the consumer. */
  #settle(): void {
    if (this.#completed !== this.#reported) {
      this.#reported = this.#completed;
      this.spec.onProgress?.({
        done: this.#completed,
        total: this.#input.total ?? (this.#input.done ? this.#input.pulled : undefined),
      });
    }
    if (this.#results instanceof Collected && !this.#finished && this.#drained()) {
      this.#finish();
      const values = this.#results.values;
      this.#resolve(this.spec.single ? values[0] : values);
    }
    if (this.#drained()) this.#host.release(this);
    this.#wake();
  }

  /** Input exhausted and every pulled item accounted for. */
  #drained(): boolean {
    return this.#input.done && !this.#pulling && this.#inFlight === 0 && this.#ready.length === 0;
  }

  #fail(error: unknown): void {
    if (this.#results instanceof Collected) {
      this.#finish();
      this.#reject(error);
      return;
    }
    this.#close();
    this.#terminal = { error };
    this.#wake();
  }

  /** No more work: drop queued chunks, close the input. */
  #finish(): void {
    this.#finished = true;
    this.#ready = [];
    this.#readyItems = 0;
    if (this.#onAbort !== null) this.spec.signal!.removeEventListener("abort", this.#onAbort);
    this.#input.close();
    this.#host.release(this);
  }

  #close(): void {
    this.#finish();
    this.#closed = true;
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  #limit(): number {
    if (this.#results instanceof Collected) return Infinity;
    return Math.max(2 * this.#host.processes * this.sizer.size, 4 * this.#host.processes);
  }

  #wantMore(): boolean {
    if (this.#input.done || this.#finished) return false;
    return this.#readyItems + this.#inFlight + this.#results.buffered < this.#limit();
  }

  /** Queues items just read from the input. */
  #enqueue(items: unknown[]): void {
    if (items.length === 0) return;
    this.#ready.push({
      job: this,
      start: this.#input.pulled - items.length,
      size: items.length,
      items,
      done: 0,
      startedAt: 0,
    });
    this.#readyItems += items.length;
  }

  /** The input itself threw: the call fails at that point of the input. */
  #inputFailed(error: unknown): void {
    if (!this.#finished) this.#react(this.#input.pulled, error, true);
  }

  /** Pulls input into chunks while the job wants more. */
  #pump(): void {
    if (this.#pulling || this.#input.done || this.#finished) return;
    if (this.#input.isAsync) {
      this.#pulling = true;
      this.#pullAsync().finally(() => {
        this.#pulling = false;
        this.#afterPull();
      });
      return;
    }
    try {
      while (this.#wantMore()) this.#enqueue(this.#input.read(this.sizer.size));
    } catch (error) {
      this.#inputFailed(error);
    }
    this.#afterPull();
  }

  async #pullAsync(): Promise<void> {
    try {
      while (this.#wantMore()) {
        const items = await this.#input.readAsync(this.sizer.size, () => this.#finished);
        if (items.length > 0) {
          this.#enqueue(items);
          this.#host.jobReady(this);
        }
      }
    } catch (error) {
      this.#inputFailed(error);
    }
  }

  #afterPull(): void {
    if (this.#ready.length > 0) this.#host.jobReady(this);
    this.#settle();
  }
}
