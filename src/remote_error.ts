/**
 * Rebuilds errors that crossed from a child (flattened there by
 * `child/serialize_error.ts`) with their class (for built-in and library
 * error types), `name`, `message`, the child's `stack`, `cause` and own fields.
 *
 * @module
 */

import {
  CancelledError,
  EmptyError,
  EOFError,
  FullError,
  StateError,
  TaskTimeoutError,
  TimeoutError,
  ValueError,
  WorkerCrashedError,
} from "./errors.ts";
import type { SerializedError } from "./protocol.ts";

type ErrorClass = new (message: string) => Error;

const CLASSES: Record<string, ErrorClass> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  StateError,
  ValueError,
  TimeoutError,
  TaskTimeoutError,
  EmptyError,
  FullError,
  EOFError,
  CancelledError,
};

/** Rebuilds an error flattened by `serializeError()` in a child. */
export function deserializeError(data: SerializedError): Error {
  let error: Error;
  if (data.name === "AggregateError") {
    error = new AggregateError((data.errors ?? []).map(deserializeError), data.message);
  } else if (data.name === "WorkerCrashedError") {
    const f = data.fields ?? {};
    error = new WorkerCrashedError(data.message, {
      exitCode: (f.exitCode as number | null) ?? null,
      signal: (f.signal as string | null) ?? null,
    });
  } else if (data.name === "DataCloneError" || data.name === "AbortError") {
    error = new DOMException(data.message, data.name);
  } else {
    const Class = CLASSES[data.name] ?? Error;
    error = new Class(data.message);
    if (error.name !== data.name) {
      Object.defineProperty(error, "name", {
        value: data.name,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }
  if (data.stack !== undefined) {
    Object.defineProperty(error, "stack", {
      value: data.stack,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (data.cause !== undefined) {
    const cause = "error" in data.cause ? deserializeError(data.cause.error) : data.cause.value;
    Object.defineProperty(error, "cause", {
      value: cause,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  if (data.fields !== undefined && !(error instanceof DOMException)) {
    for (const [key, value] of Object.entries(data.fields)) {
      if (!(error instanceof WorkerCrashedError)) {
        (error as unknown as Record<string, unknown>)[key] = value;
      }
    }
  }
  return error;
}
