/**
 * `ThreadPool`: Python's `multiprocessing.pool.ThreadPool`, a `Pool` on the
 * `"inline"` backend.
 *
 * @module
 */

import { describe } from "../_describe.ts";
import { Pool } from "../pool.ts";
import type { PoolOptions } from "./options.ts";

/** The options a {@linkcode ThreadPool} takes: a `Pool`'s, less what only children have. */
export type ThreadPoolOptions = Omit<
  PoolOptions,
  "backend" | "permissions" | "maxHeapMb" | "maxFrameBytes"
>;

/**
 * Python's `ThreadPool`: a {@linkcode Pool} whose tasks run on this event
 * loop (the `"inline"` backend), sharing memory, nothing cloned, with every
 * method of a `Pool`. Good for I/O-bound async work; a CPU-bound task holds
 * the loop as a Python thread holds the GIL.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.ThreadPool(4);
 * const shared = { calls: 0 };
 * await pool.map(async (n: number) => { shared.calls++; return n; }, [1, 2, 3]);
 * console.log(shared.calls); // 3: the tasks ran here, on the same object
 * ```
 */
export class ThreadPool extends Pool {
  /**
   * Starts the pool.
   *
   * @param options How many tasks run at once (default `cpuCount()`), or a
   * `Pool`'s options without `backend` and the options only children have.
   * @throws {TypeError} When `options` names a `backend` or an option only children have.
   * @throws {RangeError | TypeError} As `Pool`'s constructor.
   */
  constructor(options: number | ThreadPoolOptions = {}) {
    if (typeof options === "object" && options !== null) {
      for (const key of ["backend", "permissions", "maxHeapMb", "maxFrameBytes"]) {
        if (key in options) {
          throw new TypeError(
            `A ThreadPool runs its tasks on this event loop, so it takes no \`${key}\` (got ${
              describe((options as Record<string, unknown>)[key])
            }): use mp.Pool for worker or subprocess children`,
          );
        }
      }
    }
    super(
      typeof options === "number" ? { processes: options, backend: "inline" } : {
        ...options,
        backend: "inline",
      },
    );
  }
}
