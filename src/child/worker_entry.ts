/**
 * Entry point of a "worker" child: the module a worker is started from.
 *
 * The transport imports it statically, so that it is part of every program's
 * module graph (`deno cache`, `--cached-only` runs, JSR installs); only as a
 * worker's main module does it start the child.
 *
 * @module
 */

import { runWorkerChild } from "./worker_child.ts";

if (import.meta.main) runWorkerChild();
