/**
 * The code of a "worker" child: a module Web Worker.
 *
 * A worker that calls `Deno.exit(n)` or `self.close()`, or dies of an
 * uncaught error, would vanish without telling its parent; this turns each
 * of those into an `exit` message first.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import type {
  BatchMessage,
  ChildMessage,
  OrderMessage,
  ParentMessage,
  ThreadMessage,
} from "../protocol.ts";
import { Batcher, unbatch } from "../transport/batch.ts";
import { stamped } from "../transport/order.ts";
import { fromPost, toPost } from "../transport/post.ts";
import { ChildRuntime, exitOnUncaught, flushBeforeExit } from "./runtime.ts";

/* The worker global, typed here so this module also loads in a program's
 * main module graph (see bootstrap.ts), where the worker lib is not in scope. */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  onmessage:
    | ((
      event: MessageEvent<ParentMessage | BatchMessage<ParentMessage> | OrderMessage | string>,
    ) => void)
    | null;
  close(): void;
}

/*
 * /proc/thread-self names this thread's id (Linux; reading /proc takes
 * Deno's full permissions, so a narrowed worker has none to give).
 */
function threadId(): number | null {
  if (Deno.build.os !== "linux") return null;
  try {
    if (Deno.permissions.querySync({ name: "read", path: "/proc" }).state !== "granted") {
      return null;
    }
    const tid = Number(Deno.readLinkSync("/proc/thread-self").split("/").at(-1));
    return Number.isSafeInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}

/**
 * Turns this worker into a child: its handler is set before any message can
 * arrive.
 *
 * @param after Messages wait until it settles (see `bootstrap.ts`).
 */
export function runWorkerChild(after?: Promise<unknown>): void {
  const scope = globalThis as unknown as WorkerScope;
  const tid = threadId();
  if (tid !== null) scope.postMessage({ t: "thread", tid } satisfies ThreadMessage);
  const realExit = Deno.exit;
  let ended = false;
  // Every post takes its number from the parent's counter (see transport/order.ts).
  let post = (message: object, transfer?: Transferable[]) =>
    transfer === undefined
      ? scope.postMessage(toPost(message))
      : scope.postMessage(message, transfer);
  const out = new Batcher<ChildMessage>(
    (message, transfer) => post(message, transfer),
    setImmediate,
  );

  function end(code: number): never {
    if (!ended) {
      ended = true;
      flushBeforeExit();
      out.send({ t: "exit", code });
    }
    return realExit(code);
  }

  Deno.exit = (code?: number): never => end(code ?? Deno.exitCode);
  scope.close = () => end(Deno.exitCode);

  exitOnUncaught(end);

  const runtime = new ChildRuntime({
    sharesMemory: true,
    send: (message, transfer, now) => out.send(message, transfer, now),
    exit: (code) => end(code),
  });
  const receive = (message: ParentMessage) => runtime.receive(message);
  const early: ParentMessage[] = [];
  let ready = after === undefined;
  scope.onmessage = (event) => {
    const message = fromPost(event.data);
    if (message.t === "order") {
      post = stamped(new Int32Array(message.counter), post);
      return;
    }
    unbatch(message, ready ? receive : (m) => early.push(m));
  };
  after?.then(() => {
    ready = true;
    for (const message of early.splice(0)) runtime.receive(message);
  });
}
