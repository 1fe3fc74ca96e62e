/**
 * Entry point of a "subprocess" child, run as
 * `deno run <flags> subprocess_entry.ts <duplex|oneway> <denied permissions>`.
 *
 * The transport imports it statically, so that it is part of every program's
 * module graph (`deno cache`, `--cached-only` runs, JSR installs); only as the
 * main module of `deno run` does it start the child. Not with a top-level
 * `await`: the child runs until it exits, and every module that imports this
 * one (the library, so every task module) would wait for it forever.
 *
 * @module
 */

import { runSubprocessChild } from "./subprocess_child.ts";

if (import.meta.main) runSubprocessChild(Deno.args);
