/**
 * The options of `ProcessPoolExecutor`, its `map()` and its `shutdown()`.
 *
 * @module
 */

import type { Permissions } from "../permissions.ts";
import type { Backend } from "../spawn.ts";
import type { AnyFunction, TaskRef } from "../target.ts";

/**
 * Options of a `ProcessPoolExecutor`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const options: mp.ExecutorOptions = {
 *   maxWorkers: 2,
 *   backend: "subprocess",
 *   initializer: (greeting: string) => console.log(greeting), // once per worker
 *   initargs: ["worker ready"],
 * };
 * await using ex = new mp.ProcessPoolExecutor(options);
 * console.log(await ex.submit((a: number) => a + 1, 41)); // 42
 * ```
 */
export interface ExecutorOptions {
  /**
   * How many tasks run at once, each in a worker of its own.
   * @default {cpuCount()}
   */
  maxWorkers?: number;
  /**
   * `"worker"`: Web Workers in this process; `"subprocess"`: `deno run`
   * children.
   * Unset, the backend `mp.setStartMethod()` chose, else `"worker"`.
   * @default {"worker"}
   */
  backend?: Backend;
  /**
   * What the workers may do; never more than this process may.
   * @default {"inherit"}
   */
  permissions?: Permissions;
  /**
   * Runs once in each worker before its first task, with `initargs`.
   * @default {undefined}
   */
  initializer?: AnyFunction | TaskRef;
  /**
   * Arguments for `initializer`.
   * @default {[]}
   */
  initargs?: unknown[];
  /**
   * A worker is replaced after this many tasks (Python's
   * `max_tasks_per_child`); unset, workers live as long as the executor.
   * @default {undefined}
   */
  maxTasksPerChild?: number;
}

/**
 * Options of `ProcessPoolExecutor.map()`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using ex = new mp.ProcessPoolExecutor(2);
 * const options: mp.ExecutorMapOptions = { timeout: 10_000, chunksize: 50 };
 * let sum = 0;
 * for await (const v of ex.map((x: number) => x * 2, [1, 2, 3], options)) sum += v;
 * console.log(sum); // 12
 * ```
 */
export interface ExecutorMapOptions {
  /**
   * Deadline in milliseconds, counted from the `map()` call: a result not
   * ready by then makes the iteration throw `TimeoutError` and cancels the
   * rest of the map. Unset, no deadline.
   * @default {undefined}
   */
  timeout?: number;
  /**
   * Items sent to a worker at a time. A chunk's results come back together,
   * so raise it for many small items.
   * @default {1}
   */
  chunksize?: number;
}

/**
 * Options of `ProcessPoolExecutor.shutdown()`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const ex = new mp.ProcessPoolExecutor(1);
 * const options: mp.ShutdownOptions = { wait: true, cancelFutures: true };
 * await ex.shutdown(options);
 * ```
 */
export interface ShutdownOptions {
  /**
   * Wait until every pending task has finished and the workers have exited.
   * Either way, pending tasks still run (unless cancelled).
   * @default {true}
   */
  wait?: boolean;
  /**
   * Cancel the tasks that have not started: their promises reject with
   * `CancelledError`. Running tasks always finish.
   * @default {false}
   */
  cancelFutures?: boolean;
}
