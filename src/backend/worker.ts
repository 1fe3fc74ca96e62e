/**
 * The `"worker"` backend: each child is a module Web Worker in this process.
 *
 * @module
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { selfExec, WORKER_MARK } from "../_self_exec.ts";
import { StateError } from "../errors.ts";
import { granted, workerPermissions } from "../permissions.ts";
import { canUnrefWorker, ENTRY, WorkerChannel } from "../transport/worker.ts";
import type { BackendOptions, ChildBackend, ChildChannel, ChildSpec } from "../backend.ts";

/** Children as Web Workers: shared memory, this process's pid, no per-child heap cap. */
export const workerBackend: ChildBackend = {
  name: "worker",
  children: true,

  checkOptions({ maxHeapMb }: BackendOptions): void {
    if (maxHeapMb !== undefined) {
      throw new TypeError(
        'Deno cannot cap a worker\'s heap: use backend: "subprocess" with `maxHeapMb`',
      );
    }
  },

  // A worker starts from this library's own files, when they are local.
  checkParentCanStart(): void {
    if (selfExec() !== null || !ENTRY.startsWith("file:")) return;
    const entry = fileURLToPath(ENTRY);
    if (!granted("read", entry)) {
      const library = dirname(dirname(dirname(entry)));
      throw new Deno.errors.NotCapable(
        `The "worker" backend starts each child from this library's files, which this program may not read: add --allow-read (or --allow-read=${library}) to its flags, or use backend: "subprocess"`,
      );
    }
  },

  start(spec: ChildSpec): ChildChannel {
    if (spec.daemon && !canUnrefWorker) {
      throw new StateError(
        'This Deno version cannot let a daemon "worker" child leave the parent free to exit: use backend: "subprocess" for daemon children',
      );
    }
    const self = selfExec();
    return new WorkerChannel({
      name: spec.name,
      permissions: workerPermissions(spec.permissions, spec.modules),
      start: self === null ? undefined : { module: self.module, name: WORKER_MARK + spec.name },
    });
  },
};
