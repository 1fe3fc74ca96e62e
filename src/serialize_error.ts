/**
 * Flattens errors in a child so they can cross to the parent, which rebuilds
 * them with `deserializeError()` (`../remote_error.ts`). Kept free of
 * imports: it loads in every child.
 *
 * @module
 */

import type { SerializedError } from "./protocol.ts";

function isError(value: unknown): value is Error {
  return value instanceof Error ||
    (typeof value === "object" && value !== null && "message" in value && "stack" in value);
}

/** Whether `value` survives structured cloning. */
export function cloneable(value: unknown): boolean {
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
