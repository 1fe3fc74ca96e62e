/**
 * The owner side of the link layer: a child channel's links, one per
 * (owner, role) the child was given, each a numbered path between a holder
 * in the child and the object's owner here. Handle messages (`t: "h"`) from
 * the child are routed to the owner before anyone else sees them; `hd` opens
 * a link for a grandchild the child passed a handle on to (see `relay.ts`);
 * a `c` request, or the child's end, detaches its links, which returns what
 * they were handed and did not consume and ends a pipe they wrote to.
 *
 * @module
 */

import type { AnyReply, AnyRequest, ChildMessage, DupMessage } from "../protocol.ts";
import type { Channel } from "../transport/channel.ts";

/** A holder in a child (or further down), as its owner sees it. */
export interface Link {
  /** Sends a reply down the link. */
  send(reply: AnyReply): void;
  /** `"r"`/`"w"` for a pipe end's read or write side; `"rw"` otherwise. */
  readonly role: "r" | "w" | "rw";
  /** Who holds it, for messages. */
  readonly holder: string;
  /** Whether the holder shares this process's memory (a worker, or a worker's worker). */
  readonly sharesMemory: boolean;
  /** The same object for every link of one holder process. */
  readonly group: object;
  /** The holder identity a relaying child gave it in shared memory (sync objects). */
  readonly me?: number;
}

/**
 * What holds the state behind links: a queue's or pipe's `Broker`, a sync
 * object's `SyncOwner`, a manager's store, or a `Relay` in a child that
 * passes on what it holds. It hears of every link opened to it, every
 * request on one, and every link whose holder is gone.
 */
export interface LinkOwner {
  attach(link: Link): void;
  detach(link: Link): void;
  receive(link: Link, m: AnyRequest): void;
}

interface ChannelLink extends Link {
  readonly k: number;
  readonly owner: LinkOwner;
}

const tables = new WeakMap<Channel, LinkTable>();
const groupNumbers = new WeakMap<object, number>();
let lastGroup = 0;

/** A number for `group`, unique in this process (how a relay names a grandchild upstream). */
export function groupNumber(group: object): number {
  let n = groupNumbers.get(group);
  if (n === undefined) groupNumbers.set(group, n = ++lastGroup);
  return n;
}

/** The links of one child channel. */
export class LinkTable {
  #channel: Channel;
  #holder: string;
  #links = new Map<number, ChannelLink>();
  #byOwner = new Map<LinkOwner, Map<string, ChannelLink>>();
  /** The child's own children it passed handles on to, by the number it gave them. */
  #groups = new Map<number, object>();
  #next = 0;
  #gone = false;

  /** The table of `channel`, made on first use. */
  static of(channel: Channel, holder: string): LinkTable {
    let table = tables.get(channel);
    if (table === undefined) {
      table = new LinkTable(channel, holder);
      tables.set(channel, table);
    }
    return table;
  }

  /** Whether the child shares this process's memory (a worker). */
  get sharesMemory(): boolean {
    return this.#channel.sharesMemory;
  }

  private constructor(channel: Channel, holder: string) {
    this.#channel = channel;
    this.#holder = holder;
    // Whoever owns the channel sets onMessage, before or after this; handle
    // messages are taken out first either way.
    let inner = channel.onMessage;
    const route = (message: ChildMessage) => {
      if (message.t === "h") this.#receive(message.k, message.m);
      else if (message.t === "hd") this.#dup(message);
      else inner(message);
    };
    Object.defineProperty(channel, "onMessage", {
      get: () => route,
      set: (handler: (message: ChildMessage) => void) => (inner = handler),
      configurable: true,
    });
    channel.exited.then(() => this.#detachAll());
  }

  /**
   * The link id for `owner` in `role` on this channel, made on first use.
   *
   * @param me The holder identity the child gets in shared memory, when the
   * caller picks it (a relaying child; see `Link.me`).
   */
  link(owner: LinkOwner, role: Link["role"], me?: number): number {
    const known = this.#byOwner.get(owner)?.get(role);
    if (known !== undefined) return known.k;
    const k = ++this.#next;
    this.#open(k, owner, role, this, this.#channel.sharesMemory, this.#holder, me);
    return k;
  }

  #open(
    k: number,
    owner: LinkOwner,
    role: Link["role"],
    group: object,
    sharesMemory: boolean,
    holder: string,
    me: number | undefined,
  ): void {
    const channel = this.#channel;
    const link: ChannelLink = {
      k,
      owner,
      role,
      holder,
      sharesMemory,
      group,
      me,
      send: (m) => {
        if (!this.#gone) channel.send({ t: "h", k, m });
      },
    };
    this.#links.set(k, link);
    if (group === this) {
      let roles = this.#byOwner.get(owner);
      if (roles === undefined) this.#byOwner.set(owner, roles = new Map());
      roles.set(role, link);
    }
    owner.attach(link);
    if (this.#gone) owner.detach(link);
  }

  #dup(m: DupMessage): void {
    const of = this.#links.get(m.of);
    if (of === undefined || this.#links.has(m.k)) return;
    let group = this.#groups.get(m.g);
    if (group === undefined) this.#groups.set(m.g, group = {});
    const shares = this.#channel.sharesMemory && m.mem;
    this.#open(m.k, of.owner, of.role, group, shares, `a child of ${this.#holder}`, m.me);
  }

  #receive(k: number, m: AnyRequest): void {
    const link = this.#links.get(k);
    if (link === undefined) return;
    link.owner.receive(link, m);
    // A holder that closed is gone; sending the handle again opens a new link.
    if (m.op === "c") {
      this.#forget(link);
      link.owner.detach(link);
    }
  }

  #forget(link: ChannelLink): void {
    this.#links.delete(link.k);
    const roles = this.#byOwner.get(link.owner);
    if (roles?.get(link.role) === link) roles.delete(link.role);
  }

  #detachAll(): void {
    this.#gone = true;
    for (const link of this.#links.values()) link.owner.detach(link);
    this.#links.clear();
    this.#byOwner.clear();
  }
}
