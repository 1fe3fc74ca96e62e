/**
 * The first module `mod.ts` loads: in a program started as its own child (see
 * `_self_exec.ts`) it turns the process or worker into that child; anywhere
 * else it does nothing.
 *
 * The program's main module still runs in the child (making it wait would
 * also hold up every task module that imports the library), so the program
 * guards its main code with `isMain(import.meta)`. The child reads no message
 * until the main module has finished loading, which makes every child its
 * main code tries to start a sure sign of a missing guard (see `spawn.ts`).
 *
 * @module
 */

import { CHILD_ARG, markSelfChild, WORKER_MARK } from "../_self_exec.ts";
import { runSubprocessChild } from "./subprocess_child.ts";
import { runWorkerChild } from "./worker_child.ts";

/*
 * Importing the module that is being loaded settles when it has finished;
 * if it throws, that error ends the child (Deno reports it) and nothing waits.
 */
function loaded(url: string): Promise<unknown> {
  return import(url).catch(() => new Promise(() => {}));
}

if ("WorkerGlobalScope" in globalThis) {
  const scope = globalThis as unknown as { name: string; location: { href: string } };
  if (scope.name.startsWith(WORKER_MARK)) {
    const main = loaded(scope.location.href);
    markSelfChild(main);
    runWorkerChild(main);
  }
} else if (Deno.args[0] === CHILD_ARG) {
  const main = loaded(Deno.mainModule);
  markSelfChild(main);
  runSubprocessChild(Deno.args.slice(1), main);
}
