/**
 * Checks that values can be structured-cloned before anything is sent, so a
 * bad argument is reported by position and nothing is started.
 *
 * @module
 */

import { describe } from "./target.ts";

/**
 * @param values The values that will be sent.
 * @param label How to name one value in the message, given its key.
 * @throws {DOMException} `DataCloneError` naming the first value that cannot
 * be cloned.
 */
export function assertCloneable(
  values: readonly unknown[] | Readonly<Record<string, unknown>>,
  label: (key: string) => string,
): void {
  try {
    structuredClone(values);
    return;
  } catch {
    // Find which one, below.
  }
  for (const [key, value] of Object.entries(values)) {
    try {
      structuredClone(value);
    } catch (error) {
      throw new DOMException(
        `${label(key)} cannot be sent to a child: ${describe(value)} is not structured-cloneable (${
          (error as Error).message
        }). Pass plain data (objects, arrays, numbers, strings, Map, Date, typed arrays, ...)`,
        "DataCloneError",
      );
    }
  }
}

/**
 * Finds the first value that cannot be structured-cloned.
 *
 * @returns Its index and why, or index -1 when every value clones.
 */
export function findUncloneable(values: readonly unknown[]): { index: number; reason: string } {
  for (let i = 0; i < values.length; i++) {
    try {
      structuredClone(values[i]);
    } catch (error) {
      return {
        index: i,
        reason: `${describe(values[i])} is not structured-cloneable (${(error as Error).message})`,
      };
    }
  }
  return { index: -1, reason: "it could not be cloned" };
}

const NEVER_CLONEABLE = [Promise, WeakMap, WeakSet, WeakRef] as const;

/**
 * A fast look for values that can never be cloned — functions, symbols,
 * promises, weak collections — anywhere inside `values`, without cloning
 * them. It misses exotic host objects; sending catches those.
 *
 * @returns The index of the first such item and why, or `null`.
 */
export function quickUncloneable(
  values: readonly unknown[],
): { index: number; reason: string } | null {
  let seen: Set<object> | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol") {
      continue;
    }
    const bad = findBad(value, seen ??= new Set(), 0);
    if (bad !== null) return { index: i, reason: `${bad} is not structured-cloneable` };
  }
  return null;
}

function findBad(value: unknown, seen: Set<object>, depth: number): string | null {
  if (typeof value === "function" || typeof value === "symbol") return describe(value);
  if (typeof value !== "object" || value === null || seen.has(value) || depth > 64) return null;
  seen.add(value);
  for (const Class of NEVER_CLONEABLE) if (value instanceof Class) return `a ${Class.name}`;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      const bad = findBad(k, seen, depth + 1) ?? findBad(v, seen, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (value instanceof Set) {
    for (const v of value) {
      const bad = findBad(v, seen, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (ArrayBuffer.isView(value)) return null;
  for (const key of Object.keys(value)) {
    const bad = findBad((value as Record<string, unknown>)[key], seen, depth + 1);
    if (bad !== null) return bad;
  }
  return null;
}
