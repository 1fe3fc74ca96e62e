/**
 * `Value` and `SharedArray`: numbers in memory shared by processes.
 *
 * @module
 */

import { checkKnownKeys } from "../_options.ts";
import { StateError } from "../errors.ts";
import { describe } from "../_describe.ts";
import { type Core, SELF_ID, SyncOwner } from "./_owner.ts";
import { shareSync } from "./_share.ts";
import type { Side } from "./_side.ts";
import {
  checkElement,
  classOf,
  type ElementOf,
  type Elements,
  type Typecode,
} from "./_typecodes.ts";
import { Lock, lockHandle, RLock } from "./lock.ts";

/**
 * Options of a {@linkcode Value} or {@linkcode SharedArray}.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const options: mp.SharedOptions = { lock: new mp.Lock() };
 * const count = new mp.Value("i", 0, options);
 * const totals = new mp.SharedArray("d", 3, options);
 * console.log(count.getLock() === totals.getLock()); // true: one lock guards both
 * ```
 */
export interface SharedOptions {
  /**
   * The lock `getLock()` returns: `true` for a new `RLock`, `false` for
   * none, or a `Lock`/`RLock` of your own.
   * @default {true}
   */
  lock?: boolean | Lock | RLock;
}

/** The elements of a shared value or array and the one write children make. */
export class SharedCore implements Core {
  readonly sab: SharedArrayBuffer;
  readonly elements: Elements;

  constructor(sab: SharedArrayBuffer, code: Typecode) {
    this.sab = sab;
    this.elements = new (classOf(code))(sab);
  }

  put(i: number, v: number | bigint): void {
    (this.elements as unknown as (number | bigint)[])[i] = v;
  }
}

/** How a shared value or array reads and writes, in whichever process. */
interface Access {
  code: Typecode;
  length: number;
  elements(): Elements;
  write(i: number, v: number | bigint): void;
  lock: Lock | RLock | null;
}

/** What a child gets for a received shared value or array. */
export function accessOf(
  side: Side<SharedCore>,
  code: Typecode,
  length: number,
  lock: Lock | RLock | null,
): Access {
  const { core, client } = side;
  if (core !== undefined) {
    return { code, length, lock, elements: () => core.elements, write: (i, v) => core.put(i, v) };
  }
  const view = new (classOf(code))(client.copy.buffer);
  client.onWrite((i, v) => ((view as unknown as (number | bigint)[])[i] = v));
  return {
    code,
    length,
    lock,
    elements: () => (client.read(), view),
    write: (i, v) => client.write(i, v),
  };
}

function make(
  object: object,
  what: string,
  code: Typecode,
  length: number,
  options: SharedOptions | undefined,
): Access {
  const cls = classOf(code);
  if (options !== undefined) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
    }
    checkKnownKeys(what, options, ["lock"]);
  }
  const lockOption = options?.lock ?? true;
  let lock: Lock | RLock | null;
  if (lockOption === true) lock = new RLock();
  else if (lockOption === false) lock = null;
  else if (lockOption instanceof Lock || lockOption instanceof RLock) lock = lockOption;
  else {
    throw new TypeError(
      `Expected \`lock\` to be true, false, a Lock or an RLock, got ${describe(lockOption)}`,
    );
  }
  const lockOwner = lock === null ? null : lockHandle(lock).owner;
  if (lock !== null && lockOwner === null) {
    throw new StateError(
      `A ${what} can only use a lock created in this process: create both where the children are started`,
    );
  }
  const core = new SharedCore(
    new SharedArrayBuffer(Math.max(1, length) * cls.BYTES_PER_ELEMENT),
    code,
  );
  shareSync(object, new SyncOwner(core, what === "Value" ? "value" : "array"), (d, links) => {
    d.code = code;
    d.n = length;
    if (lockOwner !== null) d.lock = lockOwner.describe(links);
  });
  return accessOf({ core, me: SELF_ID }, code, length, lock);
}

let adopting: Access | null = null;

/** Makes the shared value or array a child uses. */
export function adoptShared(
  access: Access,
  array: boolean,
): Value<Typecode> | SharedArray<Typecode> {
  adopting = access;
  try {
    return array ? new SharedArray(access.code, 0) : new Value(access.code);
  } finally {
    adopting = null;
  }
}

function noLock(what: string): StateError {
  return new StateError(`This ${what} was made with \`lock: false\`, so it has no lock to get`);
}

/**
 * One number in memory shared by processes (Python's
 * `multiprocessing.Value`). Worker children read and write the same memory.
 * A subprocess child reads a copy that the creating process refreshes
 * before answering each of its requests (so it is current right after this
 * child's `getLock().acquire()`), and sends its writes there in order: do
 * read-modify-write under the lock.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const v = new mp.Value("d", 0.0);
 * await v.getLock().with(() => {
 *   v.value += 3.14;
 * });
 * console.log(v.value); // 3.14
 * ```
 */
export class Value<C extends Typecode = Typecode> {
  readonly #a: Access;

  /**
   * Creates a shared number.
   *
   * @param typecode Python's typecode: `b B h H i I f d`, or `q Q` for bigints.
   * @param init The first value; 0 when left out.
   * @param options `lock`: which lock `getLock()` returns.
   * @throws {TypeError} For an unknown typecode, an `init` of the wrong type or a bad `lock`.
   * @throws {StateError} For a `lock` received from another process.
   */
  constructor(typecode: C, init?: ElementOf<C>, options?: SharedOptions) {
    if (adopting !== null) {
      this.#a = adopting;
      adopting = null;
      shareSync(this, null);
      return;
    }
    this.#a = make(this, "Value", typecode, 1, options);
    if (init !== undefined) this.#a.write(0, checkElement(typecode, init, "`init`"));
  }

  /** The typecode given at creation. */
  get typecode(): C {
    return this.#a.code as C;
  }

  /** The number now. */
  get value(): ElementOf<C> {
    return this.#a.elements()[0] as ElementOf<C>;
  }

  /**
   * Stores a number, converted as the typecode's typed array converts it
   * (`"i"` truncates 1.7 to 1 and wraps 2³¹ to -2³¹).
   *
   * @param v A number (a bigint for `q`/`Q`).
   * @throws {TypeError} For a value of the wrong type.
   */
  set value(v: ElementOf<C>) {
    this.#a.write(0, checkElement(this.#a.code, v, "the value"));
  }

  /**
   * The lock that guards this value.
   *
   * @returns The `Lock`/`RLock` given or made at creation.
   * @throws {StateError} If made with `lock: false`.
   */
  getLock(): Lock | RLock {
    if (this.#a.lock === null) throw noLock("Value");
    return this.#a.lock;
  }
}

/**
 * A fixed-length array of numbers in memory shared by processes (Python's
 * `multiprocessing.Array`). Reads and writes behave as a {@linkcode Value}'s.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const arr = new mp.SharedArray("i", [0, 1, 2]);
 * arr.set(0, 5);
 * console.log(arr.get(0), arr.length, arr.toArray()); // 5 3 [5, 1, 2]
 * console.log(new mp.SharedArray("i", 3).toArray()); // [0, 0, 0]
 * ```
 */
export class SharedArray<C extends Typecode = Typecode> {
  readonly #a: Access;
  readonly #length: number;

  /**
   * Creates a shared array.
   *
   * @param typecode Python's typecode: `b B h H i I f d`, or `q Q` for bigints.
   * @param sizeOrValues A length (zeros) or the values to start with.
   * @param options `lock`: which lock `getLock()` returns.
   * @throws {TypeError} For an unknown typecode, values of the wrong type or a bad `lock`.
   * @throws {RangeError} For a size that is not a non-negative integer.
   * @throws {StateError} For a `lock` received from another process.
   */
  constructor(typecode: C, sizeOrValues: number | Iterable<ElementOf<C>>, options?: SharedOptions) {
    if (adopting !== null) {
      this.#a = adopting;
      this.#length = adopting.length;
      adopting = null;
      shareSync(this, null);
      return;
    }
    classOf(typecode);
    let values: ElementOf<C>[] | null = null;
    let length: number;
    if (typeof sizeOrValues === "number") {
      if (!Number.isInteger(sizeOrValues) || sizeOrValues < 0) {
        throw new RangeError(
          `Expected \`sizeOrValues\` to be a non-negative integer or an iterable of values, got ${
            describe(sizeOrValues)
          }`,
        );
      }
      length = sizeOrValues;
    } else if (
      sizeOrValues !== null && typeof sizeOrValues === "object" && Symbol.iterator in sizeOrValues
    ) {
      values = [...sizeOrValues];
      length = values.length;
    } else {
      throw new TypeError(
        `Expected \`sizeOrValues\` to be a length or an iterable of values, got ${
          describe(sizeOrValues)
        }`,
      );
    }
    values?.forEach((v, i) => checkElement(typecode, v, `value ${i}`));
    this.#a = make(this, "SharedArray", typecode, length, options);
    this.#length = length;
    values?.forEach((v, i) => this.#a.write(i, v));
  }

  /** The typecode given at creation. */
  get typecode(): C {
    return this.#a.code as C;
  }

  /** The number of elements, fixed at creation. */
  get length(): number {
    return this.#length;
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.#length) {
      throw new RangeError(
        `Expected an index from 0 to ${this.#length - 1}, got ${describe(i)}`,
      );
    }
  }

  /**
   * Element `i`.
   *
   * @param i An index from 0 to `length - 1`.
   * @returns The element.
   * @throws {RangeError} For an index out of range.
   */
  get(i: number): ElementOf<C> {
    this.#check(i);
    return this.#a.elements()[i] as ElementOf<C>;
  }

  /**
   * Stores `v` at element `i`.
   *
   * @param i An index from 0 to `length - 1`.
   * @param v A number (a bigint for `q`/`Q`).
   * @throws {RangeError} For an index out of range.
   * @throws {TypeError} For a value of the wrong type.
   */
  set(i: number, v: ElementOf<C>): void {
    this.#check(i);
    this.#a.write(i, checkElement(this.#a.code, v, "the value"));
  }

  /**
   * A copy of the elements as a plain array (Python's `arr[:]`).
   *
   * @returns The elements now.
   */
  toArray(): ElementOf<C>[] {
    return Array.from(this.#a.elements() as unknown as ArrayLike<ElementOf<C>>).slice(
      0,
      this.#length,
    );
  }

  /**
   * The lock that guards this array.
   *
   * @returns The `Lock`/`RLock` given or made at creation.
   * @throws {StateError} If made with `lock: false`.
   */
  getLock(): Lock | RLock {
    if (this.#a.lock === null) throw noLock("SharedArray");
    return this.#a.lock;
  }

  /**
   * Iterates over a copy taken now, so `for...of` and spreading work.
   *
   * @returns An iterator of the elements, in order.
   */
  [Symbol.iterator](): IterableIterator<ElementOf<C>> {
    return this.toArray()[Symbol.iterator]();
  }
}
