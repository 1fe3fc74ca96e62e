/**
 * `Queue` and `JoinableQueue`: Python's `multiprocessing.Queue` and
 * `JoinableQueue`, shared by every process they are passed to.
 *
 * @module
 */

import { checkKnownKeys } from "./_options.ts";
import { registerShareable } from "./handles/share.ts";
import { defineHandleType, once } from "./handles/revive.ts";
import type { HandleDescriptor } from "./protocol.ts";
import { remoteEnd } from "./ipc/remote.ts";
import { Broker } from "./ipc/broker.ts";
import { closedError } from "./ipc/errors.ts";
import { type End, LocalEnd } from "./ipc/end.ts";
import { waitFor, waitOf, type WaitOptions, withClosing } from "./ipc/options.ts";
import { readableOf, writableOf } from "./ipc/streams.ts";
import { describe } from "./_describe.ts";

/**
 * Options of a {@linkcode Queue}.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const options: mp.QueueOptions = { maxsize: 10 };
 * const q = new mp.Queue<string>(options);
 * ```
 */
export interface QueueOptions {
  /**
   * Most items the queue holds; a `put()` waits for room beyond it. 0 means
   * no limit.
   * @default {0}
   */
  maxsize?: number;
}

let adopting: End | null = null;
let endOf: (queue: Queue<unknown>) => End;

/**
 * A FIFO queue shared between processes: pass it to `Process` args, subclass
 * fields, pool task arguments or `initargs`, and every holder — the parent,
 * workers, subprocesses — puts to and gets from the same items. Items are
 * copied when put (structured clone), so the putter may reuse its object at
 * once. Order is kept per producer.
 *
 * @typeParam T The items.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const q = new mp.Queue<string[]>();
 * const p = new mp.Process({
 *   target: async (q: mp.Queue<string[]>) => await q.put(["alex", "tom"]),
 *   args: [q],
 * });
 * p.start();
 * console.log(await q.get()); // ["alex", "tom"]
 * await p.join();
 * ```
 */
export class Queue<T = unknown> {
  #end: End;
  #maxsize: number;
  #closing = new AbortController();
  #readable: ReadableStream<T> | undefined;
  #writable: WritableStream<T> | undefined;

  static {
    endOf = (queue) => queue.#end;
  }

  /**
   * Creates an empty queue, owned by this process.
   *
   * @param options `maxsize` (a number is read as `maxsize`).
   * @throws {RangeError} When `maxsize` is not a non-negative integer.
   */
  constructor(options: number | QueueOptions = {}) {
    if (typeof options !== "number") {
      if (typeof options !== "object" || options === null) {
        throw new TypeError(
          `Expected \`options\` to be a maxsize number or an object, got ${describe(options)}`,
        );
      }
      checkKnownKeys("Queue", options, ["maxsize"]);
    }
    const maxsize = typeof options === "number" ? options : options.maxsize ?? 0;
    if (typeof maxsize !== "number") {
      throw new TypeError(
        `Expected \`maxsize\` to be a non-negative integer (0 for no limit), got ${
          describe(maxsize)
        }`,
      );
    }
    if (!Number.isInteger(maxsize) || maxsize < 0) {
      throw new RangeError(
        `Expected \`maxsize\` to be a non-negative integer (0 for no limit), got ${
          describe(maxsize)
        }`,
      );
    }
    this.#maxsize = maxsize;
    if (adopting !== null) {
      this.#end = adopting;
      adopting = null;
    } else {
      this.#end = new LocalEnd(new Broker({ maxsize, joinable: true, pipe: false }));
    }
    const flavor = this instanceof JoinableQueue ? "joinable" : "queue";
    registerShareable(this, {
      check: () => {},
      share: (links) => ({
        kind: "queue",
        k: links.link(this.#end.owner, "rw"),
        maxsize: this.#maxsize,
        flavor,
      }),
    });
  }

  /** The bound given at creation, 0 for none. */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * Puts `item` (a structured-clone copy of it). Resolves once it is handed
   * to the transport; on a full bounded queue it waits for room first.
   *
   * @param item A structured-cloneable value.
   * @param options `block: false` or `timeout` (ms) to fail with `FullError`
   * instead of waiting without limit; `signal` to stop waiting.
   * @returns Resolves once the item is in (or on its way to) the queue.
   * @throws {FullError} When there is no room within the wait.
   * @throws {StateError} After `close()`.
   * @throws {DOMException} `DataCloneError` when `item` cannot be cloned; the queue is unchanged.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>(1);
   * await q.put(1);
   * await q.put(2, { timeout: 50 }).catch((e) => console.log(e.name)); // "FullError"
   * ```
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    try {
      this.#open();
      const wait = waitOf(options);
      const copy = this.#end.snapshot(item, "The item put on the queue");
      return Promise.resolve(
        this.#end.put(copy, wait, withClosing(options?.signal, this.#closing.signal)),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Puts `item` only if there is room now.
   *
   * @param item A structured-cloneable value.
   * @returns Resolves once the item is in (or on its way to) the queue.
   * @throws {FullError} When the queue is full.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<string>();
   * await q.putNowait("x");
   * ```
   */
  putNowait(item: T): Promise<void> {
    return this.put(item, { block: false });
  }

  /**
   * Takes the first item, waiting for one.
   *
   * @param options `block: false` or `timeout` (ms) to fail with `EmptyError`
   * instead of waiting without limit; `signal` to stop waiting (nothing is taken).
   * @returns The item.
   * @throws {EmptyError} When no item comes within the wait.
   * @throws {StateError} After `close()`.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>();
   * await q.put(7);
   * console.log(await q.get({ timeout: 1000 })); // 7
   * ```
   */
  get(options?: WaitOptions): Promise<T> {
    try {
      this.#open();
      const wait = waitOf(options);
      return this.#end.get(wait, withClosing(options?.signal, this.#closing.signal)) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Takes the first item only if there is one now.
   *
   * @returns The item.
   * @throws {EmptyError} When the queue is empty.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>();
   * await q.getNowait().catch((e) => console.log(e instanceof mp.EmptyError)); // true
   * ```
   */
  getNowait(): Promise<T> {
    return this.get({ block: false });
  }

  /**
   * How many items are in the queue and not yet taken. Approximate while
   * other processes put and get.
   *
   * @returns The count.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>();
   * await q.put(1);
   * console.log(await q.qsize()); // 1
   * ```
   */
  qsize(): Promise<number> {
    return this.#end.size();
  }

  /**
   * Whether the queue is empty (approximate, as {@linkcode Queue.qsize}).
   *
   * @returns `true` when no item is waiting.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * console.log(await new mp.Queue().empty()); // true
   * ```
   */
  async empty(): Promise<boolean> {
    return (await this.qsize()) === 0;
  }

  /**
   * Whether a bounded queue is full (approximate, as {@linkcode Queue.qsize}).
   *
   * @returns `true` when a `put()` would wait.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>(1);
   * await q.put(1);
   * console.log(await q.full()); // true
   * ```
   */
  async full(): Promise<boolean> {
    return this.#maxsize > 0 && (await this.qsize()) >= this.#maxsize;
  }

  /**
   * This holder is done with the queue: what it put is sent on, and its
   * later `put()`/`get()` calls (and any it is waiting in) fail with
   * `StateError`. Other holders, in this process or others, are unaffected.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>();
   * q.close();
   * await q.put(1).catch((e) => console.log(e.name)); // "StateError"
   * ```
   */
  close(): void {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(closedError("The queue"));
    this.#end.close();
  }

  /**
   * A `ReadableStream` of the items this holder gets, one `get()` per read.
   * A queue has no end, so the stream ends only when cancelled (a pending
   * `get()` is then abandoned and takes nothing).
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>();
   * await q.put(1);
   * const reader = q.readable.getReader();
   * console.log((await reader.read()).value); // 1
   * await reader.cancel();
   * ```
   */
  get readable(): ReadableStream<T> {
    return this.#readable ??= readableOf((signal) => this.get({ signal }));
  }

  /**
   * A `WritableStream` that puts each chunk, waiting when a bounded queue is
   * full. Closing it leaves the queue open.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.Queue<number>();
   * await ReadableStream.from([1, 2, 3]).pipeTo(q.writable);
   * console.log(await q.qsize()); // 3
   * ```
   */
  get writable(): WritableStream<T> {
    return this.#writable ??= writableOf((chunk) => this.put(chunk), () => {});
  }

  #open(): void {
    if (this.#closing.signal.aborted) throw closedError("The queue");
  }
}

/**
 * A {@linkcode Queue} that also counts unfinished items: each consumer calls
 * `taskDone()` once per item it took, and `join()` waits until every item
 * put, by any holder, is done.
 *
 * @typeParam T The items.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const q = new mp.JoinableQueue<number>();
 * await q.put(1);
 * await q.get();
 * await q.taskDone();
 * await q.join(); // every item is done
 * ```
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /**
   * Marks one item taken with `get()` as done.
   *
   * @returns Settles once the owner has counted it (in a child, a Promise).
   * @throws {ValueError} When called more times than items were put.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.JoinableQueue<number>();
   * await q.put(1);
   * await q.get();
   * await q.taskDone();
   * ```
   */
  taskDone(): Promise<void> | void {
    return endOf(this).taskDone(1);
  }

  /**
   * Waits until every item put so far has been marked done.
   *
   * @param options `timeout` (ms) to fail with `TimeoutError` instead of
   * waiting without limit; `signal` to stop waiting.
   * @returns Resolves when the count of unfinished items reaches zero.
   * @throws {TimeoutError} When that takes longer than `timeout`.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.JoinableQueue<number>();
   * await q.join({ timeout: 1000 }); // nothing was put: resolves at once
   * ```
   */
  join(options?: { timeout?: number; signal?: AbortSignal }): Promise<void> {
    try {
      return endOf(this).join(waitFor(options?.timeout), options?.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

defineHandleType<Extract<HandleDescriptor, { kind: "queue" }>>({
  kind: "queue",
  adopt: ({ k, maxsize, flavor }) =>
    once(`q${k}`, () => {
      adopting = remoteEnd(k, maxsize);
      try {
        return flavor === "joinable" ? new JoinableQueue(maxsize) : new Queue(maxsize);
      } finally {
        adopting = null;
      }
    }),
});
