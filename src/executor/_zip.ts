/**
 * The argument lists of a `ProcessPoolExecutor.map()` over several
 * iterables: as Python's `zip`, one list per position, ending with the
 * shortest input.
 *
 * @module
 */

import type { Items } from "../pool/options.ts";

/** Zips `inputs`: synchronously when every one is, else as an async iterable. */
export function zipItems(inputs: Items<unknown>[]): Items<unknown[]> {
  const sync = inputs.every((input) => typeof input === "string" || Symbol.iterator in input);
  return sync ? zipSync(inputs as Iterable<unknown>[]) : zipAsync(inputs);
}

function* zipSync(inputs: Iterable<unknown>[]): Generator<unknown[]> {
  const iterators = inputs.map((input) => input[Symbol.iterator]());
  try {
    for (;;) {
      const args: unknown[] = [];
      for (const iterator of iterators) {
        const step = iterator.next();
        if (step.done) return;
        args.push(step.value);
      }
      yield args;
    }
  } finally {
    for (const iterator of iterators) iterator.return?.();
  }
}

async function* zipAsync(inputs: Items<unknown>[]): AsyncGenerator<unknown[]> {
  const iterators = inputs.map((input) =>
    typeof input !== "string" && Symbol.asyncIterator in input
      ? (input as AsyncIterable<unknown>)[Symbol.asyncIterator]()
      : (input as Iterable<unknown>)[Symbol.iterator]()
  );
  try {
    for (;;) {
      const args: unknown[] = [];
      for (const iterator of iterators) {
        const step = await iterator.next();
        if (step.done) return;
        args.push(step.value);
      }
      yield args;
    }
  } finally {
    for (const iterator of iterators) await iterator.return?.();
  }
}
