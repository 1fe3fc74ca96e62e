/**
 * The owner side of a queue or of one direction of a pipe: the items, the
 * waiting getters and putters, and what each child holder has been handed.
 * It lives in the process that created the handle; holders in that process
 * call it directly, holders in children reach it through their links.
 *
 * @module
 */

import { type FullError, ValueError } from "../errors.ts";
import { emptyError, eofError, fullError, joinTimeout } from "./errors.ts";
import type { HolderRequest } from "../protocol.ts";
import type { Link, LinkOwner } from "../handles/links.ts";
import { serializeError } from "../serialize_error.ts";
import { handOut } from "../json.ts";
import { Deque } from "./_deque.ts";
import { BytesFlow } from "./_flow.ts";
import {
  clear,
  enlist,
  type Getter,
  type Joiner,
  type LocalGetter,
  type Putter,
  type Waiting,
} from "./_waiters.ts";
import { Bytes, fromWire, toWire } from "./snapshot.ts";

/** What kind of handle a broker serves. */
export interface BrokerOptions {
  /** 0 for unbounded. */
  maxsize: number;
  /** Counts unfinished items for `taskDone()`/`join()`. */
  joinable: boolean;
  /** A pipe direction: a reader that finds it drained with no writer left gets EOF. */
  pipe: boolean;
}

/** How long to wait: -1 without limit, 0 not at all, else milliseconds. */
export type Wait = number;

/** The items of one queue or pipe direction and everyone waiting on them. */
export class Broker implements LinkOwner {
  readonly options: BrokerOptions;
  #store = new Deque<unknown>();
  #getters: Getter[] = [];
  #putters: Putter[] = [];
  #joiners: Joiner[] = [];
  /** Each holder's link, with the items sent to it and not yet acknowledged, oldest first. */
  #links = new Map<Link, Deque<unknown>>();
  #leased = 0;
  #unfinished = 0;
  #writers: number;
  /** `sendBytes()` payloads in flight to readers in children. */
  readonly flow = new BytesFlow();

  /** @param options What it serves; a pipe direction starts with one writer. */
  constructor(options: BrokerOptions) {
    this.options = options;
    this.#writers = options.pipe ? 1 : 0;
  }

  /** Items neither taken nor acknowledged as consumed. */
  get size(): number {
    return this.#store.length + this.#leased;
  }

  #full(): boolean {
    return this.options.maxsize > 0 && this.size >= this.options.maxsize;
  }

  #eof(): boolean {
    return this.options.pipe && this.#writers === 0;
  }

  // Local holders.

  /**
   * Puts an item (already a snapshot).
   *
   * @throws {FullError} When a bounded queue has no room within `wait`.
   */
  put(item: unknown, wait: Wait, signal?: AbortSignal): Promise<void> | void {
    if (!this.#full() && this.#putters.length === 0) return this.#admit(item);
    if (wait === 0) throw this.#fullError(0);
    return new Promise<void>((resolve, reject) => {
      const putter: Putter = { kind: "local", item, resolve, reject };
      this.#wait(putter, this.#putters, wait, signal, () => reject(this.#fullError(wait)));
    });
  }

  /**
   * Takes the first item, or waits for one.
   *
   * @throws {EmptyError} When nothing arrives within `wait`.
   * @throws {EOFError} A pipe with no writer left, drained.
   */
  get(
    wait: Wait,
    signal?: AbortSignal,
    accept?: (item: unknown) => Error | null,
  ): Promise<unknown> {
    if (this.#getters.length === 0 && this.#store.length > 0) {
      const error = accept?.(this.#store.peek());
      if (error) return Promise.reject(error);
      const item = handOut(this.#store.shift());
      this.flow.gone(item, false);
      this.#pump();
      return Promise.resolve(item);
    }
    if (this.#store.length === 0 && this.#eof()) return Promise.reject(eofError());
    if (wait === 0) return Promise.reject(emptyError(0));
    return new Promise((resolve, reject) => {
      const getter: LocalGetter = { kind: "local", peek: false, accept, resolve, reject };
      this.#wait(getter, this.#getters, wait, signal, () => reject(emptyError(wait)));
    });
  }

  /** Resolves `true` once an item (or EOF) is there, `false` after `wait`. */
  poll(wait: Wait, signal?: AbortSignal): Promise<boolean> {
    if (this.#store.length > 0 || this.#eof()) return Promise.resolve(true);
    if (wait === 0) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      const getter: LocalGetter = {
        kind: "local",
        peek: true,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.#wait(getter, this.#getters, wait, signal, () => resolve(false));
    });
  }

  /**
   * Marks `n` items done.
   *
   * @throws {ValueError} When more are marked done than were put.
   */
  taskDone(n: number): void {
    if (n > this.#unfinished) {
      throw new ValueError(
        `taskDone() was called more times than items were put: ${this.#unfinished} unfinished, ${n} marked done. Call it once per item taken with get()`,
      );
    }
    this.#unfinished -= n;
    if (this.#unfinished === 0) this.#releaseJoiners();
  }

  /**
   * Resolves once every item put so far is marked done.
   *
   * @throws {TimeoutError} When that takes longer than `wait`.
   */
  join(wait: Wait, signal?: AbortSignal): Promise<void> {
    if (this.#unfinished === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const joiner: Joiner = { kind: "local", resolve, reject };
      this.#wait(joiner, this.#joiners, wait, signal, () => reject(joinTimeout(wait)));
    });
  }

  /** A writer end stops writing (closed, moved away, or its holder died). */
  removeWriter(): void {
    if (this.#writers === 0) return;
    this.#writers--;
    if (this.#writers === 0) this.#pump();
  }

  // Links.

  /** A child holds the handle through `link`. */
  attach(link: Link): void {
    this.#links.set(link, new Deque());
    if (link.role === "w") this.#writers++;
    if (link.role === "r") this.flow.readers(1);
  }

  /** The holder behind `link` is gone: what it was handed and did not consume goes back. */
  detach(link: Link): void {
    const lease = this.#links.get(link);
    if (lease === undefined) return;
    this.#links.delete(link);
    this.#requeue(lease);
    for (const list of [this.#getters, this.#putters, this.#joiners] as Waiting[][]) {
      for (let i = list.length - 1; i >= 0; i--) {
        const w = list[i] as Waiting & { kind: string; link?: Link };
        if (w.kind === "link" && w.link === link) {
          clear(w);
          list.splice(i, 1);
        }
      }
    }
    if (link.role === "w") this.removeWriter();
    if (link.role === "r") this.flow.readers(-1);
    this.#pump();
  }

  /** Handles one request from the holder behind `link`. */
  receive(link: Link, m: HolderRequest): void {
    if (!this.#links.has(link)) return;
    switch (m.op) {
      case "f":
        this.#ack(link, m.a);
        for (const item of fromWire(m.items, m.b)) {
          this.#store.push(item);
          this.flow.add(item);
        }
        if (this.options.joinable) this.#unfinished += m.items.length;
        this.#markedDone(link, m.d);
        this.#pump();
        return;
      case "p": {
        const item = m.bytes ? new Bytes(m.item as Uint8Array) : m.item;
        if (!this.#full() && this.#putters.length === 0) {
          this.#admit(item);
          return link.send({ op: "ok", id: m.id });
        }
        if (m.wait === 0) return link.send({ op: "no", id: m.id, why: "full" });
        return this.#wait(
          { kind: "link", link, id: m.id, item },
          this.#putters,
          m.wait,
          undefined,
          () => link.send({ op: "no", id: m.id, why: "full" }),
        );
      }
      case "w":
        this.#ack(link, m.a);
        this.#markedDone(link, m.d);
        if (this.#getters.length === 0 && this.#store.length > 0) {
          return this.#deliver(link, m.id, m.n);
        }
        if (this.#store.length === 0 && this.#eof()) {
          return link.send({ op: "no", id: m.id, why: "eof" });
        }
        if (m.wait === 0) return link.send({ op: "no", id: m.id, why: "empty" });
        return this.#wait(
          { kind: "link", link, id: m.id, n: m.n },
          this.#getters,
          m.wait,
          undefined,
          () => link.send({ op: "no", id: m.id, why: "empty" }),
        );
      case "x":
        return this.#abandon(link, m.id);
      case "a":
        this.#ack(link, m.a);
        return this.#markedDone(link, m.d);
      case "td":
        try {
          this.taskDone(m.n);
          return link.send({ op: "ok", id: m.id });
        } catch (error) {
          return link.send({ op: "no", id: m.id, why: "error", error: serializeError(error) });
        }
      case "j":
        if (this.#unfinished === 0) return link.send({ op: "ok", id: m.id });
        return this.#wait(
          { kind: "link", link, id: m.id },
          this.#joiners,
          m.wait,
          undefined,
          () => link.send({ op: "no", id: m.id, why: "timeout" }),
        );
      case "s":
        return link.send({ op: "ok", id: m.id, value: this.size });
      case "c":
        this.#ack(link, m.a);
        this.#markedDone(link, m.d);
        return this.detach(link);
      case "b": {
        const lease = this.#links.get(link)!;
        this.#requeue(lease);
        return this.#pump();
      }
    }
  }

  #admit(item: unknown): void {
    this.#store.push(item);
    this.flow.add(item);
    if (this.options.joinable) this.#unfinished++;
    this.#pump();
  }

  #deliver(link: Link, id: number, n: number): void {
    const items = this.#store.take(n);
    const lease = this.#links.get(link)!;
    for (const item of items) lease.push(item);
    this.#leased += items.length;
    const wire = toWire(items);
    link.send(
      wire.b === undefined
        ? { op: "i", id, items: wire.items }
        : { op: "i", id, items: wire.items, b: wire.b },
    );
  }

  /*
   * `taskDone()` calls a holder made for items it took itself, sent without
   * waiting for an answer. They can only be too many if another holder
   * marked this holder's items done as well: that one was answered already,
   * so this is said on stderr and counted as far as it goes.
   */
  #markedDone(link: Link, n: number | undefined): void {
    if (!n) return;
    if (n > this.#unfinished) {
      console.error(
        `JoinableQueue: ${link.holder} marked ${n} items it took done, but only ${this.#unfinished} are unfinished: another holder called taskDone() for items it did not take`,
      );
      n = this.#unfinished;
    }
    if (n > 0) this.taskDone(n);
  }

  #ack(link: Link, n: number | undefined): void {
    if (!n) return;
    const lease = this.#links.get(link);
    if (lease === undefined) return;
    const dropped = Math.min(n, lease.length);
    // The holder has its own copies: bytes payloads' buffers can be reused.
    if (this.flow.carrying) { for (const item of lease.take(dropped)) this.flow.gone(item, true); }
    else lease.drop(dropped);
    this.#leased -= dropped;
    this.#pump();
  }

  /** What a link was leased and did not acknowledge goes back to the front, in order. */
  #requeue(lease: Deque<unknown>): void {
    const back = lease.clear();
    this.#leased -= back.length;
    this.#store.unshiftAll(back);
  }

  /** Serves waiting getters and admits waiting putters while it can. */
  #pump(): void {
    for (;;) {
      let progress = false;
      while (this.#getters.length > 0 && (this.#store.length > 0 || this.#eof())) {
        const getter = this.#getters[0];
        if (this.#store.length === 0) {
          this.#getters.shift();
          clear(getter);
          if (getter.kind === "link") getter.link.send({ op: "no", id: getter.id, why: "eof" });
          else if (getter.peek) getter.resolve(true);
          else getter.reject(eofError());
          continue;
        }
        this.#getters.shift();
        clear(getter);
        progress = true;
        if (getter.kind === "link") {
          this.#deliver(getter.link, getter.id, getter.n);
        } else if (getter.peek) {
          getter.resolve(true);
        } else {
          const error = getter.accept?.(this.#store.peek());
          if (error) getter.reject(error);
          else {
            const item = handOut(this.#store.shift());
            this.flow.gone(item, false);
            getter.resolve(item);
          }
        }
      }
      while (this.#putters.length > 0 && !this.#full()) {
        const putter = this.#putters.shift()!;
        clear(putter);
        progress = true;
        this.#store.push(putter.item);
        this.flow.add(putter.item);
        if (this.options.joinable) this.#unfinished++;
        if (putter.kind === "local") putter.resolve();
        else putter.link.send({ op: "ok", id: putter.id });
      }
      if (!progress || this.#getters.length === 0 || this.#store.length === 0) return;
    }
  }

  #releaseJoiners(): void {
    for (const joiner of this.#joiners.splice(0)) {
      clear(joiner);
      if (joiner.kind === "local") joiner.resolve();
      else joiner.link.send({ op: "ok", id: joiner.id });
    }
  }

  #abandon(link: Link, id: number): void {
    for (const list of [this.#getters, this.#putters, this.#joiners] as Waiting[][]) {
      const i = list.findIndex((w) => {
        const x = w as { kind: string; link?: Link; id?: number };
        return x.kind === "link" && x.link === link && x.id === id;
      });
      if (i >= 0) {
        clear(list[i]);
        list.splice(i, 1);
        link.send({ op: "no", id, why: "aborted" });
        return;
      }
    }
  }

  /** Adds `waiter` to `list` until it is served, its time is up, or `signal` aborts. */
  #wait<W extends Waiting>(
    waiter: W,
    list: W[],
    wait: Wait,
    signal: AbortSignal | undefined,
    expire: () => void,
  ): void {
    enlist(waiter, list, wait, signal, expire);
    // Room may have been freed by a consumer in the meantime.
    this.#pump();
  }

  #fullError(wait: Wait): FullError {
    return fullError(this.options.maxsize, wait);
  }
}
