/**
 * Web Streams views over anything with a `get`/`put`: `readable` pulls one
 * item per read (nothing is taken that no reader asked for) and `writable`
 * puts each chunk, waiting when the queue is full.
 *
 * @module
 */

import { EOFError } from "../errors.ts";

/**
 * A stream of `get()` results. It ends at `EOFError` (a drained pipe whose
 * writer closed); cancelling it abandons the pending `get()`, which then
 * takes nothing.
 */
export function readableOf<T>(get: (signal: AbortSignal) => Promise<T>): ReadableStream<T> {
  let controller: AbortController | undefined;
  return new ReadableStream<T>({
    async pull(stream) {
      controller = new AbortController();
      try {
        stream.enqueue(await get(controller.signal));
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof EOFError) stream.close();
        else stream.error(error);
      }
    },
    cancel(reason) {
      controller?.abort(reason ?? new DOMException("The stream was cancelled", "AbortError"));
    },
  }, { highWaterMark: 0 });
}

/** A stream whose chunks are `put()`, and whose `close()` calls `close`. */
export function writableOf<T>(
  put: (chunk: T) => Promise<void>,
  close: () => void,
): WritableStream<T> {
  return new WritableStream<T>({ write: (chunk) => put(chunk), close });
}
