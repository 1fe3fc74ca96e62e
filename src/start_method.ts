/**
 * Python's start methods and contexts, mapped onto backends:
 * `setStartMethod()`, `getStartMethod()`, `getAllStartMethods()` and
 * `getContext()`.
 *
 * @module
 */

import { defaultBackend, defaultBackendSet, setDefaultBackend } from "./context.ts";
import { StateError } from "./errors.ts";
import { ProcessPoolExecutor } from "./executor.ts";
import type { ExecutorOptions } from "./executor/options.ts";
import { Pool } from "./pool.ts";
import type { PoolOptions } from "./pool/options.ts";
import { Process, type ProcessOptions } from "./process.ts";
import type { Backend } from "./spawn.ts";
import { describe } from "./_describe.ts";

/**
 * A start method: Python's `"spawn"` and `"forkserver"` (a fresh `deno run`
 * child: the `"subprocess"` backend), or a backend's own name (`"worker"`,
 * `"subprocess"`). Deno cannot fork, so `"fork"` is refused.
 */
export type StartMethod = "spawn" | "forkserver" | Backend;

const BACKEND_OF: Record<StartMethod, Backend> = {
  spawn: "subprocess",
  forkserver: "subprocess",
  worker: "worker",
  subprocess: "subprocess",
};

function backendFor(method: unknown): Backend {
  if (method === "fork") {
    throw new TypeError(
      'Deno cannot fork a process: use "spawn" (a fresh `deno run` child, as Python on macOS and Windows) or "worker" (a Web Worker in this process)',
    );
  }
  const backend = BACKEND_OF[method as StartMethod];
  if (typeof method !== "string" || !Object.hasOwn(BACKEND_OF, method) || backend === undefined) {
    throw new TypeError(
      `Expected a start method, "spawn", "forkserver", "worker" or "subprocess", got ${
        describe(method)
      }`,
    );
  }
  return backend;
}

/**
 * Sets the backend every `Process`, `Pool` and `ProcessPoolExecutor` of this
 * process uses when given none, as Python's `set_start_method`: once, unless
 * `force`.
 *
 * @param method `"spawn"`/`"forkserver"` (subprocess children), `"worker"` or `"subprocess"`.
 * @param options `force` to set it again (`method` `null` then forgets it).
 * @throws {StateError} When it was set already, without `force`.
 * @throws {TypeError} For `"fork"` (Deno cannot fork) or an unknown method.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * mp.setStartMethod("spawn");
 * console.log(mp.getStartMethod()); // "subprocess"
 * mp.setStartMethod(null, { force: true });
 * console.log(mp.getStartMethod()); // "worker"
 * ```
 */
export function setStartMethod(
  method: StartMethod | null,
  options: {
    /**
     * Set it even if it was set before.
     * @default {false}
     */
    force?: boolean;
  } = {},
): void {
  if (defaultBackendSet() && options.force !== true) {
    throw new StateError(
      `The start method was already set to "${defaultBackend()}": pass { force: true } to change it`,
    );
  }
  setDefaultBackend(method === null ? undefined : backendFor(method));
}

/**
 * The backend used when none is given, as Python's `get_start_method`.
 *
 * @returns `"worker"`, unless `setStartMethod()` chose `"subprocess"`.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * console.log(mp.getStartMethod()); // "worker"
 * ```
 */
export function getStartMethod(): Backend {
  return defaultBackend();
}

/**
 * Every start method `setStartMethod()` and `getContext()` take.
 *
 * @returns The method names.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * console.log(mp.getAllStartMethods()); // ["worker", "subprocess", "spawn", "forkserver"]
 * ```
 */
export function getAllStartMethods(): StartMethod[] {
  return ["worker", "subprocess", "spawn", "forkserver"];
}

/**
 * A start method's context, as Python's `get_context()`: `Process`, `Pool`
 * and `ProcessPoolExecutor` that use its backend when given none. Queues,
 * pipes, locks and the rest work with every backend: take them from the
 * module itself.
 */
export interface StartContext {
  /** The backend of this context. */
  readonly backend: Backend;
  /** `Process` with this context's backend by default. */
  readonly Process: typeof Process;
  /** `Pool` with this context's backend by default. */
  readonly Pool: typeof Pool;
  /** `ProcessPoolExecutor` with this context's backend by default. */
  readonly ProcessPoolExecutor: typeof ProcessPoolExecutor;
}

/**
 * The context of a start method, as Python's `get_context`: classes bound to
 * its backend, leaving the program-wide default alone.
 *
 * @param method A start method; unset, the current default.
 * @returns The context.
 * @throws {TypeError} For `"fork"` or an unknown method.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const ctx = mp.getContext("spawn");
 * const p = new ctx.Process({ target: () => {} });
 * console.log(p.backend); // "subprocess"
 * ```
 */
export function getContext(method?: StartMethod): StartContext {
  const backend = method === undefined ? defaultBackend() : backendFor(method);
  return {
    backend,
    Process: class extends Process {
      constructor(options: ProcessOptions = {}) {
        super(withBackend(backend, options));
      }
    } as typeof Process,
    Pool: class extends Pool {
      constructor(
        options: number | PoolOptions = {},
        more?: Omit<PoolOptions, "processes">,
      ) {
        super(...poolArgs(backend, options, more));
      }
    } as typeof Pool,
    ProcessPoolExecutor: class extends ProcessPoolExecutor {
      constructor(options: number | ExecutorOptions = {}) {
        super(
          typeof options === "number"
            ? { maxWorkers: options, backend }
            : withBackend(backend, options),
        );
      }
    } as typeof ProcessPoolExecutor,
  };
}

/** `options` with `backend` when it names none (anything else is left for the constructor to refuse). */
function withBackend<O extends { backend?: unknown }>(backend: Backend, options: O): O {
  return typeof options === "object" && options !== null && options.backend === undefined
    ? { ...options, backend }
    : options;
}

/** A `Pool`'s arguments with `backend` where they name none. */
function poolArgs(
  backend: Backend,
  options: number | PoolOptions,
  more: Omit<PoolOptions, "processes"> | undefined,
): [number | PoolOptions, Omit<PoolOptions, "processes">?] {
  if (typeof options === "number") return [options, { backend, ...more }];
  return more === undefined ? [withBackend(backend, options)] : [options, more];
}
