/**
 * Starts a child: the one entry point, with the checks every backend shares
 * (unguarded main code starting children) before the backend's own (see
 * `backend.ts`), and the option checks that do not depend on the backend.
 *
 * @module
 */

import { targetModuleLoading } from "./_guard.ts";
import { mainCodeInChild } from "./_self_exec.ts";
import { DEFAULT_MAX_FRAME_BYTES, MAX_FRAME_LIMIT } from "./codec.ts";
import { StateError } from "./errors.ts";
import { describe } from "./_describe.ts";
import { childBackend, type ChildChannel, type ChildSpec } from "./backend.ts";

/**
 * Where children run: Web Workers in this process, or `deno run` subprocesses.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const backend: mp.Backend = "subprocess";
 * const p = new mp.Process({ target: () => console.log(Deno.pid), backend });
 * p.start();
 * await p.join();
 * ```
 */
export type Backend = "worker" | "subprocess";

/**
 * Checks the `maxFrameBytes` option.
 *
 * @throws {RangeError} Unless it is an integer from 1 to 2³² − 1 (the most a
 * frame's length header can announce).
 */
export function checkMaxFrameBytes(value: unknown): void {
  if (
    !Number.isSafeInteger(value) || (value as number) < 1 || (value as number) > MAX_FRAME_LIMIT
  ) {
    throw new RangeError(
      `Expected \`maxFrameBytes\` to be a positive integer, got ${
        describe(value)
      }: pass a byte count from 1 to ${MAX_FRAME_LIMIT}, or omit it for ${DEFAULT_MAX_FRAME_BYTES}`,
    );
  }
}

/**
 * Checks the `maxHeapMb` option's value (each backend says whether it can
 * honour it: `BackendRules.checkOptions`).
 *
 * @throws {RangeError} Unless it is a positive integer.
 */
export function checkMaxHeapMb(value: unknown): void {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new RangeError(
      `Expected \`maxHeapMb\` to be a positive integer number of MiB, got ${
        describe(value)
      }: pass e.g. 512, or omit it for V8's default`,
    );
  }
}

/**
 * Starts a child and returns its channel.
 *
 * @throws {StateError} For a daemon worker child on a Deno that cannot unref
 * workers, narrowed worker permissions without `--unstable-worker-options`,
 * in a program started as its own child while its main module is still
 * loading, or in a child while it imports a target's module (either way, the
 * program's unguarded main code).
 * @throws {Deno.errors.NotCapable} When permissions would exceed the parent's,
 * or the parent lacks one the backend needs (`ChildBackend.checkParentCanStart`).
 */
export function spawnChannel(spec: ChildSpec & { backend: Backend }): ChildChannel {
  if (mainCodeInChild()) {
    throw new StateError(
      "This program was started as its own child (as a compiled program starts its children) and its main code is starting another child: guard the main code with `if (mp.isMain(import.meta))` instead of `if (import.meta.main)`",
    );
  }
  const loading = targetModuleLoading();
  if (loading !== undefined) {
    throw new StateError(
      `This child is importing ${loading} to run a task, and that module's top-level code is starting another child (each would import the module again, without end): guard the program's main code with \`if (import.meta.main)\` or \`if (mp.isMain(import.meta))\``,
    );
  }
  const backend = childBackend(spec.backend);
  backend.checkParentCanStart();
  const channel = backend.start(spec);
  if (spec.daemon) channel.unref();
  return channel;
}
