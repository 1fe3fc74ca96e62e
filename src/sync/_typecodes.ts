/**
 * Python's array typecodes and the typed arrays that hold them.
 *
 * @module
 */

import { describe } from "../_describe.ts";

/**
 * A Python typecode for numbers: `b B h H i I f d` (signed and unsigned 8,
 * 16 and 32-bit integers, then 32 and 64-bit floats).
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const code: mp.NumberCode = "i";
 * console.log(new mp.Value(code, 7).value); // 7
 * ```
 */
export type NumberCode = "b" | "B" | "h" | "H" | "i" | "I" | "f" | "d";
/**
 * A Python typecode for 64-bit integers, held as `bigint`: `q Q`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const code: mp.BigIntCode = "Q";
 * console.log(new mp.Value(code, 2n ** 40n).value); // 1099511627776n
 * ```
 */
export type BigIntCode = "q" | "Q";
/**
 * Every typecode a `Value` or `SharedArray` takes.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const zeros = <C extends mp.Typecode>(code: C, n: number) => new mp.SharedArray(code, n);
 * console.log(zeros("d", 2).toArray(), zeros("q", 1).toArray()); // [0, 0] [0n]
 * ```
 */
export type Typecode = NumberCode | BigIntCode;
/**
 * The element type of a typecode: `bigint` for `q`/`Q`, else `number`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * function fill<C extends mp.Typecode>(arr: mp.SharedArray<C>, v: mp.ElementOf<C>): void {
 *   for (let i = 0; i < arr.length; i++) arr.set(i, v);
 * }
 * const big = new mp.SharedArray("q", 2);
 * fill(big, 5n); // a number here would not type-check
 * console.log(big.toArray()); // [5n, 5n]
 * ```
 */
export type ElementOf<C extends Typecode> = C extends BigIntCode ? bigint : number;

/** A typed array of one of the typecodes. */
export type Elements =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

type ElementsClass = { new (buffer: ArrayBufferLike): Elements; BYTES_PER_ELEMENT: number };

const CLASSES: Record<Typecode, ElementsClass> = {
  b: Int8Array,
  B: Uint8Array,
  h: Int16Array,
  H: Uint16Array,
  i: Int32Array,
  I: Uint32Array,
  f: Float32Array,
  d: Float64Array,
  q: BigInt64Array,
  Q: BigUint64Array,
};

/**
 * The typed array class for `code`.
 *
 * @throws {TypeError} For anything but the ten typecodes.
 */
export function classOf(code: unknown): ElementsClass {
  const cls = typeof code === "string" ? CLASSES[code as Typecode] : undefined;
  if (cls === undefined || !Object.hasOwn(CLASSES, code as string)) {
    throw new TypeError(
      `Expected a typecode, one of "b", "B", "h", "H", "i", "I", "f", "d", "q", "Q", got ${
        describe(code)
      }`,
    );
  }
  return cls;
}

/** Whether `code` holds bigints. */
export function isBig(code: Typecode): boolean {
  return code === "q" || code === "Q";
}

/**
 * Checks that `v` suits typecode `code`.
 *
 * @throws {TypeError} A bigint for a number typecode or the other way round.
 */
export function checkElement(code: Typecode, v: unknown, what: string): number | bigint {
  if (isBig(code) ? typeof v === "bigint" : typeof v === "number") return v as number | bigint;
  throw new TypeError(
    `Expected ${what} to be a ${isBig(code) ? "bigint" : "number"} for typecode "${code}", got ${
      describe(v)
    }`,
  );
}
