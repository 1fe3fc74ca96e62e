/**
 * What every manager proxy shares, wherever its store lives: the `Target`
 * interface it talks to, the argument checks done at the call (so a bad key
 * or value is refused before anything is sent), and the errors.
 *
 * @module
 */

import { StateError } from "../errors.ts";
import { extractHandles, type Found } from "../handles/share.ts";
import type { LinkTable } from "../handles/links.ts";
import { snapshot } from "../ipc/snapshot.ts";
import { describe } from "../_describe.ts";

/**
 * A key of a {@linkcode DictProxy}: a primitive, compared as a `Map`
 * compares keys (`1` and `"1"` are two keys; `NaN` is a key; `-0` is `0`).
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using manager = new mp.Manager();
 * const d = await manager.dict<mp.ManagerKey, string>();
 * const keys: mp.ManagerKey[] = ["a", 1, 10n, true, null];
 * for (const k of keys) await d.set(k, typeof k);
 * console.log(await d.size()); // 5
 * ```
 */
export type ManagerKey = string | number | bigint | boolean | null;

/** Writes that cannot fail once checked at the call; they travel without a reply. */
export type SendMethod = "set" | "append" | "reverse";

/** Operations that answer (reads, and writes that can fail). */
export type CallMethod =
  | "get"
  | "has"
  | "delete"
  | "keys"
  | "values"
  | "entries"
  | "size"
  | "toMap"
  | "at"
  | "put"
  | "toArray"
  | "length";

/**
 * What a proxy talks to: the store itself in the owning process, or a link to
 * it from a child. Arguments arrive checked and copied.
 */
export interface Target {
  /** Does `method` and resolves with a copy of its result. */
  call(method: CallMethod, args: unknown[]): Promise<unknown>;
  /** Applies a write in order; resolves once it is handed on. */
  send(method: SendMethod, args: unknown[]): Promise<void>;
  /** Throws if the proxy cannot be passed to a child now. */
  check(): void;
  /** The link id a child on `links` reaches the store by. */
  link(links: LinkTable): number;
}

/** The error for any use of a proxy once its manager is shut down. */
export function shutDownError(): StateError {
  return new StateError(
    "This Manager was shut down, and its dicts and lists with it: create a new Manager, and shut it down only once no process uses its proxies",
  );
}

/**
 * Checks a dict key.
 *
 * @throws {TypeError} When `key` is not a string, number, bigint, boolean or null.
 */
export function checkKey(key: unknown): void {
  const type = typeof key;
  if (
    type === "string" || type === "number" || type === "bigint" || type === "boolean" ||
    key === null
  ) return;
  throw new TypeError(
    `Expected a Manager dict key to be a string, number, bigint, boolean or null, got ${
      describe(key)
    }: keys are compared as a Map compares them, so use a primitive (for an object, a string such as JSON.stringify(key))`,
  );
}

/**
 * Checks a list index; its range is checked by the store, which knows the length.
 *
 * @throws {TypeError} When `index` is not an integer.
 */
export function checkIndex(index: unknown): void {
  if (Number.isInteger(index)) return;
  throw new TypeError(
    `Expected a Manager list index to be an integer, got ${
      describe(index)
    }: pass 0 … length - 1, or a negative index to count from the end`,
  );
}

/**
 * The copy of `value` a store keeps, taken at the call.
 *
 * @param what The value, for messages (`The value for key "a"`).
 * @throws {TypeError} When `value` is or holds a handle (a Queue, a proxy, ...).
 * @throws {DOMException} `DataCloneError` when it cannot be structured-cloned.
 */
export function storable(value: unknown, what: string): unknown {
  if (typeof value !== "object" || value === null) return snapshot(value, what);
  const found: Found[] = [];
  let refused: unknown;
  try {
    extractHandles(value, [], found);
  } catch (error) {
    // Only a handle's own check throws: a handle it is, whichever.
    refused = error;
  }
  if (found.length > 0 || refused !== undefined) {
    const handle = found[0]?.handle ?? value;
    const name = handle.constructor?.name ?? "handle";
    const at = found[0]?.at.length ? ` (at ${found[0].at.join(".")})` : "";
    throw new TypeError(
      `${what} holds a ${name}${at}, which cannot be stored in a Manager dict or list: queues, pipes, locks and proxies are shared by passing them to a child as arguments. Store plain data, or pass the ${name} itself`,
      { cause: refused },
    );
  }
  return snapshot(value, what);
}

/** The `what` of a dict value in messages. */
export function valueAt(key: ManagerKey): string {
  return `The value for key ${describe(key)}`;
}
