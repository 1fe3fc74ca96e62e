/**
 * The child side of handles: puts a live `Queue`/`Connection` back wherever
 * the parent's message had one (see `share.ts`), routes the owner's replies
 * to it, and sends everything a holder buffered before the child exits.
 * Loaded by the child runtime only when a message carries handles.
 *
 * @module
 */

import { RemoteEnd, type Upstream } from "../ipc/remote.ts";
import type { AnyReply, HandleDescriptor, HandleMessage, HandlePlace } from "../protocol.ts";
import { adoptConnection } from "../connection.ts";
import { adoptQueue } from "../queue.ts";
import { adoptSimpleQueue } from "../simple_queue.ts";
import { adoptSync } from "../sync/_adopt.ts";
import { adoptManaged } from "../manager/_remote.ts";

/** A holder in this child that hears from its owner on one link. */
export interface Receiver {
  receive(m: AnyReply): void;
  /** Sends what it buffered; called before the child exits. */
  flush?(): void;
}

const receivers = new Map<number, Receiver>();
const objects = new Map<string, object>();

/** Routes the owner's messages on link `k` to `receiver`. */
function listen(k: number, receiver: Receiver): void {
  receivers.set(k, receiver);
}
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
  if (d.kind === "sync") return adoptSync(d, up, listen);
  const key = d.kind === "conn" ? `c${d.r}:${d.w}` : `q${d.k}`;
  let object = objects.get(key);
  if (object === undefined) {
    object = d.kind === "managed"
      ? adoptManaged(d, up, listen)
      : d.kind === "conn"
      ? adoptConnection(d.r === null ? null : end(d.r, 0), d.w === null ? null : end(d.w, 0))
      : d.flavor === "simple"
      ? adoptSimpleQueue(end(d.k, 0))
      : adoptQueue(d.flavor, end(d.k, d.maxsize), d.maxsize);
    objects.set(key, object);
  }
  return object;
}

function end(k: number, maxsize: number): RemoteEnd {
  let e = receivers.get(k) as RemoteEnd | undefined;
  if (e === undefined) listen(k, e = new RemoteEnd(k, up, maxsize));
  return e;
}

/** Routes an owner's message to its holder. */
export function receiveHandleMessage(message: HandleMessage<AnyReply>): void {
  receivers.get(message.k)?.receive(message.m);
}

/** Sends what every holder buffered; called before the child exits. */
export function flushHandles(): void {
  for (const r of receivers.values()) r.flush?.();
}
