/**
 * `SimpleQueue`: Python's `multiprocessing.SimpleQueue`, an unbounded queue
 * with just `put`, `get`, `empty` and `close`.
 *
 * @module
 */

import { registerShareable } from "./handles/share.ts";
import { Broker } from "./ipc/broker.ts";
import { closedError } from "./ipc/errors.ts";
import { type End, LocalEnd } from "./ipc/end.ts";
import { withClosing } from "./ipc/options.ts";
import { defineHandleType, once } from "./handles/revive.ts";
import { remoteEnd } from "./ipc/remote.ts";
import type { HandleDescriptor } from "./protocol.ts";

let adopting: End | null = null;

/**
 * An unbounded queue shared between processes, with the four methods of
 * Python's `SimpleQueue`; `get()` waits without limit.
 *
 * @typeParam T The items.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const q = new mp.SimpleQueue<number>();
 * await q.put(42);
 * console.log(await q.get()); // 42
 * ```
 */
export class SimpleQueue<T = unknown> {
  #end: End;
  #closing = new AbortController();

  /** Creates an empty queue. */
  constructor() {
    if (adopting !== null) {
      this.#end = adopting;
      adopting = null;
    } else {
      this.#end = new LocalEnd(new Broker({ maxsize: 0, joinable: false, pipe: false }));
    }
    registerShareable(this, {
      check: () => {},
      share: (links) => ({ kind: "simple", k: links.link(this.#end.owner, "rw") }),
    });
  }

  /**
   * Puts a structured-clone copy of `item`.
   *
   * @param item A structured-cloneable value.
   * @returns Resolves once the item is handed to the transport.
   * @throws {StateError} After `close()`.
   * @throws {DOMException} `DataCloneError` when `item` cannot be cloned.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await new mp.SimpleQueue<string>().put("x");
   * ```
   */
  put(item: T): Promise<void> {
    try {
      if (this.#closing.signal.aborted) throw closedError("The queue");
      return Promise.resolve(
        this.#end.put(this.#end.snapshot(item, "The item put on the queue"), -1),
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Takes the first item, waiting for one.
   *
   * @returns The item.
   * @throws {StateError} After `close()` (also ends a pending `get()`).
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const q = new mp.SimpleQueue<number>();
   * await q.put(1);
   * console.log(await q.get()); // 1
   * ```
   */
  get(): Promise<T> {
    if (this.#closing.signal.aborted) return Promise.reject(closedError("The queue"));
    return this.#end.get(-1, withClosing(undefined, this.#closing.signal)) as Promise<T>;
  }

  /**
   * Whether the queue is empty (approximate while others put and get).
   *
   * @returns `true` when no item is waiting.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * console.log(await new mp.SimpleQueue().empty()); // true
   * ```
   */
  async empty(): Promise<boolean> {
    return (await this.#end.size()) === 0;
  }

  /**
   * This holder is done with the queue; its later calls fail with `StateError`.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * new mp.SimpleQueue().close();
   * ```
   */
  close(): void {
    if (this.#closing.signal.aborted) return;
    this.#closing.abort(closedError("The queue"));
    this.#end.close();
  }
}

defineHandleType<Extract<HandleDescriptor, { kind: "simple" }>>({
  kind: "simple",
  adopt: ({ k }) =>
    once(`q${k}`, () => {
      adopting = remoteEnd(k, 0);
      try {
        return new SimpleQueue();
      } finally {
        adopting = null;
      }
    }),
});
