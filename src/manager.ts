/**
 * `Manager`: Python's `multiprocessing.Manager()`, for dicts and lists shared
 * by every process they are passed to. There is no server process: the data
 * lives in the process that created the manager, and children reach it over
 * the channel they already have to their parent.
 *
 * @module
 */

import { checkKey, type ManagerKey, shutDownError, storable, valueAt } from "./manager/_checks.ts";
import { LocalTarget, ManagerState, Store } from "./manager/_store.ts";
import { DictProxy, makeDict } from "./manager/dict.ts";
import { ListProxy, makeList } from "./manager/list.ts";
import { describe } from "./_describe.ts";
// How a child adopts a proxy (the handle-type registry, see handles/revive.ts).
import "./manager/_remote.ts";

export { DictProxy, ListProxy, type ManagerKey };

/**
 * Creates dicts and lists that children share (Python's
 * `multiprocessing.Manager()`). Their data lives in this process, which must
 * stay alive while children use them; pass a proxy to a child — `Process`
 * args or subclass fields, pool task arguments or `initargs`, on either
 * backend — and it reads and writes the same data. A proxy a child received
 * cannot be passed on to that child's own children.
 *
 * `shutdown()` (or leaving an `await using` block) drops every dict and
 * list: any later operation, in any process, rejects with `StateError`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using manager = new mp.Manager();
 * const d = await manager.dict();
 * const l = await manager.list<number>();
 * const children = [1, 2, 3].map((i) => {
 *   const p = new mp.Process({
 *     target: async (d: mp.DictProxy, l: mp.ListProxy<number>, i: number) => {
 *       await d.set(i, i * i);
 *       await l.append(i);
 *     },
 *     args: [d, l, i],
 *   });
 *   p.start();
 *   return p;
 * });
 * for (const p of children) await p.join();
 * console.log(await d.size(), (await l.toArray()).sort()); // 3 [1, 2, 3]
 * ```
 */
export class Manager {
  #state = new ManagerState();

  /**
   * Creates a manager. It is ready at once: no process is started.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const manager = new mp.Manager();
   * const d = await manager.dict({ a: 1 });
   * await manager.shutdown();
   * ```
   */
  constructor() {}

  /**
   * Creates a shared dict (Python's `manager.dict(...)`).
   *
   * @param init The first entries: a plain object (its string keys), a `Map`,
   * or an iterable of `[key, value]` pairs. Values are copied.
   * @returns A proxy to the new dict.
   * @throws {TypeError} When `init` is not one of those, a key is not a
   * primitive, or a value holds a handle.
   * @throws {DOMException} `DataCloneError` when a value cannot be cloned.
   * @throws {StateError} After `shutdown()`.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: 1 });
   * const e = await manager.dict(new Map<number, string>([[1, "one"]]));
   * console.log(await d.get("a"), await e.get(1)); // 1 "one"
   * ```
   */
  dict<K extends ManagerKey = ManagerKey, V = unknown>(
    init?: Iterable<readonly [K, V]> | Readonly<Record<string, V>>,
  ): Promise<DictProxy<K, V>> {
    try {
      const store = new Store("dict", this.#open(), entriesOf(init));
      return Promise.resolve(makeDict(new LocalTarget(store, this.#state)) as DictProxy<K, V>);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Creates a shared list (Python's `manager.list(...)`).
   *
   * @param init The first items (any iterable: an array, a `Set`, a
   * generator). Items are copied.
   * @returns A proxy to the new list.
   * @throws {TypeError} When `init` is not iterable, or an item holds a handle.
   * @throws {DOMException} `DataCloneError` when an item cannot be cloned.
   * @throws {StateError} After `shutdown()`.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const l = await manager.list(Array.from({ length: 10 }, (_, i) => i));
   * console.log(await l.length()); // 10
   * ```
   */
  list<T = unknown>(init?: Iterable<T>): Promise<ListProxy<T>> {
    try {
      const state = this.#open();
      const items: unknown[] = [];
      if (init !== undefined && init !== null) {
        if (typeof (init as Iterable<T>)[Symbol.iterator] !== "function") {
          throw new TypeError(
            `Expected the items of a Manager list to be an iterable (an array, a Set, a generator), got ${
              describe(init)
            }`,
          );
        }
        for (const item of init) items.push(storable(item, `Item ${items.length} of the list`));
      }
      const store = new Store("list", state, items);
      return Promise.resolve(makeList(new LocalTarget(store, this.#state)) as ListProxy<T>);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Drops every dict and list this manager created (Python's
   * `manager.shutdown()`). Later operations on their proxies, here or in
   * children, reject with `StateError`; children are told at once, so their
   * later writes are refused at the call too (a write already on its way is
   * dropped). Calling it again does nothing.
   *
   * @returns Resolves once done.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const manager = new mp.Manager();
   * const d = await manager.dict();
   * await manager.shutdown();
   * await d.set("a", 1).catch((e) => console.log(e.name)); // "StateError"
   * ```
   */
  shutdown(): Promise<void> {
    this.#state.shutdown();
    return Promise.resolve();
  }

  /**
   * Shuts the manager down at the end of an `await using` block.
   *
   * @returns Resolves once shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * {
   *   await using manager = new mp.Manager();
   *   await manager.dict({ a: 1 });
   * } // shut down here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  #open(): ManagerState {
    if (this.#state.down) throw shutDownError();
    return this.#state;
  }
}

/** `init` of `dict()` as flat checked pairs `[k, copy, k, copy, ...]`. */
function entriesOf(init: unknown): unknown[] {
  const pairs: unknown[] = [];
  if (init === undefined || init === null) return pairs;
  if (typeof init !== "object") {
    throw new TypeError(
      `Expected the entries of a Manager dict to be a plain object, a Map or an iterable of [key, value] pairs, got ${
        describe(init)
      }`,
    );
  }
  const add = (key: unknown, value: unknown) => {
    checkKey(key);
    pairs.push(key, storable(value, valueAt(key as ManagerKey)));
  };
  if (typeof (init as Iterable<unknown>)[Symbol.iterator] !== "function") {
    for (const [key, value] of Object.entries(init)) add(key, value);
    return pairs;
  }
  for (const entry of init as Iterable<unknown>) {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw new TypeError(
        `Expected each entry of a Manager dict to be a [key, value] pair, got ${describe(entry)}`,
      );
    }
    add(entry[0], entry[1]);
  }
  return pairs;
}
