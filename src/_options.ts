/**
 * The one check every options object gets: a key that is not an option is a
 * typo (`procesess`, `maxTasksPerchild`) that would otherwise be ignored in
 * silence.
 *
 * @module
 */

/**
 * @param what What takes the options, for the message (`Pool`, `Queue.get()`).
 * @param options The options object (already known to be an object).
 * @param known Its option names.
 * @throws {TypeError} Naming the first unknown key and the known ones.
 */
export function checkKnownKeys(what: string, options: object, known: readonly string[]): void {
  // for…in rather than Object.keys(): no array per call on a queue's hot path.
  for (const key in options) {
    if (!known.includes(key)) {
      // Option names are Python's keyword names (snake_case words joined in
      // camelCase, run-together words kept: `maxtasksperchild` on Pool,
      // `maxTasksPerChild` on the executor), so a casing slip is likely.
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      throw new TypeError(
        `Unknown option ${JSON.stringify(key)} for ${what}${
          near === undefined ? "" : ` (did you mean ${JSON.stringify(near)}?)`
        }: the options are ${known.join(", ")}`,
      );
    }
  }
}
