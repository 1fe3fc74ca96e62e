/**
 * Starts a child on the chosen backend: the one place that picks a
 * transport, its permissions and its `deno run` flags.
 *
 * @module
 */

import { findConfig } from "./_config.ts";
import { StateError } from "./errors.ts";
import { deniedBy, type Permissions, subprocessFlags, workerPermissions } from "./permissions.ts";
import { describe } from "./target.ts";
import type { Channel } from "./transport/channel.ts";
import { SubprocessChannel } from "./transport/subprocess.ts";
import { canUnrefWorker, WorkerChannel } from "./transport/worker.ts";

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

/** What {@linkcode spawnChannel} needs to start a child. */
export interface ChildSpec {
  backend: Backend;
  name: string;
  daemon: boolean;
  permissions: Permissions | undefined;
  /** Module URLs the child will import (task references): granted read access. */
  modules: readonly string[];
  /** Whether the child sends messages back (calls); a one-shot run does not. */
  duplex: boolean;
  /**
   * Where a subprocess child's `deno.json` comes from: `"modules"` looks above
   * the `modules` it will import and skips discovery when none has one;
   * `"cwd"` lets Deno discover it as for the parent (pool workers, whose
   * task modules are not known when they start).
   */
  config: "modules" | "cwd";
}

/** Throws a `TypeError` unless `backend` names a backend. */
export function checkBackend(backend: unknown, allowed: readonly string[]): void {
  if (!allowed.includes(backend as string)) {
    throw new TypeError(
      `Expected \`backend\` to be ${allowed.map((b) => `"${b}"`).join(" or ")}, got ${
        describe(backend)
      }`,
    );
  }
}

/**
 * Starts a child and returns its channel.
 *
 * @throws {StateError} For a daemon worker child on a Deno that cannot unref
 * workers, or narrowed worker permissions without `--unstable-worker-options`.
 * @throws {Deno.errors.NotCapable} When permissions would exceed the parent's.
 */
export function spawnChannel(spec: ChildSpec): Channel {
  let channel: Channel;
  if (spec.backend === "worker") {
    if (spec.daemon && !canUnrefWorker) {
      throw new StateError(
        'This Deno version cannot let a daemon "worker" child leave the parent free to exit: use backend: "subprocess" for daemon children',
      );
    }
    channel = new WorkerChannel({
      name: spec.name,
      permissions: workerPermissions(spec.permissions, spec.modules),
    });
  } else {
    const granted = subprocessFlags(spec.permissions, spec.modules);
    channel = new SubprocessChannel({
      name: spec.name,
      flags: [
        "--no-prompt",
        "--no-lock",
        ...(spec.config === "cwd" ? [] : configFlags(spec.modules)),
        ...granted,
      ],
      denied: deniedBy(granted),
      duplex: spec.duplex,
    });
  }
  if (spec.daemon) channel.unref();
  return channel;
}

const configs = new Map<string, string | null>();

/*
 * Config discovery costs a child ~18 ms of start-up, so it is skipped unless
 * a task module the child imports sits under a deno.json(c), whose import map
 * that module may rely on.
 */
function configFlags(modules: readonly string[]): string[] {
  for (const module of modules) {
    if (!module.startsWith("file:")) continue;
    const dir = new URL(".", module).pathname.replace(/\/$/, "");
    if (!configs.has(dir)) configs.set(dir, findConfig(dir));
    const found = configs.get(dir);
    if (found) return ["--config", found];
  }
  return ["--no-config"];
}
