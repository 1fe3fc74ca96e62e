/**
 * Checks that values can be structured-cloned before anything is sent, so a
 * bad argument is reported by position and nothing is started.
 *
 * @module
 */

import { describe } from "./target.ts";

/**
 * @param values The values that will be sent.
 * @param label How to name one value in the message, given its key.
 * @throws {DOMException} `DataCloneError` naming the first value that cannot
 * be cloned.
 */
export function assertCloneable(
  values: readonly unknown[] | Readonly<Record<string, unknown>>,
  label: (key: string) => string,
): void {
  try {
    structuredClone(values);
    return;
  } catch {
    // Find which one, below.
  }
  for (const [key, value] of Object.entries(values)) {
    try {
      structuredClone(value);
    } catch (error) {
      throw new DOMException(
        `${label(key)} cannot be sent to a child: ${describe(value)} is not structured-cloneable (${
          (error as Error).message
        }). Pass plain data (objects, arrays, numbers, strings, Map, Date, typed arrays, ...)`,
        "DataCloneError",
      );
    }
  }
}
