/**
 * How children start inside a program made by `deno compile`.
 *
 * A compiled program has no `deno run` to start a subprocess child with and
 * no source tree to load the worker entry from: only itself. So there a
 * subprocess child is the program run again with {@linkcode CHILD_ARG} first,
 * and a worker child is the program's main module loaded in a worker whose
 * name starts with {@linkcode WORKER_MARK}. The first module `mod.ts` loads
 * (`child/bootstrap.ts`) sees either mark and becomes the child runtime
 * before any of the program's own code runs.
 *
 * @module
 */

/** The first argument of a program started as its own subprocess child. */
export const CHILD_ARG = "--mp-multiprocessing-child";

/** The start of the name of a worker started from the program's main module. */
export const WORKER_MARK = "mp-multiprocessing-child:";

/** The command that starts this program again, and its main module. */
export interface SelfExec {
  /** The executable. */
  command: string;
  /** Arguments before {@linkcode CHILD_ARG} (none for a compiled program). */
  args: readonly string[];
  /** The module a worker child loads: the program's main module. */
  module: string;
}

let override: SelfExec | null | undefined;
let selfChild = false;
let mainLoaded = false;

/**
 * Records that this process or worker was started as a child of its own
 * program, whose main module has finished loading once `loaded` settles.
 */
export function markSelfChild(loaded: Promise<unknown>): void {
  selfChild = true;
  loaded.then(() => (mainLoaded = true));
}

/** Whether this process or worker was started as a child of its own program. */
export function isSelfChild(): boolean {
  return selfChild;
}

/**
 * True in a child of its own program whose main module is still loading:
 * code that starts children then is the program's unguarded main code.
 */
export function mainCodeInChild(): boolean {
  return selfChild && !mainLoaded;
}

/**
 * How to start this program as its own child, or `null` when children start
 * from the library's entry files (any program not made by `deno compile`).
 */
export function selfExec(): SelfExec | null {
  if (override !== undefined) return override;
  return Deno.build.standalone
    ? { command: Deno.execPath(), args: [], module: Deno.mainModule }
    : null;
}

/**
 * Starts every later child the way a compiled program does, but as `spec`
 * (say `deno run -A app.ts`), so the tests can run that path without a
 * compiled binary; `undefined` goes back to the default.
 */
export function startChildrenAs(spec: SelfExec | null | undefined): void {
  override = spec;
}
