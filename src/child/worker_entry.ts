/**
 * Entry point of a "worker" child: the module a worker is started from.
 *
 * @module
 */

import { runWorkerChild } from "./worker_child.ts";

runWorkerChild();
