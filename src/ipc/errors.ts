/**
 * The errors queues and pipes raise, with messages that say what happened
 * and what to do.
 *
 * @module
 */

import { EmptyError, EOFError, FullError, StateError, TimeoutError } from "../errors.ts";

/** How long a wait was: 0 for none (a `*Nowait()` call). */
type Wait = number;

/** The error for a get that found nothing within `wait`. */
export function emptyError(wait: Wait): EmptyError {
  return new EmptyError(
    wait === 0
      ? "Queue is empty: getNowait() (or get({ block: false })) found no item. Use get() to wait for one"
      : `Queue is empty: no item arrived within ${wait} ms. Wait longer, or check that a producer is putting items`,
  );
}

/** The error for a put that found no room within `wait`. */
export function fullError(maxsize: number, wait: Wait): FullError {
  return new FullError(
    wait === 0
      ? `Queue is full (maxsize ${maxsize}): putNowait() (or put({ block: false })) found no room. Use put() to wait for room`
      : `Queue is full (maxsize ${maxsize}): no room within ${wait} ms. Wait longer, or consume items faster`,
  );
}

/** The error for a read from a drained pipe whose writers are gone. */
export function eofError(): EOFError {
  return new EOFError(
    "The other end of the pipe is closed (or its process ended) and every message it sent has been received",
  );
}

/** The error for a `join()` that did not finish within `wait`. */
export function joinTimeout(wait: Wait): TimeoutError {
  return new TimeoutError(
    `JoinableQueue.join() timed out after ${wait} ms with items not yet marked done: call taskDone() once per item taken`,
  );
}

/** The error for using a holder after `close()`. */
export function closedError(what: string): StateError {
  return new StateError(`${what} is closed: create a new one, or stop using it after close()`);
}
