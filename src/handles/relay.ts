/**
 * Handles passed on: a child that holds a handle on link `k` and passes it
 * to a child of its own becomes, for that grandchild, the owner of a link
 * whose every request it relays as is. Each grandchild gets a link of its
 * own up to the real owner (`hd`, see `protocol.ts`), so the owner keeps
 * what it handed out, its waiters and its holder identities per grandchild,
 * exactly as for a direct child, and learns when the grandchild is gone
 * (a `c` on that link) or when the relaying child is (all its links end).
 * Relays chain: a grandchild can pass the handle on again.
 *
 * @module
 */

import type { AnyRequest } from "../protocol.ts";
import { listen, unlisten, upstream } from "./holder.ts";
import { groupNumber, type Link, type LinkOwner } from "./links.ts";

const relays = new Map<number, Relay>();
let lastDup = 0;

/** The relay for the handle this child holds on link `k`, made on first use. */
export function relayOf(k: number): LinkOwner {
  let relay = relays.get(k);
  if (relay === undefined) relays.set(k, relay = new Relay(k));
  return relay;
}

class Relay implements LinkOwner {
  readonly #of: number;
  /** Each grandchild's link here → its own link up (negative ids: this child's numbering). */
  #up = new Map<Link, number>();

  constructor(of: number) {
    this.#of = of;
  }

  attach(link: Link): void {
    const k = -++lastDup;
    this.#up.set(link, k);
    listen(k, { receive: (m) => link.send(m) });
    const up = upstream();
    up.dup({
      t: "hd",
      k,
      of: this.#of,
      g: groupNumber(link.group),
      mem: up.sharesMemory && link.sharesMemory,
      me: link.me,
    });
  }

  receive(link: Link, m: AnyRequest): void {
    const k = this.#up.get(link);
    if (k === undefined) return;
    if (m.op === "c") this.#forget(link, k);
    upstream().send(k, m);
  }

  detach(link: Link): void {
    const k = this.#up.get(link);
    if (k === undefined) return;
    this.#forget(link, k);
    upstream().send(k, { op: "c" });
  }

  #forget(link: Link, k: number): void {
    this.#up.delete(link);
    unlisten(k);
  }
}
