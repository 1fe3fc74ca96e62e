/**
 * `ListProxy`: a `Manager` list, as every process holding it sees it.
 *
 * @module
 */

import { registerShareable } from "../handles/share.ts";
import { checkIndex, storable, type Target } from "./_checks.ts";

let make: (target: Target) => ListProxy;

/** A list proxy over `target`, shareable with children. */
export function makeList(target: Target): ListProxy {
  return make(target);
}

/**
 * A list that lives in the process that created its {@linkcode Manager}
 * (Python's `Manager().list()`). Pass the proxy to children — `Process` args
 * or subclass fields, pool task arguments or `initargs`, on either backend —
 * and every process reads and writes the same items. Each operation is
 * atomic: four children appending 500 items each leave 2000.
 *
 * Items are structured-clone copies: the store keeps a copy taken at the
 * call, and every read returns a fresh copy.
 *
 * Indexes are Python's: `0 … length - 1`, or `-length … -1` counting from
 * the end; one out of range rejects with a `RangeError` quoting it and the
 * length (Python's `IndexError`).
 *
 * Writes that cannot fail — `append()`, `reverse()` — do not wait for the
 * owner: they are checked and copied at the call, and one process's writes
 * are applied in the order it made them, before anything it does afterwards.
 *
 * @typeParam T The items.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using manager = new mp.Manager();
 * const l = await manager.list<number>([1, 2]);
 * const p = new mp.Process({
 *   target: async (l: mp.ListProxy<number>) => await l.append(3),
 *   args: [l],
 * });
 * p.start();
 * await p.join();
 * console.log(await l.toArray()); // [1, 2, 3]
 * ```
 */
export class ListProxy<T = unknown> {
  #target!: Target;

  static {
    make = (target) => {
      const proxy = new ListProxy();
      proxy.#target = target;
      registerShareable(proxy, {
        check: () => target.check(),
        share: (links) => ({ kind: "managed", k: target.link(links), type: "list" }),
      });
      return proxy;
    };
  }

  /** Proxies come from {@linkcode Manager.list}. */
  private constructor() {}

  /**
   * Adds a copy of `item` at the end.
   *
   * @param item A structured-cloneable value, copied now.
   * @returns Resolves once the write is on its way; the owner applies this
   * process's writes in order, before its later operations.
   * @throws {TypeError} When `item` holds a handle (a Queue, a proxy, ...).
   * @throws {DOMException} `DataCloneError` when `item` cannot be cloned.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list<string>();
   * await l.append("a");
   * console.log(await l.length()); // 1
   * ```
   */
  append(item: T): Promise<void> {
    try {
      return this.#target.send("append", [storable(item, "The item appended")]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Reads a copy of the item at `index` (Python's `l[index]`).
   *
   * @param index An integer; negative counts from the end.
   * @returns The item.
   * @throws {TypeError} When `index` is not an integer.
   * @throws {RangeError} When `index` is out of range.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list(["a", "b", "c"]);
   * console.log(await l.get(0), await l.get(-1)); // "a" "c"
   * await l.get(3).catch((e) => console.log(e.name)); // "RangeError"
   * ```
   */
  get(index: number): Promise<T> {
    try {
      checkIndex(index);
      return this.#target.call("at", [index]) as Promise<T>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Replaces the item at `index` with a copy of `item` (Python's `l[index] = item`).
   *
   * @param index An integer; negative counts from the end.
   * @param item A structured-cloneable value, copied now.
   * @returns Resolves once the owner has replaced it.
   * @throws {TypeError} When `index` is not an integer, or `item` holds a handle.
   * @throws {RangeError} When `index` is out of range; the list is unchanged.
   * @throws {DOMException} `DataCloneError` when `item` cannot be cloned.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list([1, 2, 3]);
   * await l.set(-1, 30);
   * console.log(await l.toArray()); // [1, 2, 30]
   * ```
   */
  set(index: number, item: T): Promise<void> {
    try {
      checkIndex(index);
      const copy = storable(item, `The item set at index ${index}`);
      return this.#target.call("put", [index, copy]) as Promise<void>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Reverses the list in place.
   *
   * @returns Resolves once the write is on its way (applied in order, like `append()`).
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list([1, 2, 3]);
   * await l.reverse();
   * console.log(await l.toArray()); // [3, 2, 1]
   * ```
   */
  reverse(): Promise<void> {
    return this.#target.send("reverse", []);
  }

  /**
   * A copy of the whole list, taken atomically.
   *
   * @returns A new array; changing it changes nothing in the store.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list(new Set([1, 2]));
   * console.log(await l.toArray()); // [1, 2]
   * ```
   */
  toArray(): Promise<T[]> {
    return this.#target.call("toArray", []) as Promise<T[]>;
  }

  /**
   * The number of items (Python's `len(l)`).
   *
   * @returns The count.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list([1, 2]);
   * console.log(await l.length()); // 2
   * ```
   */
  length(): Promise<number> {
    return this.#target.call("length", []) as Promise<number>;
  }
}
