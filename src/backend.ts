/**
 * Backends: where children run. Each is one object behind the
 * {@linkcode ChildBackend} interface — what its children can do, the checks
 * of options and of the parent's permissions that belong to it, and how it
 * starts a child and gives back its channel — so `Process`, `Pool` and the
 * handle types never ask which backend they are on. The `"inline"` pool
 * backend has no children: it is a {@linkcode BackendRules} only.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import type { Permissions } from "./permissions.ts";
import type { Channel } from "./transport/channel.ts";
import { inlineBackend } from "./backend/inline.ts";
import { subprocessBackend } from "./backend/subprocess.ts";
import { workerBackend } from "./backend/worker.ts";

/** What {@linkcode ChildBackend.start} needs to start a child. */
export interface ChildSpec {
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

/** The options whose meaning depends on the backend. */
export interface BackendOptions {
  maxHeapMb?: number;
  permissions?: unknown;
}

/** What any backend, with children or without, says about itself. */
export interface BackendRules {
  readonly name: string;
  /** Whether tasks run in children (a `ChildBackend`), not on this event loop. */
  readonly children: boolean;
  /**
   * Refuses an option this backend cannot honour, saying which backend can.
   *
   * @throws {TypeError} Naming the option and the way out.
   */
  checkOptions(options: BackendOptions): void;
}

/** A backend whose tasks run in children it starts. */
export interface ChildBackend extends BackendRules {
  /**
   * Checks that this program holds what starting a child needs.
   *
   * @throws {Deno.errors.NotCapable} Naming the flag to add.
   */
  checkParentCanStart(): void;
  /**
   * Starts a child and returns its channel.
   *
   * @throws {StateError} When this Deno cannot start it as asked.
   * @throws {Deno.errors.NotCapable} When `permissions` would exceed the parent's.
   */
  start(spec: ChildSpec): ChildChannel;
}

const CHILD_BACKENDS: Record<string, ChildBackend> = {
  worker: workerBackend,
  subprocess: subprocessBackend,
};

/**
 * The backend named `name`, which must be one of `allowed`.
 *
 * @throws {TypeError} For any other name.
 */
export function backendOf(name: unknown, allowed: readonly string[]): BackendRules {
  const backend = allowed.includes(name as string)
    ? name === inlineBackend.name ? inlineBackend : CHILD_BACKENDS[name as string]
    : undefined;
  if (backend === undefined) {
    throw new TypeError(
      `Expected \`backend\` to be ${allowed.map((b) => `"${b}"`).join(" or ")}, got ${
        describe(name)
      }`,
    );
  }
  return backend;
}

/** The backend that starts children named `name` (already checked by `backendOf`). */
export function childBackend(name: string): ChildBackend {
  const backend = CHILD_BACKENDS[name];
  if (backend === undefined) throw new TypeError(`"${name}" is not a backend that starts children`);
  return backend;
}
