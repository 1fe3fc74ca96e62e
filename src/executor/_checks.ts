/**
 * Argument checks of `ProcessPoolExecutor` and `asCompleted`, and the one
 * way they wait against a deadline.
 *
 * @module
 */

import { describe } from "../_describe.ts";
import { toTargetSpec } from "../target.ts";

// A function's source is read once: submit() may be called millions of times.
const checked = new WeakSet<object>();

/** @throws {TypeError} Unless `target` is a sendable function or a TaskRef. */
export function checkTarget(target: unknown): void {
  if (typeof target === "function" && checked.has(target)) return;
  toTargetSpec(target);
  if (typeof target === "function") checked.add(target);
}

/** @throws {TypeError} Unless `value` is an object (options). */
export function checkObject(name: string, value: unknown): void {
  if (Array.isArray(value)) {
    throw new TypeError(
      `Expected \`${name}\` to be an object, got ${
        describe(value)
      }: pass each iterable as its own argument, the options last`,
    );
  }
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
  }
}

/**
 * The distinct promises of `futures`, in order.
 *
 * @throws {TypeError} Unless `futures` is an iterable of promises.
 */
export function promisesOf<P extends PromiseLike<unknown>>(futures: Iterable<P>): Set<P> {
  if (typeof futures !== "object" || futures === null || !(Symbol.iterator in futures)) {
    throw new TypeError(
      `Expected \`futures\` to be an iterable of promises, got ${describe(futures)}`,
    );
  }
  const unique = new Set<P>();
  let index = 0;
  for (const future of futures) {
    if (typeof (future as PromiseLike<unknown> | null)?.then !== "function") {
      throw new TypeError(
        `Expected item ${index} of \`futures\` to be a promise, got ${describe(future)}`,
      );
    }
    unique.add(future);
    index++;
  }
  return unique;
}

/** @throws {TypeError} Unless `value` is a boolean. */
export function checkBoolean(name: string, value: unknown): void {
  if (typeof value !== "boolean") {
    throw new TypeError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
  }
}

/**
 * The deadline `timeout` ms from now (`Infinity` when unset).
 *
 * @throws {RangeError} Unless `timeout` is undefined or a non-negative number.
 */
export function deadlineOf(timeout: unknown): number {
  if (timeout === undefined) return Infinity;
  if (typeof timeout !== "number" || !(timeout >= 0)) {
    throw new RangeError(
      `Expected \`timeout\` to be a non-negative number of milliseconds, got ${describe(timeout)}`,
    );
  }
  return performance.now() + timeout;
}

/** @throws {TypeError} Unless `value` is a sync or async iterable (or a string). */
export function checkIterable(name: string, value: unknown): void {
  const ok = typeof value === "object" && value !== null &&
    (Symbol.iterator in value || Symbol.asyncIterator in value);
  if (!ok && typeof value !== "string") {
    throw new TypeError(
      `Expected \`${name}\` to be an Iterable or AsyncIterable, got ${describe(value)}`,
    );
  }
}

// setTimeout fires at once for delays past 2^31 - 1 ms, so long waits go in steps.
const LONGEST_TIMER = 2_147_483_647;

/**
 * Waits for `event` or the `deadline` (a `performance.now()` time), whichever
 * comes first. The timer lives only while waiting, so an abandoned wait
 * leaves nothing behind.
 *
 * @returns `true` if `event` came first, `false` once the deadline passed.
 */
export async function untilDeadline(event: Promise<void>, deadline: number): Promise<boolean> {
  if (deadline === Infinity) {
    await event;
    return true;
  }
  const happened = event.then(() => true);
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.min(Math.ceil(left), LONGEST_TIMER));
    });
    const won = await Promise.race([happened, expired]);
    clearTimeout(timer);
    if (won) return true;
  }
}
