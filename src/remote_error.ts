/**
 * How errors cross between processes: flattened to plain data on one side and
 * rebuilt on the other with their class (for built-in and library error
 * types), `name`, `message`, the child's `stack`, `cause` and own fields.
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

/** An error flattened to structured-clone- and JSON-safe data. */
export interface SerializedError {
  /** The error's `name`. */
  name: string;
  /** The error's `message`. */
  message: string;
  /** The stack as printed in the child, if any. */
  stack?: string;
  /** The serialized `cause`, if the error had one. */
  cause?: { error: SerializedError } | { value: unknown };
  /** Own enumerable fields such as `code` or `exitCode`. */
  fields?: Record<string, unknown>;
  /** Errors of an `AggregateError`. */
  errors?: SerializedError[];
}

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

function isError(value: unknown): value is Error {
  return value instanceof Error ||
    (typeof value === "object" && value !== null && "message" in value && "stack" in value);
}

function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Flattens any thrown value. Non-errors become an `Error` whose message
 * describes the value, so a `throw "text"` still arrives as something useful.
 */
export function serializeError(thrown: unknown, depth = 0): SerializedError {
  if (!isError(thrown)) {
    return { name: "Error", message: `Non-error value thrown: ${describeThrown(thrown)}` };
  }
  const out: SerializedError = {
    name: String(thrown.name ?? "Error"),
    message: String(thrown.message ?? ""),
  };
  if (typeof thrown.stack === "string") out.stack = thrown.stack;
  if ("cause" in thrown && thrown.cause !== undefined && depth < 8) {
    out.cause = isError(thrown.cause)
      ? { error: serializeError(thrown.cause, depth + 1) }
      : { value: cloneable(thrown.cause) ? thrown.cause : describeThrown(thrown.cause) };
  }
  if (thrown instanceof AggregateError && depth < 8) {
    out.errors = thrown.errors.map((e) => serializeError(e, depth + 1));
  }
  const fields: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(thrown)) {
    if (key === "name" || key === "message" || key === "stack" || key === "cause") continue;
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (cloneable(value)) {
      fields[key] = value;
      any = true;
    }
  }
  if (any) out.fields = fields;
  return out;
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : Deno.inspect(value);
  } catch {
    return String(value);
  }
}

/** Rebuilds an error flattened by {@linkcode serializeError}. */
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
