/**
 * How error messages quote a bad value. Every layer checks arguments, so this
 * sits at the bottom, beside `errors.ts`.
 *
 * @module
 */

/** A short, quoted description of a value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === "function") {
    return value.name ? `function ${value.name}` : "an anonymous function";
  }
  if (typeof value === "string") {
    return JSON.stringify(value.length > 60 ? value.slice(0, 57) + "..." : value);
  }
  if (typeof value === "symbol") return value.toString();
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  const name = (value as object).constructor?.name;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `${name && name !== "Object" ? `a ${name}` : `an object (${tag})`}`;
}
