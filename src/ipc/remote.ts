/**
 * `RemoteEnd`: a queue or pipe direction held by a child, talking to its
 * owner over the child's channel (`h` messages, see `protocol.ts`).
 *
 * Speed comes from never paying a round trip per item. Puts are coalesced:
 * the first after a quiet spell leaves at once, later ones ride in one
 * message at the end of the turn or every `FLUSH_AT` items. Gets ask for a
 * batch whose size doubles while this holder keeps draining batches quickly
 * and halves when it is slow, so a fast consumer gets hundreds of items per
 * round trip and a slow one never hoards. What a holder received is
 * acknowledged as it consumes it, so the owner can put back what a holder
 * that died had not consumed.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { HolderLink, upstream } from "../handles/holder.ts";
import type { LinkOwner } from "../handles/links.ts";
import { relayOf } from "../handles/relay.ts";
import type { HolderRequest, OwnerReply } from "../protocol.ts";
import { deserializeError } from "../remote_error.ts";
import { handOut } from "../json.ts";
import { Deque } from "./_deque.ts";
import type { Wait } from "./broker.ts";
import { emptyError, eofError, fullError, joinTimeout } from "./errors.ts";
import type { End } from "./end.ts";
import { Bytes, fromWire, snapshot, snapshotText, toWire } from "./snapshot.ts";

const FLUSH_AT = 512;
/** Bytes payloads leave once this many bytes are waiting (a frame stays small). */
const FLUSH_BYTES = 256 * 1024;
const MAX_WINDOW = 1024;
/** A batch drained faster than this means a fast consumer: ask for more next time. */
const FAST_MS = 2;
/** One drained slower than this means a slow consumer: ask for less. */
const SLOW_MS = 50;

/**
 * Holders with consumed items not yet acknowledged. Whatever a holder sends
 * goes after every such acknowledgement (see `#send`), so an owner that hears
 * from a child knows all it consumed before and never hands that out again.
 */
const unacked = new Set<RemoteEnd>();

const ends = new Map<number, RemoteEnd>();

/** This child's end on link `k`, made on first use (a handle sent twice shares it). */
export function remoteEnd(k: number, maxsize: number): RemoteEnd {
  let end = ends.get(k);
  if (end === undefined) ends.set(k, end = new RemoteEnd(k, maxsize));
  return end;
}

/** A child's access to a queue or pipe direction owned by an ancestor. */
export class RemoteEnd implements End {
  readonly k: number;
  #link: HolderLink<HolderRequest, OwnerReply>;
  #maxsize: number;
  #buffer = new Deque<unknown>();
  #consumed = 0;
  /** Items this holder took, and how many of them it marked done. */
  #taken = 0;
  #marked = 0;
  /** Marked done and not yet told. */
  #doneOut = 0;
  #window = 1;
  #lastBatch = 0;
  #batchAt = 0;
  #outbox: unknown[] = [];
  #outBytes = 0;
  #busy = false;
  #timer: ReturnType<typeof setImmediate> | undefined;
  #eof = false;

  /**
   * @param k The link id on this child's channel.
   * @param maxsize The queue's bound (0: unbounded).
   */
  constructor(k: number, maxsize: number) {
    this.k = k;
    this.#link = new HolderLink(k, { flush: () => this.flush() });
    this.#maxsize = maxsize;
  }

  /** Passed on to a child of this one, the handle is relayed from here. */
  get owner(): LinkOwner {
    return relayOf(this.k);
  }

  snapshot(value: unknown, what: string): unknown {
    return upstream().sharesMemory ? snapshot(value, what, true) : snapshotText(value, what);
  }

  put(item: unknown, wait: Wait, signal?: AbortSignal): Promise<void> | void {
    if (this.#maxsize === 0) {
      this.#outbox.push(item);
      if (item instanceof Bytes) this.#outBytes += item.data.byteLength;
      if (this.#outbox.length >= FLUSH_AT || this.#outBytes >= FLUSH_BYTES || !this.#busy) {
        return this.flush();
      }
      return this.#schedule();
    }
    const m: HolderRequest = item instanceof Bytes
      ? { op: "p", id: 0, item: item.data, bytes: true, wait }
      : { op: "p", id: 0, item, wait };
    return this.#request(m, signal).then((reply) => {
      if (reply.op === "ok") return;
      throw this.#failure(reply, wait, signal);
    });
  }

  putBytes(view: Uint8Array): Promise<void> | void {
    const sendNow = this.#link.sendNow;
    if (sendNow === undefined || this.#maxsize > 0) return this.put(new Bytes(view.slice()), -1);
    this.flush();
    const m: HolderRequest = { op: "f", items: [view], b: [0] };
    this.#ackFirst(m);
    return sendNow(m);
  }

  get(
    wait: Wait,
    signal?: AbortSignal,
    accept?: (item: unknown) => Error | null,
  ): Promise<unknown> {
    if (this.#buffer.length > 0) {
      try {
        return Promise.resolve(this.#take(accept));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    // Not `await`: each promise between the reply and the caller is a turn of
    // microtasks on the path of every round trip.
    if (this.#eof) return Promise.reject(eofError());
    return this.#ask(wait, signal).then((reply) => {
      if (this.#got(reply, wait, signal)) return this.#take(accept);
      throw eofError();
    });
  }

  poll(wait: Wait, signal?: AbortSignal): Promise<boolean> {
    if (this.#buffer.length > 0 || this.#eof) return Promise.resolve(true);
    return this.#ask(wait, signal).then((reply) => {
      this.#got(reply, wait, signal);
      return true;
    }).catch((error) => {
      if (error instanceof Error && error.name === "EmptyError") return false;
      throw error;
    });
  }

  async size(): Promise<number> {
    this.flush();
    const reply = await this.#request({ op: "s", id: 0 });
    return reply.op === "ok" ? reply.value ?? 0 : 0;
  }

  taskDone(n: number): Promise<void> | void {
    // Items this holder took and has not marked are surely unfinished at the
    // owner: marking them needs no answer, and the count rides on the next
    // message. Only more than that asks the owner (which may refuse).
    if (this.#taken - this.#marked >= n) {
      this.#marked += n;
      this.#doneOut += n;
      unacked.add(this);
      this.#schedule();
      return;
    }
    return this.#request({ op: "td", id: 0, n }).then((reply) => {
      if (reply.op === "no") throw this.#failure(reply, 0);
    });
  }

  async join(wait: Wait, signal?: AbortSignal): Promise<void> {
    this.flush();
    const reply = await this.#request({ op: "j", id: 0, wait }, signal);
    if (reply.op === "no") throw this.#failure(reply, wait, signal);
  }

  close(): void {
    this.flush();
    // What is still buffered goes back: the owner puts back all it leased and was not acknowledged.
    this.#send({ op: "c" });
    this.#buffer.clear();
  }

  passOn(role: "r" | "w"): void {
    if (role === "w") {
      this.flush();
      return;
    }
    // What this holder buffered goes back to the front, for whoever reads next.
    this.#send({ op: "b" });
    this.#buffer.clear();
    this.#window = 1;
  }

  /** Sends buffered puts and the consumed count now; a promise means back-pressure. */
  flush(): Promise<void> | void {
    if (this.#outbox.length === 0) return this.flushAck();
    const { items, b } = toWire(this.#outbox);
    this.#outbox = [];
    this.#outBytes = 0;
    this.#busy = true;
    this.#schedule();
    if (b === undefined) return this.#send({ op: "f", items });
    return this.#send(
      { op: "f", items, b },
      b.map((i) => (items[i] as Uint8Array).buffer as ArrayBuffer),
    );
  }

  /** Sends the consumed and done counts alone, if any. */
  flushAck(): void {
    unacked.delete(this);
    if (this.#consumed === 0 && this.#doneOut === 0) return;
    const m: HolderRequest = { op: "a" };
    this.#counts(m);
    this.#link.send(m);
  }

  /** Moves the untold consumed and done counts onto `m`. */
  #counts(m: { a?: number; d?: number }): void {
    if (this.#consumed > 0) m.a = this.#consumed;
    if (this.#doneOut > 0) m.d = this.#doneOut;
    this.#consumed = 0;
    this.#doneOut = 0;
  }

  /**
   * Takes the first buffered item.
   *
   * @throws The error `accept` returns for it (the item stays).
   */
  #take(accept: ((item: unknown) => Error | null) | undefined): unknown {
    const error = accept?.(this.#buffer.peek());
    if (error) throw error;
    const item = handOut(this.#buffer.shift());
    this.#consumed++;
    this.#taken++;
    unacked.add(this);
    this.#schedule();
    return item;
  }

  /** Asks the owner for a batch. */
  #ask(wait: Wait, signal?: AbortSignal): Promise<OwnerReply> {
    return this.#request({ op: "w", id: 0, n: this.#nextWindow(), wait }, signal);
  }

  /**
   * Buffers the batch `reply` brings: true when items came, false at EOF.
   *
   * @throws The failure the reply reports, or the signal's reason.
   */
  #got(reply: OwnerReply, wait: Wait, signal?: AbortSignal): boolean {
    if (reply.op === "i") {
      for (const item of fromWire(reply.items, reply.b)) this.#buffer.push(item);
      this.#lastBatch = reply.items.length;
      this.#batchAt = performance.now();
      signal?.throwIfAborted();
      return true;
    }
    if (reply.op === "no" && reply.why === "eof") {
      this.#eof = true;
      return false;
    }
    throw this.#failure(reply, wait, signal);
  }

  #nextWindow(): number {
    const cap = this.#maxsize > 0 ? Math.max(1, this.#maxsize >> 1) : MAX_WINDOW;
    const took = performance.now() - this.#batchAt;
    if (this.#lastBatch >= this.#window && took < FAST_MS) {
      this.#window = Math.min(this.#window * 2, cap);
    } else if (took > SLOW_MS) this.#window = Math.max(1, this.#window >> 1);
    return this.#window;
  }

  /**
   * Sends every other holder's acknowledgement, then this one's — on `m`
   * itself when it can carry one (`f`, `w`, `c`), else alone first.
   */
  #ackFirst(m: HolderRequest): void {
    unacked.delete(this);
    for (const end of unacked) end.flushAck();
    if (this.#consumed === 0 && this.#doneOut === 0) return;
    if (m.op === "f" || m.op === "w" || m.op === "c") this.#counts(m);
    else this.flushAck();
  }

  #send(m: HolderRequest, transfer?: Transferable[]): Promise<void> | void {
    this.#ackFirst(m);
    return this.#link.send(m, transfer);
  }

  /** The owner answers every request; an abort only asks it to answer now. */
  #request(m: HolderRequest & { id: number }, signal?: AbortSignal): Promise<OwnerReply> {
    this.#ackFirst(m);
    return this.#link.request(m, signal);
  }

  #failure(reply: OwnerReply, wait: Wait, signal?: AbortSignal): unknown {
    if (reply.op !== "no") return new Error(`Unexpected reply ${reply.op}`);
    switch (reply.why) {
      case "empty":
        return emptyError(wait);
      case "full":
        return fullError(this.#maxsize, wait);
      case "eof":
        return eofError();
      case "timeout":
        return joinTimeout(wait);
      case "aborted":
        return signal?.reason ?? new DOMException("The operation was aborted", "AbortError");
      default:
        return deserializeError(reply.error!);
    }
  }

  /**
   * Flushes at the end of this turn (once its microtasks have run, so an
   * `await put()` loop still leaves in one message); the holder counts as
   * quiet after an empty one. setImmediate, not setTimeout(…, 0): Deno 2.9
   * runs a zero timeout ~2 ms later, which every round trip would pay.
   */
  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setImmediate(() => {
      this.#timer = undefined;
      if (this.#outbox.length > 0 || this.#consumed > 0 || this.#doneOut > 0) this.flush();
      else this.#busy = false;
    });
  }
}
