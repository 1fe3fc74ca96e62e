/**
 * The owner's side of a sync object shared with children. Workers use the
 * shared memory directly; the owner only learns when one ends, to release a
 * lock it held. A subprocess holder sends requests, which the owner carries
 * out on the same memory under the holder's identity, and it gets a fresh
 * copy of the state before every answer (see `_client.ts`).
 *
 * @module
 */

import type { Link, LinkOwner, LinkTable } from "../handles/links.ts";
import type { SyncDescriptor, SyncReply, SyncRequest, SyncType } from "../protocol.ts";
import { serializeError } from "../serialize_error.ts";
import { type Deadline, deadlineOf, quietly } from "./_wait.ts";

/** What a sync object does, on behalf of holder `me` (see `holderId`). */
export interface Core {
  readonly sab: SharedArrayBuffer;
  acquire?(me: number, deadline: Deadline, signal?: AbortSignal): Promise<boolean> | boolean;
  /** @throws When `me` may not release now. */
  release?(me: number): void;
  /** Event, condition or barrier wait: resolves 1/0 (set, notified) or a barrier index. */
  wait?(me: number, deadline: Deadline, signal?: AbortSignal): Promise<number>;
  notify?(me: number, n: number): void;
  abort?(): void;
  reset?(): void;
  put?(i: number, v: number | bigint): void;
  /** Holder `me` ended holding `held` acquisitions made through its link. */
  ended?(me: number, held: number): void;
}

/** The owner's own identity in lock words. */
export const SELF_ID = 1;

/**
 * The last identity given out, in shared memory: a worker that passes an
 * object on to a worker of its own takes the next one from here (see
 * `SyncDescriptor.ids`), so identities stay unique among all holders.
 */
const counter = new Int32Array(new SharedArrayBuffer(4));
counter[0] = SELF_ID;
const ids = new WeakMap<object, number>();

/** A fresh holder identity from `counter` (an owner's, or one a holder received). */
export function nextHolderId(counter: Int32Array): number {
  return Atomics.add(counter, 0, 1) + 1;
}

/** The identity of the holder behind a link: one per holder process, never 0 or `SELF_ID`. */
export function holderId(link: Pick<Link, "group" | "me">): number {
  if (link.me !== undefined) return link.me;
  let id = ids.get(link.group);
  if (id === undefined) ids.set(link.group, id = nextHolderId(counter));
  return id;
}

interface Holding {
  link: Link;
  me: number;
  /** Acquisitions made through the link and not released. */
  held: number;
  /** `put`s applied. */
  puts: number;
  /** The state as last sent to the holder. */
  sent: Uint8Array | null;
  waits: Map<number, AbortController>;
}

/** Sync objects with subprocess holders, by child channel. */
const groups = new WeakMap<object, Set<SyncOwner>>();

/** One sync object's holders in children. */
export class SyncOwner implements LinkOwner {
  readonly core: Core;
  readonly type: SyncType;
  #byGroup = new Map<object, Holding>();

  constructor(core: Core, type: SyncType) {
    this.core = core;
    this.type = type;
  }

  /** Describes the object for the child behind `links`. */
  describe(links: LinkTable): SyncDescriptor {
    const k = links.link(this, "rw");
    const d: SyncDescriptor = { kind: "sync", type: this.type, k, id: holderId({ group: links }) };
    if (links.sharesMemory) {
      d.sab = this.core.sab;
      d.ids = counter.buffer as SharedArrayBuffer;
    } else {
      const holding = this.#byGroup.get(links);
      d.copy = new Uint8Array(this.core.sab).slice();
      if (holding !== undefined) holding.sent = d.copy.slice();
    }
    return d;
  }

  attach(link: Link): void {
    const me = holderId(link);
    this.#byGroup.set(link.group, { link, me, held: 0, puts: 0, sent: null, waits: new Map() });
    if (link.sharesMemory) return;
    let owners = groups.get(link.group);
    if (owners === undefined) groups.set(link.group, owners = new Set());
    owners.add(this);
  }

  detach(link: Link): void {
    const holding = this.#byGroup.get(link.group);
    if (holding === undefined || holding.link !== link) return;
    this.#byGroup.delete(link.group);
    groups.get(link.group)?.delete(this);
    for (const controller of holding.waits.values()) controller.abort();
    this.core.ended?.(holding.me, holding.held);
  }

  receive(link: Link, m: SyncRequest): void {
    const h = this.#byGroup.get(link.group);
    if (h === undefined) return;
    const core = this.core;
    switch (m.op) {
      case "acq":
        return this.#serve(
          h,
          m.id,
          m.wait,
          (deadline, signal) =>
            Promise.resolve(core.acquire!(h.me, deadline, signal)).then((got) => {
              if (!got) return null;
              if (this.#byGroup.get(link.group) === h) h.held++;
              // Won as the holder ended: give it straight back.
              else core.ended?.(h.me, 1);
              return 1;
            }),
        );
      case "wait":
        return this.#serve(
          h,
          m.id,
          m.wait,
          (deadline, signal) => core.wait!(h.me, deadline, signal),
        );
      case "rel":
        if (h.held > 0) h.held--;
        return this.#despiteRaces(() => core.release?.(h.me));
      case "notify":
        return this.#despiteRaces(() => core.notify?.(h.me, m.n));
      case "abort":
        return core.abort?.();
      case "reset":
        return core.reset?.();
      case "put":
        h.puts++;
        // The holder's copy now differs from what was last sent: the next
        // answer must carry the state.
        h.sent = null;
        return core.put?.(m.i, m.v);
      case "x":
        return h.waits.get(m.id)?.abort();
      case "look":
        return this.#refresh(h, true);
    }
  }

  /** A holder checked the call before sending it; a failure here is a race it lost. */
  #despiteRaces(f: () => void): void {
    try {
      f();
    } catch {
      // The holder's own check passed, so the state moved meanwhile; nothing to undo.
    }
  }

  #serve(
    h: Holding,
    id: number,
    wait: number,
    run: (deadline: Deadline, signal: AbortSignal) => Promise<number | null>,
  ): void {
    const controller = new AbortController();
    h.waits.set(id, controller);
    run(deadlineOf(wait), quietly(controller.signal)).then(
      (value) => {
        if (value !== null) return this.#reply(h, { op: "ok", id, value });
        const why = controller.signal.aborted ? "aborted" : "timeout";
        this.#reply(h, { op: "no", id, why });
      },
      (error) => this.#reply(h, { op: "no", id, why: "error", error: serializeError(error) }),
    ).finally(() => h.waits.delete(id));
  }

  /** Sends `reply` after bringing every copy this child holds up to date. */
  #reply(h: Holding, reply: SyncReply): void {
    if (this.#byGroup.get(h.link.group) !== h) return;
    for (const owner of groups.get(h.link.group) ?? []) owner.#refreshGroup(h.link.group);
    h.link.send(reply);
  }

  #refreshGroup(group: object): void {
    const h = this.#byGroup.get(group);
    if (h !== undefined) this.#refresh(h, false);
  }

  #refresh(h: Holding, force: boolean): void {
    const now = new Uint8Array(this.core.sab);
    if (!force && h.sent !== null && equal(now, h.sent)) return;
    const b = now.slice();
    h.sent = b.slice();
    h.link.send({ op: "m", b, n: h.puts });
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
