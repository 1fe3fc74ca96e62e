/**
 * How a message between a worker and its parent is posted: as JSON text when
 * it is small and JSON-safe, else as itself (a structured clone).
 *
 * Deno's `postMessage` clones a string or a number almost for free, while
 * any object costs a fixed ~2.5 µs to serialize and rebuild on top of the
 * thread hop: a Pipe ping-pong of nested handle messages ran at 1.5× the raw
 * port, most of it in cloning. `JSON.stringify` and `JSON.parse` of a small
 * message cost a fraction of that. A large one stays a structured clone,
 * which is faster for bulk data than text.
 *
 * @module
 */

import { isSmallJsonSafe } from "../json.ts";

/** Messages of more objects than this are cloned rather than sent as text. */
const MOST_OBJECTS = 64;

/**
 * What to post for `message`: its JSON text, or itself. Nothing a transport
 * posts is a string otherwise, so a string is always JSON.
 */
export function toPost(message: object): unknown {
  return isSmallJsonSafe(message, MOST_OBJECTS) ? JSON.stringify(message) : message;
}

/** The message a post carries (see `toPost`). */
export function fromPost<M>(data: M | string): M {
  return typeof data === "string" ? JSON.parse(data) as M : data;
}
