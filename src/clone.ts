/**
 * Checks that values can be structured-cloned before anything is sent, so a
 * bad argument is reported by position and nothing is started.
 *
 * @module
 */

import { isShareable } from "./_shareable.ts";
import { describe } from "./_describe.ts";

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
  let cloned = true;
  try {
    structuredClone(values);
  } catch {
    cloned = false;
  }
  for (const [key, value] of Object.entries(values)) {
    const bad = quickUncloneable([value]);
    if (bad !== null) {
      throw new DOMException(
        `${label(key)} cannot be sent to a child: ${bad.reason}. ${ADVICE}`,
        "DataCloneError",
      );
    }
    if (cloned) continue;
    try {
      structuredClone(value);
    } catch (error) {
      throw new DOMException(
        `${label(key)} cannot be sent to a child: ${describe(value)} is not structured-cloneable (${
          (error as Error).message
        }). ${ADVICE}`,
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

/** What every refusal of a value suggests instead. */
export const ADVICE =
  "Pass plain data (objects, arrays, numbers, strings, Map, Set, Date, typed arrays, ...); for an object of a class, pass its fields and rebuild it in the child";

const NEVER_CLONEABLE = [Promise, WeakMap, WeakSet, WeakRef] as const;

/*
 * Structured cloning keeps these as what they are; an object of any other
 * class arrives as a plain object without its class and methods (or, for a
 * resource such as Deno.FsFile, as an empty one), so it is refused instead.
 */
const CLONED_AS_ITSELF = [
  Error,
  Date,
  RegExp,
  ArrayBuffer,
  SharedArrayBuffer,
  Boolean,
  Number,
  String,
  BigInt,
  Blob,
] as const;

function classInstance(value: object): string | null {
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null || Array.isArray(value)) return null;
  for (const Class of CLONED_AS_ITSELF) if (value instanceof Class) return null;
  if (isShareable(value)) return null;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  if (tag === "Generator" || tag === "AsyncGenerator") {
    return `a ${tag} (what a generator function returns: return an array, e.g. Array.from(...), instead)`;
  }
  const name = (value as { constructor?: { name?: string } }).constructor?.name;
  return `an object of ${
    name ? `class ${name}` : "an anonymous class"
  } (a child would get a plain copy without its class and methods)`;
}

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
  if (typeof value !== "object" || value === null || depth > 64) return null;
  // Top-level values are each looked at once anyway: only what they hold is
  // remembered, so a call of a million small objects fills no set.
  if (depth > 0) {
    if (seen.has(value)) return null;
    seen.add(value);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    for (const key in value) {
      const bad = findBad((value as Record<string, unknown>)[key], seen, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBad(value[i], seen, depth + 1);
      if (bad !== null) return bad;
    }
    return null;
  }
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
  return classInstance(value);
}
