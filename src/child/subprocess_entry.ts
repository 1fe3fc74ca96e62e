/**
 * Entry point of a "subprocess" child, run as
 * `deno run <flags> subprocess_entry.ts <duplex|oneway> <denied permissions>`.
 *
 * @module
 */

import { runSubprocessChild } from "./subprocess_child.ts";

await runSubprocessChild(Deno.args);
