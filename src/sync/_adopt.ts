/**
 * Turns a `SyncDescriptor` into the object a child uses: on the shared
 * memory itself when the descriptor carries it (a worker), else through a
 * client that asks the owner (a subprocess). Loaded by the child's handle
 * layer.
 *
 * @module
 */

import type { Upstream } from "../ipc/remote.ts";
import type { SyncDescriptor } from "../protocol.ts";
import type { Receiver } from "../handles/revive.ts";
import { SyncClient } from "./_client.ts";
import { LockCore, LockHandle } from "./_lock.ts";
import type { Side } from "./_side.ts";
import { adoptBarrier, BarrierCore } from "./barrier.ts";
import { adoptCondition, ConditionCore } from "./condition.ts";
import { adoptEvent, EventCore } from "./event.ts";
import { adoptLock, type Lock, lockHandle, type RLock } from "./lock.ts";
import { adoptSemaphore, SemaphoreCore } from "./semaphore.ts";
import { accessOf, adoptShared, SharedCore } from "./shared.ts";
import type { Typecode } from "./_typecodes.ts";

const objects = new Map<number, object>();

/** The object for `d`, made once per link. */
export function adoptSync(
  d: SyncDescriptor,
  up: Upstream,
  listen: (k: number, receiver: Receiver) => void,
): object {
  let object = objects.get(d.k);
  if (object === undefined) {
    object = make(d, up, listen);
    objects.set(d.k, object);
  }
  return object;
}

function make(d: SyncDescriptor, up: Upstream, listen: (k: number, r: Receiver) => void): object {
  const client = d.sab === undefined ? new SyncClient(d.k, up, d.copy!) : null;
  if (client !== null) listen(d.k, client);
  const side = <C>(core: (sab: SharedArrayBuffer) => C): Side<C> =>
    client === null ? { core: core(d.sab!), me: d.id } : { client };
  const lock = d.lock === undefined ? null : adoptSync(d.lock, up, listen) as Lock | RLock;
  switch (d.type) {
    case "lock":
    case "rlock": {
      const what = d.type === "lock" ? "Lock" : "RLock";
      return adoptLock(new LockHandle(what, side((sab) => new LockCore(sab, what === "RLock"))));
    }
    case "semaphore":
      return adoptSemaphore(side((sab) => new SemaphoreCore(sab, d.n!)), d.n!);
    case "event": {
      const s = side((sab) => new EventCore(sab));
      s.client?.onWrite((_i, v) => (new Int32Array(s.client.copy.buffer)[0] = v ? 1 : 0));
      return adoptEvent(s);
    }
    case "condition": {
      const lockCore = lockHandle(lock!).core;
      return adoptCondition(side((sab) => new ConditionCore(sab, lockCore!)), lock!);
    }
    case "barrier":
      return adoptBarrier(side((sab) => new BarrierCore(sab)));
    case "value":
    case "array": {
      const code = d.code as Typecode;
      const access = accessOf(side((sab) => new SharedCore(sab, code)), code, d.n!, lock);
      return adoptShared(access, d.type === "array");
    }
  }
}
