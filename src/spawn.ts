/**
 * Starts a child on the chosen backend: the one place that picks a
 * transport, its permissions and its `deno run` flags.
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { findConfig } from "./_config.ts";
import { targetModuleLoading } from "./_guard.ts";
import { CHILD_ARG, mainCodeInChild, selfExec, WORKER_MARK } from "./_self_exec.ts";
import { DEFAULT_MAX_FRAME_BYTES, MAX_FRAME_LIMIT } from "./codec.ts";
import { StateError } from "./errors.ts";
import { deniedBy, type Permissions, subprocessFlags, workerPermissions } from "./permissions.ts";
import { describe } from "./_describe.ts";
import type { Channel } from "./transport/channel.ts";
import { ENTRY as SUBPROCESS_ENTRY, SubprocessChannel } from "./transport/subprocess.ts";
import { canUnrefWorker, ENTRY as WORKER_ENTRY, WorkerChannel } from "./transport/worker.ts";

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
  /**
   * Module URLs the child will import (task references), or whose project it
   * works for: a narrowed child may read their folders, and a subprocess
   * child uses the `deno.json` that governs the first of them that has one.
   */
  modules: readonly string[];
  /** Whether the child sends messages back (calls); a one-shot run does not. */
  duplex: boolean;
  /** Largest frame a subprocess child may send (see `ProcessOptions.maxFrameBytes`). */
  maxFrameBytes?: number;
  /** A subprocess child's V8 old-space cap in MiB (see `ProcessOptions.maxHeapMb`). */
  maxHeapMb?: number;
}

/** A started child; `fault` says why the parent killed it, if it did. */
export interface ChildChannel extends Channel {
  /** Set when the child broke the protocol and was killed for it. */
  readonly fault?: Error | null;
}

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
 * Checks the `maxHeapMb` option against the backend it is given with.
 *
 * @throws {RangeError} Unless it is a positive integer.
 * @throws {TypeError} With any backend but `"subprocess"`: a worker shares
 * this process's V8 heap settings and Deno offers no per-worker cap.
 */
export function checkMaxHeapMb(value: unknown, backend: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 1) {
    throw new RangeError(
      `Expected \`maxHeapMb\` to be a positive integer number of MiB, got ${
        describe(value)
      }: pass e.g. 512, or omit it for V8's default`,
    );
  }
  if (backend === "worker") {
    throw new TypeError(
      'Deno cannot cap a worker\'s heap: use backend: "subprocess" with `maxHeapMb`',
    );
  }
  if (backend !== "subprocess") {
    throw new TypeError(
      `The "${backend}" backend runs tasks in this process, so \`maxHeapMb\` cannot cap them: use backend: "subprocess"`,
    );
  }
  if (selfExec() !== null) {
    throw new TypeError(
      "A compiled program starts its subprocess children as itself, with the V8 flags it was compiled with, so `maxHeapMb` cannot reach them: compile with `--v8-flags=--max-old-space-size=<MiB>` instead",
    );
  }
}

/**
 * Checks that `permissions` can be given on `backend` in this program.
 *
 * @throws {TypeError} When a compiled program is asked to narrow a
 * subprocess child: it starts as the program itself, whose permissions were
 * fixed by `deno compile`.
 */
export function checkPermissionsHere(permissions: unknown, backend: string): void {
  if (permissions === undefined || permissions === "inherit" || backend !== "subprocess") return;
  if (selfExec() !== null) {
    throw new TypeError(
      'A compiled program starts its subprocess children as itself, with the permissions given to `deno compile`, so `permissions` cannot narrow them: use backend: "worker" (compile with --unstable-worker-options) to narrow a child, or compile the program with fewer permissions',
    );
  }
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

/*
 * Deno reports a missing permission deep inside the start of a child, as a
 * bare "Requires env access" or as a child that dies with exit code 1; asked
 * up front, the error can name the flag to add.
 */
function query(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}

/**
 * Checks that this program holds what starting a child on `backend` needs:
 * for `"subprocess"`, running Deno (`--allow-run`) and reading the whole
 * environment it passes on (`--allow-env`); for `"worker"`, reading the
 * library's own files when they are local (`--allow-read`).
 *
 * @throws {Deno.errors.NotCapable} Naming the flag to add.
 */
function checkParentCanStart(backend: Backend): void {
  const self = selfExec();
  if (backend === "subprocess") {
    const command = self?.command ?? Deno.execPath();
    if (!query({ name: "run", command })) {
      throw new Deno.errors.NotCapable(
        `The "subprocess" backend starts each child by running ${command}, which this program may not do: add --allow-run (or --allow-run=${command}) to its flags, or use backend: "worker"`,
      );
    }
    if (!query({ name: "env" })) {
      throw new Deno.errors.NotCapable(
        'The "subprocess" backend hands this program\'s whole environment to each child, which needs access to all of it: add --allow-env to its flags (a list such as --allow-env=HOME is not enough), or use backend: "worker"',
      );
    }
  } else if (self === null && WORKER_ENTRY.startsWith("file:")) {
    const entry = fileURLToPath(WORKER_ENTRY);
    if (!query({ name: "read", path: entry })) {
      const library = dirname(dirname(dirname(entry)));
      throw new Deno.errors.NotCapable(
        `The "worker" backend starts each child from this library's files, which this program may not read: add --allow-read (or --allow-read=${library}) to its flags, or use backend: "subprocess"`,
      );
    }
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
 * or the parent lacks one the backend needs (see {@linkcode checkParentCanStart}).
 */
export function spawnChannel(spec: ChildSpec): ChildChannel {
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
  checkParentCanStart(spec.backend);
  const self = selfExec();
  let channel: ChildChannel;
  if (spec.backend === "worker") {
    if (spec.daemon && !canUnrefWorker) {
      throw new StateError(
        'This Deno version cannot let a daemon "worker" child leave the parent free to exit: use backend: "subprocess" for daemon children',
      );
    }
    channel = new WorkerChannel({
      name: spec.name,
      permissions: workerPermissions(spec.permissions, spec.modules),
      start: self === null ? undefined : { module: self.module, name: WORKER_MARK + spec.name },
    });
  } else {
    const granted = subprocessFlags(spec.permissions, spec.modules);
    channel = new SubprocessChannel({
      name: spec.name,
      command: self === null
        ? [
          ...dieWithParent(),
          Deno.execPath(),
          "run",
          "--no-prompt",
          "--no-lock",
          ...configFlags(spec.modules),
          ...granted,
          ...heapFlags(spec.maxHeapMb),
          SUBPROCESS_ENTRY,
        ]
        : [...dieWithParent(), self.command, ...self.args, CHILD_ARG],
      // A child with a permission this process lacks refuses to run.
      denied: deniedBy(granted),
      duplex: spec.duplex,
      maxFrameBytes: spec.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
  }
  if (spec.daemon) channel.unref();
  return channel;
}

const SETPRIV = "/usr/bin/setpriv";
let deathSignal: string[] | undefined;

/*
 * A child notices its parent's death when its stdin ends, which a child
 * stuck in a synchronous loop never reads. Linux can instead kill a child
 * when its parent dies (prctl's PR_SET_PDEATHSIG); util-linux's setpriv sets
 * that and execs the child in its place (same pid, ~1 ms), and a grandchild
 * started the same way follows its parent in turn. The signal comes when the
 * thread that started the child ends: a worker child's own subprocess
 * children die with that worker. Elsewhere, or without setpriv or the right
 * to run it, stdin's end is the only watch.
 */
function dieWithParent(): string[] {
  if (deathSignal !== undefined) return deathSignal;
  deathSignal = [];
  try {
    if (
      Deno.build.os === "linux" && query({ name: "run", command: SETPRIV }) &&
      query({ name: "read", path: SETPRIV }) && Deno.statSync(SETPRIV).isFile
    ) {
      deathSignal = [SETPRIV, "--pdeathsig", "KILL"];
    }
  } catch {
    // Not there: stdin's end it is.
  }
  return deathSignal;
}

/*
 * V8's fatal out-of-memory ends the child with SIGTRAP, which the crash path
 * already reports; the cap only needs to reach the child's V8. `deno run`
 * applies every --v8-flags it is given (checked on Deno 2.9), so this one
 * adds to any other rather than replacing it.
 */
function heapFlags(maxHeapMb: number | undefined): string[] {
  return maxHeapMb === undefined ? [] : [`--v8-flags=--max-old-space-size=${maxHeapMb}`];
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
    const dir = dirname(fileURLToPath(module));
    if (!configs.has(dir)) configs.set(dir, findConfig(dir));
    const found = configs.get(dir);
    if (found) return ["--config", found];
  }
  return ["--no-config"];
}
