/**
 * A child channel's links: one per (handle, role) the child was given, each
 * a numbered path between the child's holder and the owner's broker. Handle
 * messages (`t: "h"`) from the child are routed here before anyone else sees
 * them; when the child ends, every broker it held is told, which returns what
 * the child had received and not consumed and ends a pipe it wrote to.
 *
 * @module
 */

import { Deque } from "../ipc/_deque.ts";
import type { Link } from "../ipc/broker.ts";
import type { AnyRequest, ChildMessage, HandleMessage } from "../protocol.ts";
import type { Channel } from "../transport/channel.ts";

/**
 * What holds the state behind links: a queue's or pipe's `Broker`, a sync
 * object's `SyncOwner`, a manager's store. It hears of every link opened to
 * it, every request on one, and every link whose child ended.
 */
export interface LinkOwner {
  attach(link: Link): void;
  detach(link: Link): void;
  receive(link: Link, m: AnyRequest): void;
}

interface ChannelLink extends Link {
  readonly k: number;
  readonly broker: LinkOwner;
}

const tables = new WeakMap<Channel, LinkTable>();

/** The links of one child channel. */
export class LinkTable {
  #channel: Channel;
  #holder: string;
  #links = new Map<number, ChannelLink>();
  #byBroker = new Map<LinkOwner, Map<string, ChannelLink>>();
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
      if (message.t === "h") this.#receive(message);
      else inner(message);
    };
    Object.defineProperty(channel, "onMessage", {
      get: () => route,
      set: (handler: (message: ChildMessage) => void) => (inner = handler),
      configurable: true,
    });
    channel.exited.then(() => this.#detachAll());
  }

  /** The link id for `broker` in `role` on this channel, made on first use. */
  link(broker: LinkOwner, role: Link["role"]): number {
    let roles = this.#byBroker.get(broker);
    if (roles === undefined) this.#byBroker.set(broker, roles = new Map());
    const known = roles.get(role);
    if (known !== undefined) return known.k;
    const k = ++this.#next;
    const channel = this.#channel;
    const link: ChannelLink = {
      k,
      broker,
      role,
      lease: new Deque(),
      holder: this.#holder,
      sharesMemory: channel.sharesMemory,
      group: this,
      send: (m) => {
        if (!this.#gone) channel.send({ t: "h", k, m });
      },
    };
    this.#links.set(k, link);
    roles.set(role, link);
    broker.attach(link);
    if (this.#gone) broker.detach(link);
    return k;
  }

  #receive(message: HandleMessage<AnyRequest>): void {
    const link = this.#links.get(message.k);
    if (link === undefined) return;
    link.broker.receive(link, message.m);
    // A holder that closed is gone; sending the handle again opens a new link.
    if (message.m.op === "c") this.#forget(link);
  }

  #forget(link: ChannelLink): void {
    this.#links.delete(link.k);
    this.#byBroker.get(link.broker)?.delete(link.role);
  }

  #detachAll(): void {
    this.#gone = true;
    for (const link of this.#links.values()) link.broker.detach(link);
    this.#links.clear();
    this.#byBroker.clear();
  }
}
