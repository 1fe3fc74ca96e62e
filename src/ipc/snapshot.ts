/**
 * What a queue or pipe holds: a copy of each item taken when it is put, so the
 * sender may change or reuse its object as soon as `put()`/`send()` resolves,
 * and a value that cannot be cloned is refused right there.
 *
 * @module
 */

import { ADVICE, quickUncloneable } from "../clone.ts";
import { describe } from "../_describe.ts";

/** A `sendBytes()` payload: its own copy of the bytes, moved rather than cloned where possible. */
export class Bytes {
  /** @param data The bytes, in a buffer nobody else holds. */
  constructor(readonly data: Uint8Array) {}
}

// Small plain data (the common `{ i, s: "hello" }`) is copied by hand, ~10×
// cheaper than structuredClone; anything else goes through structuredClone.
const MAX_NODES = 64;
const MAX_ARRAY = 64;

/**
 * Copies `value` as a structured clone would.
 *
 * @throws {DOMException} `DataCloneError` naming `what` when it cannot be cloned.
 */
export function snapshot(value: unknown, what: string): unknown {
  if (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol") {
    return value;
  }
  if (value instanceof Bytes) return value;
  const budget = { nodes: MAX_NODES };
  const copied = value === null ? null : copyPlain(value, budget, 0);
  if (copied !== FALLBACK) return copied;
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

const FALLBACK = Symbol("fallback");

function copyPlain(value: unknown, budget: { nodes: number }, depth: number): unknown {
  if (typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? FALLBACK : value;
  }
  if (value === null) return null;
  if (--budget.nodes < 0 || depth > 4) return FALLBACK;
  const proto = Object.getPrototypeOf(value);
  if (proto === Array.prototype) {
    const array = value as unknown[];
    const n = array.length;
    if (n > MAX_ARRAY || Object.keys(array).length !== n) return FALLBACK;
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = copyPlain(array[i], budget, depth + 1);
      if (v === FALLBACK) return FALLBACK;
      out[i] = v;
    }
    return out;
  }
  if (proto !== Object.prototype) return FALLBACK;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = copyPlain((value as Record<string, unknown>)[key], budget, depth + 1);
    if (v === FALLBACK) return FALLBACK;
    out[key] = v;
  }
  return out;
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
