/**
 * The holder side of the link layer, in a child: how holders reach their
 * owners (`Upstream`), the routing of each owner's messages to the holder on
 * that link, and `HolderLink`, the one request/reply mechanism every holder
 * uses: ids, exactly one reply per request (owners answer every request that
 * has an id, even one abandoned), an abandon on abort, and news (messages
 * without an id) passed to the holder.
 *
 * @module
 */

import type { AnyReply, AnyRequest, DupMessage } from "../protocol.ts";

/** How holders in a child reach their owners. */
export interface Upstream {
  /** Whether this child shares its parent's memory (a worker). */
  readonly sharesMemory: boolean;
  /**
   * Sends a request to the owner on link `k`; returns a promise when the
   * transport's unsent backlog is past its high-water mark (wait before more).
   * With `now`, it leaves at once rather than with the turn's other handle
   * messages: for a sender whose promise says its message has left, before
   * shared memory could tell anyone it did.
   */
  send(k: number, m: AnyRequest, transfer?: Transferable[], now?: boolean): Promise<void> | void;
  /** Asks the parent to open a link for a grandchild (see `relay.ts`). */
  dup(m: DupMessage): void;
  /**
   * Where the transport can write bytes from the sender's own buffer (a
   * subprocess socket): sends now and resolves once the transport has taken
   * every byte, so the sender may reuse its buffer then and no copy is made.
   */
  sendNow?(k: number, m: AnyRequest): Promise<void>;
}

/** Whatever hears from an owner on one link. */
export interface Receiver {
  receive(m: AnyReply): void;
  /** Sends what it buffered; called before the child exits. */
  flush?(): void;
}

const receivers = new Map<number, Receiver>();

let up: Upstream = {
  sharesMemory: false,
  send: () => {
    throw new Error("No channel to the parent");
  },
  dup: () => {
    throw new Error("No channel to the parent");
  },
};

/** Sets how holders in this child reach their owners (the child runtime calls it once). */
export function setUpstream(upstream: Upstream): void {
  up = upstream;
}

/** How holders in this child reach their owners. */
export function upstream(): Upstream {
  return up;
}

/** Routes the owner's messages on link `k` to `receiver`. */
export function listen(k: number, receiver: Receiver): void {
  receivers.set(k, receiver);
}

/** Stops routing link `k`. */
export function unlisten(k: number): void {
  receivers.delete(k);
}

/** Routes an owner's message on link `k` to its holder. */
export function receiveOnLink(k: number, m: AnyReply): void {
  receivers.get(k)?.receive(m);
}

/** Sends what every holder buffered; called before the child exits. */
export function flushHolders(): void {
  for (const r of receivers.values()) r.flush?.();
}

/** How a holder link is told of messages that answer no request, and asked to flush. */
export interface HolderHooks<Rep> {
  /** A message without an id (or id 0): news from the owner. */
  news?(m: Rep): void;
  /** Sends what the holder buffered; called before the child exits. */
  flush?(): void;
}

/** A holder's link to its owner: requests with ids, replies, news. */
export class HolderLink<Req extends AnyRequest, Rep extends AnyReply> implements Receiver {
  readonly k: number;
  #pending = new Map<number, (reply: Rep) => void>();
  #next = 0;
  #hooks: HolderHooks<Rep>;

  /**
   * @param k The link id on this child's channel.
   * @param hooks Where news goes, and what to flush before the child exits.
   */
  constructor(k: number, hooks: HolderHooks<Rep> = {}) {
    this.k = k;
    this.#hooks = hooks;
    listen(k, this);
  }

  /** Sends `m`, which gets no answer; a promise means back-pressure. */
  send(m: Req, transfer?: Transferable[]): Promise<void> | void {
    return up.send(this.k, m, transfer);
  }

  /** Sends `m` now from the sender's own buffers, where the transport can (see `Upstream`). */
  get sendNow(): ((m: Req) => Promise<void>) | undefined {
    const now = up.sendNow;
    return now && ((m) => now(this.k, m));
  }

  /**
   * Sends request `m` under a fresh id and resolves with its one reply. When
   * `signal` fires the owner is asked to give up (`x`); its reply still comes
   * and still settles this.
   *
   * @throws Whatever the transport throws while sending (nothing is left pending).
   */
  request(m: Req & { id: number }, signal?: AbortSignal): Promise<Rep> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = ++this.#next;
    m.id = id;
    let settle!: (reply: Rep) => void;
    const answered = new Promise<Rep>((resolve) => settle = resolve);
    const onAbort = signal && (() => up.send(this.k, { op: "x", id }));
    // Undone as the reply comes, not in a `finally`: that would add turns of
    // microtasks to every round trip (a Connection's recv always has a signal).
    this.#pending.set(
      id,
      onAbort === undefined ? settle : (reply) => {
        signal!.removeEventListener("abort", onAbort);
        settle(reply);
      },
    );
    try {
      up.send(this.k, m);
    } catch (error) {
      this.#pending.delete(id);
      return Promise.reject(error);
    }
    if (onAbort !== undefined) signal!.addEventListener("abort", onAbort);
    return answered;
  }

  receive(m: AnyReply): void {
    const id = (m as { id?: number }).id;
    const settle = id ? this.#pending.get(id) : undefined;
    if (settle === undefined) {
      if (!id) this.#hooks.news?.(m as Rep);
      return;
    }
    this.#pending.delete(id!);
    settle(m as Rep);
  }

  flush(): void {
    this.#hooks.flush?.();
  }
}
