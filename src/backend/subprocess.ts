/**
 * The `"subprocess"` backend: each child is `deno run …/subprocess_entry.ts`
 * (or, in a compiled program, the program itself), with its own pid, heap
 * and permissions, computed here as `deno run` flags.
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { findConfig } from "../_config.ts";
import { CHILD_ARG, selfExec } from "../_self_exec.ts";
import { DEFAULT_MAX_FRAME_BYTES } from "../codec.ts";
import { deniedBy, granted, subprocessFlags } from "../permissions.ts";
import { ENTRY, SubprocessChannel } from "../transport/subprocess.ts";
import type { BackendOptions, ChildBackend, ChildChannel, ChildSpec } from "../backend.ts";

/** Children as `deno run` processes: own pid and heap, narrowed permissions as flags. */
export const subprocessBackend: ChildBackend = {
  name: "subprocess",
  children: true,

  checkOptions({ maxHeapMb, permissions }: BackendOptions): void {
    if (selfExec() === null) return;
    if (maxHeapMb !== undefined) {
      throw new TypeError(
        "A compiled program starts its subprocess children as itself, with the V8 flags it was compiled with, so `maxHeapMb` cannot reach them: compile with `--v8-flags=--max-old-space-size=<MiB>` instead",
      );
    }
    if (permissions !== undefined && permissions !== "inherit") {
      throw new TypeError(
        'A compiled program starts its subprocess children as itself, with the permissions given to `deno compile`, so `permissions` cannot narrow them: use backend: "worker" (compile with --unstable-worker-options) to narrow a child, or compile the program with fewer permissions',
      );
    }
  },

  // Running Deno (--allow-run) and reading the whole environment it passes on (--allow-env).
  checkParentCanStart(): void {
    const command = selfExec()?.command ?? Deno.execPath();
    if (!granted("run", command)) {
      throw new Deno.errors.NotCapable(
        `The "subprocess" backend starts each child by running ${command}, which this program may not do: add --allow-run (or --allow-run=${command}) to its flags, or use backend: "worker"`,
      );
    }
    if (!granted("env")) {
      throw new Deno.errors.NotCapable(
        'The "subprocess" backend hands this program\'s whole environment to each child, which needs access to all of it: add --allow-env to its flags (a list such as --allow-env=HOME is not enough), or use backend: "worker"',
      );
    }
  },

  start(spec: ChildSpec): ChildChannel {
    const self = selfExec();
    const flags = subprocessFlags(spec.permissions, spec.modules);
    return new SubprocessChannel({
      name: spec.name,
      command: self === null
        ? [
          ...dieWithParent(),
          Deno.execPath(),
          "run",
          "--no-prompt",
          "--no-lock",
          ...configFlags(spec.modules),
          ...flags,
          ...heapFlags(spec.maxHeapMb),
          ENTRY,
        ]
        : [...dieWithParent(), self.command, ...self.args, CHILD_ARG],
      // A child with a permission this process lacks refuses to run.
      denied: deniedBy(flags),
      duplex: spec.duplex,
      maxFrameBytes: spec.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    });
  },
};

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
      Deno.build.os === "linux" && granted("run", SETPRIV) && granted("read", SETPRIV) &&
      Deno.statSync(SETPRIV).isFile
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
