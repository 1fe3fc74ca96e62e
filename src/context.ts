/**
 * Who this process is: `currentProcess()`, `parentProcess()`,
 * `activeChildren()`, `cpuCount()` and `isMain()`.
 *
 * The state lives on `globalThis` under a registered symbol, so every copy of
 * the library loaded in one isolate (a task module importing it by another
 * URL, say) sees the same identity.
 *
 * @module
 */

import { isSelfChild } from "./_self_exec.ts";
import type { Process } from "./process.ts";
import type { ProcessInfo } from "./protocol.ts";
import type { Backend } from "./spawn.ts";

interface ContextState {
  self: ProcessInfo;
  parent: ProcessInfo | null;
  nextChild: number;
  children: Set<Process>;
  /** The backend a `Process`, `Pool` or executor uses when given none (see `setStartMethod`). */
  backend?: Backend;
}

const KEY = Symbol.for("@mp/multiprocessing.context");

function state(): ContextState {
  const g = globalThis as unknown as Record<symbol, ContextState | undefined>;
  let s = g[KEY];
  if (s === undefined) {
    s = {
      self: { name: "MainProcess", pid: Deno.pid, ident: "main", daemon: false },
      parent: null,
      nextChild: 1,
      children: new Set(),
    };
    g[KEY] = s;
  }
  return s;
}

/** Installs a child's identity; called once by the child runtime. */
export function enterChild(self: ProcessInfo, parent: ProcessInfo): void {
  const s = state();
  s.self = { ...self, pid: Deno.pid };
  s.parent = parent;
}

/** The backend used when none is given: `"worker"` unless `setStartMethod()` chose another. */
export function defaultBackend(): Backend {
  return state().backend ?? "worker";
}

/** Whether `setStartMethod()` chose the default backend of this process. */
export function defaultBackendSet(): boolean {
  return state().backend !== undefined;
}

/** Sets (or, with `undefined`, forgets) the backend used when none is given. */
export function setDefaultBackend(backend: Backend | undefined): void {
  state().backend = backend;
}

/** The next child identity: `"1"`, `"2"`, ... in the main program; `"1:1"` in child `"1"`. */
export function nextChildIdent(): string {
  const s = state();
  const n = s.nextChild++;
  return s.self.ident === "main" ? String(n) : `${s.self.ident}:${n}`;
}

/** Registers a started child until it ends. */
export function trackChild(child: Process): void {
  state().children.add(child);
}

/** Forgets a child that has ended. */
export function untrackChild(child: Process): void {
  state().children.delete(child);
}

/**
 * What Python does as a process ends: its daemon children are terminated and
 * the others joined. The child runtime waits for it once a `Process` body
 * has returned or thrown, so a grandchild the body did not join still runs
 * to its end.
 */
export async function endChildren(): Promise<void> {
  const children = activeChildren();
  for (const child of children) if (child.daemon) child.terminate();
  for (const child of children) await child.join();
}

/**
 * Whether the module whose `import.meta` is given is the program's main module
 * running in the program's own process: `import.meta.main`, but `false` in
 * the children a program made by `deno compile` starts as itself. Guard a
 * compiled program's main code with it, as Python's `if __name__ ==
 * "__main__":` guards a script's.
 *
 * @param meta The calling module's `import.meta`.
 * @returns `meta.main`, unless this process or worker is such a child.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * export function square(x: number): number {
 *   return x * x;
 * }
 * const T = mp.tasks(import.meta.url, { square });
 *
 * if (mp.isMain(import.meta)) {
 *   await using pool = new mp.Pool({ processes: 2, backend: "subprocess" });
 *   console.log(await pool.map(T.square, [1, 2, 3])); // [1, 4, 9]
 * }
 * ```
 */
export function isMain(meta: ImportMeta): boolean {
  return meta.main && !isSelfChild();
}

/**
 * The process this code runs in: `"MainProcess"` in the main program, the
 * child's own name, ident and daemon flag inside a child.
 *
 * @returns A fresh `{ name, pid, ident, daemon }` object.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * console.log(mp.currentProcess().name); // "MainProcess"
 * ```
 */
export function currentProcess(): ProcessInfo {
  return { ...state().self };
}

/**
 * The process that started this one, or `null` in the main program.
 *
 * @returns A fresh `{ name, pid, ident, daemon }` object, or `null`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * console.log(mp.parentProcess()); // null in the main program
 * ```
 */
export function parentProcess(): ProcessInfo | null {
  const parent = state().parent;
  return parent === null ? null : { ...parent };
}

/**
 * The children of this process that are still running, in start order.
 *
 * @returns The live `Process` objects started by this process.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * console.log(mp.activeChildren().length); // 0
 * ```
 */
export function activeChildren(): Process[] {
  return [...state().children].filter((c) => c.isAlive());
}

/**
 * The number of logical CPUs, the default size of a pool.
 *
 * @returns `navigator.hardwareConcurrency`, at least 1.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * console.log(mp.cpuCount() >= 1); // true
 * ```
 */
export function cpuCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}
