/**
 * Entry point of a "worker" child: a module Web Worker.
 *
 * A worker that calls `Deno.exit(n)` or `self.close()`, or dies of an
 * uncaught error, would vanish without telling its parent; this entry turns
 * each of those into an `exit` message first.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import type { ChildMessage, ParentMessage } from "../protocol.ts";
import { ChildRuntime, exitOnUncaught, flushBeforeExit } from "./runtime.ts";

const realExit = Deno.exit;
let ended = false;

function end(code: number): never {
  if (!ended) {
    ended = true;
    flushBeforeExit();
    self.postMessage({ t: "exit", code } satisfies ChildMessage);
  }
  return realExit(code);
}

Deno.exit = (code?: number): never => end(code ?? Deno.exitCode);
self.close = () => end(Deno.exitCode);

exitOnUncaught(end);

const runtime = new ChildRuntime({
  send: (message, transfer) =>
    transfer === undefined ? self.postMessage(message) : self.postMessage(message, transfer),
  exit: (code) => end(code),
});
self.onmessage = (event: MessageEvent<ParentMessage>) => runtime.receive(event.data);
