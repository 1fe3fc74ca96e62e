/**
 * The child side of a manager proxy: its store lives in an ancestor, reached
 * over the child's channel (`h` messages on the proxy's link).
 *
 * Writes that cannot fail (`set`, `append`, `reverse`) are not answered.
 * They wait in one outbox shared by every proxy in this child, so the owner
 * gets them in the order they were made, and leave in a microtask queued by
 * the first of them (consecutive writes to one store in one message), or
 * sooner when a call must follow them. A write's promise resolves only once
 * it has left: whatever the child does after awaiting it (a queue put, a
 * pool result, a lock release, exiting) comes after the write. Leaving any
 * later — at the end of the event-loop turn, as queue puts do — would batch
 * awaited writes too, but a pool task's result, sent by the child runtime
 * and not through this outbox, could then overtake them. Calls get exactly
 * one reply each: the owner answers them at once.
 *
 * @module
 */

import { HolderLink, type Upstream, upstream } from "../handles/holder.ts";
import type { LinkTable } from "../handles/links.ts";
import { relayOf } from "../handles/relay.ts";
import { defineHandleType, once } from "../handles/revive.ts";
import type { HandleDescriptor, ManagerReply, ManagerRequest } from "../protocol.ts";
import { deserializeError } from "../remote_error.ts";
import { type CallMethod, type SendMethod, shutDownError, type Target } from "./_checks.ts";
import { makeDict } from "./dict.ts";
import { makeList } from "./list.ts";

/** Writes to one store, made one after another, that travel as one message. */
interface Batch {
  up: Upstream;
  k: number;
  method: SendMethod;
  args: unknown[];
}

/** Writes past this many leave at once: a message stays small, and memory bounded. */
const FLUSH_AT = 2048;

let outbox: Batch[] = [];
let queued = 0;
let scheduled: Promise<void> | null = null;

function enqueue(up: Upstream, k: number, method: SendMethod, args: unknown[]): Promise<void> {
  const last = outbox[outbox.length - 1];
  // A reverse carries no arguments to tell two apart: it never joins another.
  if (last?.k === k && last.method === method && last.up === up && method !== "reverse") {
    for (const arg of args) last.args.push(arg);
  } else outbox.push({ up, k, method, args });
  if (++queued >= FLUSH_AT) return Promise.resolve(flushOutbox());
  return scheduled ??= Promise.resolve().then(() => {
    scheduled = null;
    return flushOutbox();
  });
}

/**
 * Sends every waiting write, oldest first.
 *
 * @returns A promise while the transport's backlog is past its high-water mark.
 */
function flushOutbox(): Promise<void> | void {
  if (queued === 0) return;
  const batches = outbox;
  outbox = [];
  queued = 0;
  let backlog: Promise<void> | void = undefined;
  let failed: unknown;
  for (const { up, k, method, args } of batches) {
    const m: ManagerRequest = { op: "send", method, args };
    try {
      // Its promise says it has left: not held back for the turn's batch.
      backlog = up.send(k, m, undefined, true) ?? backlog;
    } catch (error) {
      // A value this transport cannot carry: the writes around it still go.
      failed ??= error;
    }
  }
  if (failed !== undefined) throw failed;
  return backlog;
}

/** A proxy's way to a store in an ancestor. */
class RemoteTarget implements Target {
  #link: HolderLink<ManagerRequest, ManagerReply>;
  #down = false;

  constructor(k: number) {
    this.#link = new HolderLink(k, {
      // Id 0 is the owner's news that the manager was shut down.
      news: () => (this.#down = true),
      flush: flushOutbox,
    });
  }

  async call(method: CallMethod, args: unknown[]): Promise<unknown> {
    if (this.#down) throw shutDownError();
    // Every earlier write first: a read sees them.
    flushOutbox();
    const reply = await this.#link.request({ op: "call", id: 0, method, args });
    if (reply.op === "ok") return reply.value;
    throw deserializeError(reply.error);
  }

  send(method: SendMethod, args: unknown[]): Promise<void> {
    if (this.#down) return Promise.reject(shutDownError());
    return enqueue(upstream(), this.#link.k, method, args);
  }

  check(): void {
    if (this.#down) throw shutDownError();
  }

  link(links: LinkTable): number {
    return links.link(relayOf(this.#link.k), "rw");
  }
}

defineHandleType<Extract<HandleDescriptor, { kind: "managed" }>>({
  kind: "managed",
  adopt: (d) =>
    once(`m${d.k}`, () => {
      const target = new RemoteTarget(d.k);
      return d.type === "dict" ? makeDict(target) : makeList(target);
    }),
});
