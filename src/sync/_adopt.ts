/**
 * Turns a `SyncDescriptor` into the object a child uses: on the shared
 * memory itself when the descriptor carries it (a worker), else through a
 * client that asks the owner (a subprocess). Loaded by the child's handle
 * layer.
 *
 * @module
 */

import { relayOf } from "../handles/relay.ts";
import type { LinkTable } from "../handles/links.ts";
import { defineHandleType, once } from "../handles/revive.ts";
import { registerShareable } from "../handles/share.ts";
import type { SyncDescriptor } from "../protocol.ts";
import { SyncClient } from "./_client.ts";
import { LockCore, LockHandle } from "./_lock.ts";
import { nextHolderId } from "./_owner.ts";
import type { Side } from "./_side.ts";
import { adoptBarrier, BarrierCore } from "./barrier.ts";
import { adoptCondition, ConditionCore } from "./condition.ts";
import { adoptEvent, EventCore } from "./event.ts";
import { adoptLock, type Lock, lockHandle, type RLock } from "./lock.ts";
import { adoptSemaphore, SemaphoreCore } from "./semaphore.ts";
import { accessOf, adoptShared, SharedCore } from "./shared.ts";
import type { Typecode } from "./_typecodes.ts";

/** Subprocess-side clients, by link: what a holder passing the object on copies from. */
const clients = new Map<number, SyncClient>();

function adoptSync(d: SyncDescriptor): object {
  return once(`s${d.k}`, () => {
    const object = make(d);
    registerShareable(object, { check: () => {}, share: (links) => passOn(d, links) });
    return object;
  });
}

defineHandleType<SyncDescriptor>({ kind: "sync", adopt: adoptSync });

/**
 * The descriptor for a child of this one: relayed through here, on the
 * memory itself when that child shares it (with an identity from the
 * owner's counter), else with a copy of the state as this child sees it.
 */
function passOn(d: SyncDescriptor, links: LinkTable): SyncDescriptor {
  const shared = d.sab !== undefined && links.sharesMemory;
  const me = shared ? identityOf(links, d.ids!) : undefined;
  const out: SyncDescriptor = {
    kind: "sync",
    type: d.type,
    k: links.link(relayOf(d.k), "rw", me),
    id: me ?? 0,
  };
  if (shared) {
    out.sab = d.sab;
    out.ids = d.ids;
  } else {
    out.copy = d.sab !== undefined ? new Uint8Array(d.sab).slice() : clients.get(d.k)!.copy.slice();
  }
  if (d.n !== undefined) out.n = d.n;
  if (d.code !== undefined) out.code = d.code;
  if (d.lock !== undefined) out.lock = passOn(d.lock, links);
  return out;
}

const identities = new WeakMap<LinkTable, Map<SharedArrayBuffer, number>>();

/** One identity per child of this one and owner's counter, for every object it gets. */
function identityOf(links: LinkTable, ids: SharedArrayBuffer): number {
  let byCounter = identities.get(links);
  if (byCounter === undefined) identities.set(links, byCounter = new Map());
  let id = byCounter.get(ids);
  if (id === undefined) byCounter.set(ids, id = nextHolderId(new Int32Array(ids)));
  return id;
}

function make(d: SyncDescriptor): object {
  const client = d.sab === undefined ? new SyncClient(d.k, d.copy!) : null;
  if (client !== null) clients.set(d.k, client);
  const side = <C>(core: (sab: SharedArrayBuffer) => C): Side<C> =>
    client === null ? { core: core(d.sab!), me: d.id } : { client };
  const lock = d.lock === undefined ? null : adoptSync(d.lock) as Lock | RLock;
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
