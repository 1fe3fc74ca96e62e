/**
 * JSON as the wire to a subprocess: which values JSON carries exactly, the
 * record of copies already known to be such values, and `JsonText`, a value
 * encoded once where it was put and spliced into its frame as it is.
 *
 * @module
 */

/**
 * A queue item or pipe message already encoded as JSON where it was put, in
 * a subprocess child: the text is its snapshot, so no copy is made, and its
 * frame takes the text as it is (`jsonWithTexts`) rather than encoding the
 * value again. Only a holder whose channel is JSON frames makes one.
 */
export class JsonText {
  /** @param text `JSON.stringify()` of a value that `isJsonSafe()` accepts. */
  constructor(readonly text: string) {}
}

/**
 * True when `JSON.parse(JSON.stringify(value))` rebuilds a structured clone of
 * `value`: only plain objects, dense arrays, strings, booleans, `null` and
 * finite numbers other than `-0`, and no object reached twice.
 *
 * @param texts Whether a `JsonText` counts as JSON (it does in a frame, see `jsonWithTexts`).
 */
export function isJsonSafe(value: unknown, texts = false): boolean {
  left = Infinity;
  walked = 0;
  textsOk = texts;
  textsSeen = false;
  return jsonSafe(value, new Set(), 0);
}

/**
 * `isJsonSafe(value)` for a value of at most `most` objects and arrays;
 * false for a larger one without walking the rest.
 */
export function isSmallJsonSafe(value: unknown, most: number): boolean {
  left = most;
  walked = 0;
  textsOk = false;
  return jsonSafe(value, new Set(), 0);
}

/** How many objects and arrays the last walk looked at (see `isJsonSafe`). */
export function objectsWalked(): number {
  return walked;
}

/** How many more objects the current walk may look at. */
let left = Infinity;
let walked = 0;
let textsOk = false;
/** Whether the last `isJsonSafe(value, true)` met a `JsonText`. */
let textsSeen = false;

/**
 * Values known to pass `isJsonSafe`, each a tree no other value shares: a
 * queue item's copy that was checked as it was made (see `ipc/snapshot.ts`),
 * or one decoded from JSON. Sending them again skips the walk.
 */
const known = new WeakSet<object>();
/** Values recorded and not yet forgotten (or collected): while 0, `handOut` costs nothing. */
let recorded = 0;

/** Records that `value` (an object no other value shares) is JSON-safe. */
export function markJsonSafe(value: object): void {
  known.add(value);
  recorded++;
}

/** Forgets that `item` was JSON-safe: it goes to user code, which may change it. */
export function handOut<T>(item: T): T {
  if (recorded > 0 && typeof item === "object" && item !== null && known.delete(item)) {
    recorded--;
  }
  return item;
}

function jsonSafe(value: unknown, seen: Set<object>, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0);
    case "object": {
      if (value === null || (recorded > 0 && known.has(value))) return true;
      if (value instanceof JsonText) return textsSeen = textsOk;
      if (depth > 100 || --left < 0 || seen.has(value)) return false;
      seen.add(value);
      walked++;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return false;
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          if (typeof item === "number") {
            if (!Number.isFinite(item) || (item === 0 && 1 / item < 0)) return false;
          } else if (typeof item !== "string" && !jsonSafe(item, seen, depth + 1)) {
            return false;
          }
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value) {
        if (!jsonSafe((value as Record<string, unknown>)[key], seen, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/*
 * Where a `JsonText` goes, the message is first written with this marker
 * (random, so no string of a program's can be it by chance), which is then
 * replaced by the text. Should a string still carry it, the texts are parsed
 * and the message encoded whole instead.
 */
const MARK = `\u0001mp-json-text-${crypto.randomUUID()}\u0001`;
const QUOTED_MARK = JSON.stringify(MARK);

/**
 * `JSON.stringify(message)`, with each `JsonText` written as the JSON it
 * holds. Call it after `isJsonSafe(message, true)`.
 */
export function jsonWithTexts(message: unknown): string {
  if (!textsSeen) return JSON.stringify(message);
  const texts: string[] = [];
  const json = JSON.stringify(
    message,
    (_key, value) => value instanceof JsonText ? (texts.push(value.text), MARK) : value,
  );
  const parts = json.split(QUOTED_MARK);
  if (parts.length !== texts.length + 1) {
    return JSON.stringify(
      message,
      (_key, value) => value instanceof JsonText ? JSON.parse(value.text) : value,
    );
  }
  let out = parts[0];
  for (let i = 0; i < texts.length; i++) out += texts[i] + parts[i + 1];
  return out;
}
