/**
 * Rebuilds errors that crossed from a child (flattened there by
 * `serialize_error.ts`) with their class (for built-in and library
 * error types), `name`, `message`, the child's `stack`, `cause` and own fields.
 *
 * @module
 */

import {
  BrokenBarrierError,
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
  BrokenBarrierError,
};

/** Sets a non-enumerable own property, as the engine does for `stack` and `cause`. */
function setHidden(error: Error, key: string, value: unknown): void {
  Object.defineProperty(error, key, {
    value,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

/** A `Deno.errors` class (`NotCapable`, `NotFound`, ...) by name, so `instanceof` works here too. */
function denoError(name: string): ErrorClass | undefined {
  const errors = (globalThis as { Deno?: { errors?: Record<string, unknown> } }).Deno?.errors;
  const cls = errors !== undefined && Object.hasOwn(errors, name) ? errors[name] : undefined;
  return typeof cls === "function" ? cls as ErrorClass : undefined;
}

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
    error = new (CLASSES[data.name] ?? denoError(data.name) ?? Error)(data.message);
    if (error.name !== data.name) setHidden(error, "name", data.name);
    for (const [key, value] of Object.entries(data.fields ?? {})) {
      (error as unknown as Record<string, unknown>)[key] = value;
    }
  }
  if (data.stack !== undefined) setHidden(error, "stack", data.stack);
  if (data.cause !== undefined) {
    setHidden(
      error,
      "cause",
      "error" in data.cause ? deserializeError(data.cause.error) : data.cause.value,
    );
  }
  return error;
}
