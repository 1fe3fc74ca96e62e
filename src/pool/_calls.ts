/**
 * What every `Pool` call does with its arguments before a `Job` is made: one
 * target spec per target object, the input's type, the quick check that
 * every item can be sent, and the iterator over a job's results.
 *
 * @module
 */

import { quickUncloneable } from "../clone.ts";
import type { TargetSpec } from "../protocol.ts";
import { describe } from "../_describe.ts";
import { toTargetSpec } from "../target.ts";
import type { Job } from "./job.ts";
import type { ResultIterator } from "./options.ts";

// One spec per target object: a child is sent each target's text once.
const specs = new WeakMap<object, TargetSpec>();

/** The spec of `target`, made once per target object. */
export function specOf(target: unknown): TargetSpec {
  if ((typeof target === "function" || typeof target === "object") && target !== null) {
    let spec = specs.get(target);
    if (spec === undefined) specs.set(target, spec = toTargetSpec(target));
    return spec;
  }
  return toTargetSpec(target);
}

/** @throws {TypeError} Unless `iterable` is an Iterable or AsyncIterable. */
export function checkInput(iterable: unknown): void {
  const ok = typeof iterable === "object" && iterable !== null &&
    (Symbol.iterator in iterable || Symbol.asyncIterator in iterable);
  if (!ok && typeof iterable !== "string") {
    throw new TypeError(
      `Expected \`iterable\` to be an Iterable or AsyncIterable of items, got ${
        describe(iterable)
      }`,
    );
  }
}

/** A `DataCloneError` for the first item (or apply argument) that cannot be sent. */
export function checkSendable(iterable: unknown, single: boolean): DOMException | null {
  if (!Array.isArray(iterable)) return null;
  const bad = quickUncloneable(single ? iterable[0] : iterable);
  if (bad === null) return null;
  const what = single ? `Argument ${bad.index}` : `Item ${bad.index} of the call`;
  return new DOMException(
    `${what} cannot be sent to a pool worker: ${bad.reason}. Nothing was sent; pass structured-cloneable data`,
    "DataCloneError",
  );
}

/** A job's results as an async iterator; `return()` stops the job. */
export function iterate<R>(job: Job): ResultIterator<R> {
  return {
    next: (timeout?: number) => {
      if (timeout !== undefined && (typeof timeout !== "number" || !(timeout >= 0))) {
        return Promise.reject(
          new RangeError(
            `Expected \`timeout\` to be a non-negative number of milliseconds, got ${
              describe(timeout)
            }`,
          ),
        );
      }
      return job.next(timeout) as Promise<IteratorResult<R>>;
    },
    return: (value?: R) => {
      job.stop();
      return Promise.resolve({ value: value as R, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
