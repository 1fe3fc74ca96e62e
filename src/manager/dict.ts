/**
 * `DictProxy`: a `Manager` dict, as every process holding it sees it.
 *
 * @module
 */

import { registerShareable } from "../handles/share.ts";
import { checkKey, type ManagerKey, storable, type Target, valueAt } from "./_checks.ts";

let make: (target: Target) => DictProxy;

/** A dict proxy over `target`, shareable with children. */
export function makeDict(target: Target): DictProxy {
  return make(target);
}

/**
 * A dict that lives in the process that created its {@linkcode Manager}
 * (Python's `Manager().dict()`). Pass the proxy to children — `Process` args
 * or subclass fields, pool task arguments or `initargs`, on either backend —
 * and every process reads and writes the same entries. Each operation is
 * atomic.
 *
 * Keys are primitives compared as a `Map` compares them: `1` and `"1"` are
 * two keys, `NaN` is a key, `-0` is `0`. Values are structured-clone copies:
 * the store keeps a copy taken at `set()`, and every read returns a fresh
 * copy, so changing what you got back changes nothing until you `set()` it.
 *
 * Writes are fast: `set()` checks and copies its arguments at the call (a
 * bad key or value rejects right there) and does not wait for the owner to
 * answer. A process's writes are applied in the order it made them, and
 * before anything it asks afterwards: a later read from the same process
 * always sees them. Once a child's `set()` has resolved, the write is on its
 * way ahead of whatever the child sends next (a queue put, a pool result, its
 * exit). Sets started together without awaiting each — `await
 * Promise.all(keys.map((k) => d.set(k, v)))` — travel as one message.
 *
 * @typeParam K The keys.
 * @typeParam V The values.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using manager = new mp.Manager();
 * const d = await manager.dict<string, number>();
 * const p = new mp.Process({
 *   target: async (d: mp.DictProxy<string, number>) => await d.set("answer", 42),
 *   args: [d],
 * });
 * p.start();
 * await p.join();
 * console.log(await d.get("answer")); // 42
 * ```
 */
export class DictProxy<K extends ManagerKey = ManagerKey, V = unknown> {
  #target!: Target;

  static {
    make = (target) => {
      const proxy = new DictProxy();
      proxy.#target = target;
      registerShareable(proxy, {
        check: () => target.check(),
        share: (links) => ({ kind: "managed", k: target.link(links), type: "dict" }),
      });
      return proxy;
    };
  }

  /** Proxies come from {@linkcode Manager.dict}. */
  private constructor() {}

  /**
   * Sets `key` to a copy of `value` (Python's `d[key] = value`).
   *
   * @param key A string, number, bigint, boolean or null.
   * @param value A structured-cloneable value, copied now.
   * @returns Resolves once the write is on its way; the owner applies this
   * process's writes in order, before its later operations.
   * @throws {TypeError} When `key` is not a primitive, or `value` holds a
   * handle (a Queue, a proxy, ...).
   * @throws {DOMException} `DataCloneError` when `value` cannot be cloned.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict();
   * await d.set(1, "one");
   * await d.set("1", "the string one");
   * console.log(await d.size()); // 2
   * ```
   */
  set(key: K, value: V): Promise<void> {
    try {
      checkKey(key);
      return this.#target.send("set", [key, storable(value, valueAt(key))]);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Reads a copy of the value at `key`.
   *
   * @param key The key.
   * @returns The value, or `undefined` when `key` is not in the dict.
   * @throws {TypeError} When `key` is not a primitive.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: [1, 2] });
   * const a = await d.get("a");
   * console.log(a, await d.get("b")); // [1, 2] undefined
   * ```
   */
  get(key: K): Promise<V | undefined> {
    return this.#keyed("get", key) as Promise<V | undefined>;
  }

  /**
   * Whether `key` is in the dict (Python's `key in d`).
   *
   * @param key The key.
   * @returns `true` when it is.
   * @throws {TypeError} When `key` is not a primitive.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: 1 });
   * console.log(await d.has("a"), await d.has("b")); // true false
   * ```
   */
  has(key: K): Promise<boolean> {
    return this.#keyed("has", key) as Promise<boolean>;
  }

  /**
   * Removes `key` (Python's `del d[key]`, without its `KeyError`).
   *
   * @param key The key.
   * @returns `true` when it was there, as `Map.prototype.delete` does.
   * @throws {TypeError} When `key` is not a primitive.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: 1 });
   * console.log(await d.delete("a"), await d.delete("a")); // true false
   * ```
   */
  delete(key: K): Promise<boolean> {
    return this.#keyed("delete", key) as Promise<boolean>;
  }

  /**
   * The keys, in insertion order.
   *
   * @returns A new array.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict(new Map<number, string>([[2, "b"], [1, "a"]]));
   * console.log(await d.keys()); // [2, 1]
   * ```
   */
  keys(): Promise<K[]> {
    return this.#target.call("keys", []) as Promise<K[]>;
  }

  /**
   * Copies of the values, in insertion order of their keys.
   *
   * @returns A new array.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: 1, b: 2 });
   * console.log(await d.values()); // [1, 2]
   * ```
   */
  values(): Promise<V[]> {
    return this.#target.call("values", []) as Promise<V[]>;
  }

  /**
   * The entries, `[key, value]` with a copy of each value, in insertion order.
   *
   * @returns A new array.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: 1 });
   * console.log(await d.entries()); // [["a", 1]]
   * ```
   */
  entries(): Promise<[K, V][]> {
    return this.#target.call("entries", []) as Promise<[K, V][]>;
  }

  /**
   * The number of entries (Python's `len(d)`).
   *
   * @returns The count.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict({ a: 1, b: 2 });
   * console.log(await d.size()); // 2
   * ```
   */
  size(): Promise<number> {
    return this.#target.call("size", []) as Promise<number>;
  }

  /**
   * A copy of the whole dict, taken atomically.
   *
   * @returns A new `Map`; changing it changes nothing in the store.
   * @throws {StateError} After the manager was shut down.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * await using manager = new mp.Manager();
   * const d = await manager.dict<mp.ManagerKey, number | null>({ a: 1 });
   * await d.set(10n, null);
   * console.log(await d.toMap()); // Map(2) { "a" => 1, 10n => null }
   * ```
   */
  toMap(): Promise<Map<K, V>> {
    return this.#target.call("toMap", []) as Promise<Map<K, V>>;
  }

  #keyed(method: "get" | "has" | "delete", key: K): Promise<unknown> {
    try {
      checkKey(key);
      return this.#target.call(method, [key]);
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
