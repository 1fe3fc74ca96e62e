/**
 * What a queue or pipe holds: a copy of each item taken when it is put, so the
 * sender may change or reuse its object as soon as `put()`/`send()` resolves,
 * and a value that cannot be cloned is refused right there.
 *
 * @module
 */

import { ADVICE, quickUncloneable } from "../clone.ts";
import { isJsonSafe, JsonText, markJsonSafe, objectsWalked } from "../json.ts";
import { describe } from "../_describe.ts";

/** A `sendBytes()` payload: its own copy of the bytes, moved rather than cloned where possible. */
export class Bytes {
  /** @param data The bytes, in a buffer nobody else holds. */
  constructor(readonly data: Uint8Array) {}
}

// Plain data (objects, arrays, primitives) is copied by hand — a list of
// 1 000 `{ i, s }` in ~1/10 the time of structuredClone plus the check for
// uncloneable values it needs first — keeping shared references shared and
// cycles cycles, as a structured clone does. Anything else, or more than
// this much, goes through structuredClone.
const MAX_NODES = 100_000;
const MAX_DEPTH = 64;
/** Copies of at least this many objects are recorded as JSON-safe. */
const WORTH_MARKING = 64;

/**
 * Copies `value` as a structured clone would.
 *
 * @param wire The copy goes on a queue or pipe, never to user code before it
 * is handed out (`handOut` in `codec.ts`): it is recorded as JSON-safe when it
 * is, so sending it skips the check.
 * @throws {DOMException} `DataCloneError` naming `what` when it cannot be cloned.
 */
export function snapshot(value: unknown, what: string, wire = false): unknown {
  if (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol") {
    return value;
  }
  if (value instanceof Bytes) return value;
  const budget: Budget = { nodes: MAX_NODES, copies: null, json: true, root: null, rootCopy: null };
  const copied = value === null ? null : copyPlain(value, budget, 0);
  if (copied !== FALLBACK) {
    // A small value is quicker to check again than to record (see codec.ts).
    if (wire && budget.json && MAX_NODES - budget.nodes >= WORTH_MARKING) {
      markJsonSafe(copied as object);
    }
    return copied;
  }
  const bad = quickUncloneable([value]);
  if (bad !== null) {
    throw new DOMException(`${what} cannot be sent: ${bad.reason}. ${ADVICE}`, "DataCloneError");
  }
  try {
    return structuredClone(value);
  } catch (error) {
    throw new DOMException(
      `${what} cannot be sent: ${describe(value)} is not structured-cloneable (${
        (error as Error).message
      }). Nothing was sent. ${ADVICE}`,
      "DataCloneError",
    );
  }
}

/** Values of at least this many objects are encoded at put by a holder on JSON frames. */
const WORTH_TEXT = 64;

/**
 * `snapshot(value, what, true)` for a holder whose channel is JSON frames (a
 * subprocess child's): a large JSON-safe value is encoded now, as the
 * `JsonText` its frame will carry, instead of copied and encoded later.
 *
 * @throws {DOMException} `DataCloneError` naming `what` when it cannot be cloned.
 */
export function snapshotText(value: unknown, what: string): unknown {
  if (
    typeof value === "object" && value !== null && !(value instanceof Bytes) &&
    isJsonSafe(value) && objectsWalked() >= WORTH_TEXT
  ) {
    return new JsonText(JSON.stringify(value));
  }
  return snapshot(value, what, true);
}

const FALLBACK = Symbol("fallback");

/**
 * How many more objects may be copied by hand, the copies made (once one
 * holds another), and whether JSON carries the copy exactly (see `codec.ts`).
 */
interface Budget {
  nodes: number;
  copies: Map<object, unknown> | null;
  json: boolean;
  root: object | null;
  rootCopy: unknown;
}

function copyPlain(value: unknown, budget: Budget, depth: number): unknown {
  switch (typeof value) {
    case "object":
      break;
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value) || (value === 0 && 1 / value < 0)) budget.json = false;
      return value;
    case "function":
    case "symbol":
      return FALLBACK;
    default:
      budget.json = false;
      return value;
  }
  if (value === null) return null;
  if (--budget.nodes < 0 || depth > MAX_DEPTH) return FALLBACK;
  if (depth > 0) {
    const known = budget.copies?.get(value);
    if (known !== undefined || value === budget.root) {
      // JSON would send a shared object twice.
      budget.json = false;
      return known ?? budget.rootCopy;
    }
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const array = value as unknown[];
    const n = array.length;
    const out = new Array(n);
    remember(budget, value, out, depth);
    for (let i = 0; i < n; i++) {
      // A hole is not copied as one by hand.
      if (!(i in array)) return FALLBACK;
      const v = copyPlain(array[i], budget, depth + 1);
      if (v === FALLBACK) return FALLBACK;
      out[i] = v;
    }
    // Named properties on an array travel in a structured clone: leave those to it.
    if (Object.keys(array).length !== n) return FALLBACK;
    return out;
  }
  if (proto !== Object.prototype) return FALLBACK;
  const out: Record<string, unknown> = {};
  remember(budget, value, out, depth);
  for (const key in value) {
    const v = copyPlain((value as Record<string, unknown>)[key], budget, depth + 1);
    if (v === FALLBACK) return FALLBACK;
    out[key] = v;
  }
  return out;
}

/*
 * Copies are remembered (to keep shared references shared and cycles cycles)
 * from the first object found inside another: a flat value, the common case,
 * makes no map.
 */
function remember(budget: Budget, value: object, copy: unknown, depth: number): void {
  if (depth === 0) {
    budget.root = value;
    budget.rootCopy = copy;
    return;
  }
  (budget.copies ??= new Map<object, unknown>([[budget.root!, budget.rootCopy]])).set(value, copy);
}

/**
 * Puts `Bytes` payloads on the wire as their raw `Uint8Array`, noting where.
 *
 * @returns The items to send and the indexes of payloads, or `undefined` when none.
 */
export function toWire(items: unknown[]): { items: unknown[]; b: number[] | undefined } {
  let b: number[] | undefined;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item instanceof Bytes) {
      (b ??= []).push(i);
      if (b.length === 1) items = items.slice();
      items[i] = item.data;
    }
  }
  return { items, b };
}

/**
 * Undoes {@linkcode toWire}, in place. A payload decoded from a subprocess
 * frame is a view into the frame; it gets a buffer of its own, so that it
 * starts at offset 0 (any typed array can view it) and frees the frame.
 */
export function fromWire(items: unknown[], b: number[] | undefined): unknown[] {
  if (b === undefined) return items;
  for (const i of b) {
    const data = items[i] as Uint8Array;
    items[i] = new Bytes(
      // (Not data.slice(): a node Buffer, as socket chunks are, slices to a view.)
      data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
        ? data
        : new Uint8Array(data),
    );
  }
  return items;
}
