/**
 * The child side of handles: puts a live `Queue`/`Connection` back wherever
 * the parent's message had one (see `share.ts`), routes the owner's replies
 * to it, and sends everything a holder buffered before the child exits.
 * Loaded by the child runtime only when a message carries handles.
 *
 * @module
 */

import { RemoteEnd, type Upstream } from "../ipc/remote.ts";
import type { HandleDescriptor, HandleMessage, HandlePlace, OwnerReply } from "../protocol.ts";
import { adoptConnection } from "../pipe.ts";
import { adoptQueue } from "../queue.ts";
import { adoptSimpleQueue } from "../simple_queue.ts";

const ends = new Map<number, RemoteEnd>();
const objects = new Map<string, object>();
let up: Upstream = {
  send: () => {
    throw new Error("No channel to the parent");
  },
};

/** Sets how holders in this child reach their owners. */
export function setUpstream(upstream: Upstream): void {
  up = upstream;
}

/** Puts revived handles at their places in `message`. */
export function reviveHandles(message: { hs?: HandlePlace[] }): void {
  for (const { at, d } of message.hs ?? []) {
    let parent = message as Record<string | number, unknown>;
    for (let i = 0; i < at.length - 1; i++) {
      parent = parent[at[i]] as Record<string | number, unknown>;
    }
    parent[at[at.length - 1]] = revive(d);
  }
}

function revive(d: HandleDescriptor): object {
  const key = d.kind === "queue" ? `q${d.k}` : `c${d.r}:${d.w}`;
  let object = objects.get(key);
  if (object === undefined) {
    object = d.kind === "conn"
      ? adoptConnection(d.r === null ? null : end(d.r, 0), d.w === null ? null : end(d.w, 0))
      : d.flavor === "simple"
      ? adoptSimpleQueue(end(d.k, 0))
      : adoptQueue(d.flavor, end(d.k, d.maxsize), d.maxsize);
    objects.set(key, object);
  }
  return object;
}

function end(k: number, maxsize: number): RemoteEnd {
  let e = ends.get(k);
  if (e === undefined) ends.set(k, e = new RemoteEnd(k, up, maxsize));
  return e;
}

/** Routes an owner's reply to its holder. */
export function receiveHandleMessage(message: HandleMessage<OwnerReply>): void {
  ends.get(message.k)?.receive(message.m);
}

/** Sends what every holder buffered; called before the child exits. */
export function flushHandles(): void {
  for (const e of ends.values()) e.flush();
}
