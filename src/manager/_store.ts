/**
 * The owner side of a manager dict or list: the data itself, in the process
 * that created the `Manager`. Proxies in that process call it directly
 * (`LocalTarget`); proxies in children reach it over their links, and it
 * answers each of their calls at once, so none ever waits on a reply that
 * cannot come.
 *
 * @module
 */

import { serializeError } from "../serialize_error.ts";
import type { Link, LinkOwner, LinkTable } from "../handles/links.ts";
import { snapshot } from "../ipc/snapshot.ts";
import type { AnyRequest, ManagerReply, ManagerRequest } from "../protocol.ts";
import {
  type CallMethod,
  type ManagerKey,
  type SendMethod,
  shutDownError,
  type Target,
} from "./_checks.ts";

/** What the stores of one `Manager` share: whether it was shut down. */
export class ManagerState {
  down = false;
  readonly stores = new Set<Store>();

  /** Drops every store's data and tells every child holding one. */
  shutdown(): void {
    if (this.down) return;
    this.down = true;
    for (const store of this.stores) store.close();
    this.stores.clear();
  }
}

/** A dict's or list's data, and the links of the children holding it. */
export class Store implements LinkOwner {
  readonly type: "dict" | "list";
  #state: ManagerState;
  #map = new Map<ManagerKey, unknown>();
  #list: unknown[] = [];
  #links = new Set<Link>();

  /**
   * @param type What it holds.
   * @param state Its manager's state.
   * @param init Checked and copied entries (a dict) or items (a list).
   */
  constructor(type: "dict" | "list", state: ManagerState, init: unknown[]) {
    this.type = type;
    this.#state = state;
    if (type === "list") this.#list = init;
    else this.#set(init);
    state.stores.add(this);
  }

  attach(link: Link): void {
    this.#links.add(link);
  }

  detach(link: Link): void {
    this.#links.delete(link);
  }

  receive(link: Link, message: AnyRequest): void {
    const m = message as ManagerRequest;
    if (m.op === "send") {
      // Checked by the sender; after shutdown the write has nowhere to go. A
      // malformed one is dropped: nothing may throw into the channel's routing.
      if (this.#state.down) return;
      try {
        this.send(m.method as SendMethod, m.args);
      } catch {
        // (Only a message this library never sends gets here.)
      }
      return;
    }
    if (m.op !== "call") return;
    let reply: ManagerReply;
    try {
      reply = { op: "ok", id: m.id, value: this.call(m.method as CallMethod, m.args) };
    } catch (error) {
      reply = { op: "no", id: m.id, error: serializeError(error) };
    }
    try {
      link.send(reply);
    } catch (error) {
      // A value this transport cannot carry (a SharedArrayBuffer to a
      // subprocess, say): the call still gets its one answer.
      link.send({ op: "no", id: m.id, error: serializeError(error) });
    }
  }

  /**
   * Applies a write.
   *
   * @throws {StateError} After shutdown.
   */
  send(method: SendMethod, args: unknown[]): void {
    if (this.#state.down) throw shutDownError();
    switch (method) {
      case "set":
        return this.#set(args);
      case "append":
        for (const item of args) this.#list.push(item);
        return;
      case "reverse":
        this.#list.reverse();
        return;
      default:
        throw new TypeError(`Unknown Manager ${this.type} write ${String(method)}`);
    }
  }

  /**
   * Does an operation that answers. Its result shares values with the store:
   * the caller copies it (a link copies by sending).
   *
   * @throws {StateError} After shutdown.
   * @throws {RangeError} For a list index out of range.
   */
  call(method: CallMethod, args: unknown[]): unknown {
    if (this.#state.down) throw shutDownError();
    const map = this.#map;
    const list = this.#list;
    switch (method) {
      case "get":
        return map.get(args[0] as ManagerKey);
      case "has":
        return map.has(args[0] as ManagerKey);
      case "delete":
        return map.delete(args[0] as ManagerKey);
      case "keys":
        return [...map.keys()];
      case "values":
        return [...map.values()];
      case "entries":
        return [...map.entries()];
      case "size":
        return map.size;
      case "toMap":
        return new Map(map);
      case "at":
        return list[this.#index(args[0] as number)];
      case "put":
        list[this.#index(args[0] as number)] = args[1];
        return undefined;
      case "toArray":
        return list.slice();
      case "length":
        return list.length;
      default:
        throw new TypeError(`Unknown Manager ${this.type} operation ${String(method)}`);
    }
  }

  /** Forgets the data and tells the children holding it (their later calls fail at once). */
  close(): void {
    this.#map = new Map();
    this.#list = [];
    const news: ManagerReply = { op: "no", id: 0, error: serializeError(shutDownError()) };
    for (const link of this.#links) {
      try {
        link.send(news);
      } catch {
        // A channel already gone: that child has nothing left to tell.
      }
    }
  }

  #set(pairs: unknown[]): void {
    for (let i = 0; i < pairs.length; i += 2) this.#map.set(pairs[i] as ManagerKey, pairs[i + 1]);
  }

  #index(index: number): number {
    const n = this.#list.length;
    const i = index < 0 ? index + n : index;
    if (i >= 0 && i < n) return i;
    throw new RangeError(
      n === 0
        ? `Manager list index ${index} is out of range: the list is empty; append() items first`
        : `Manager list index ${index} is out of range for a list of length ${n}: use 0 … ${
          n - 1
        }, or -${n} … -1 to count from the end`,
    );
  }
}

/** A proxy's way to the store in the process that owns it: direct calls. */
export class LocalTarget implements Target {
  #store: Store;
  #state: ManagerState;

  /** @param store The store. @param state Its manager's state. */
  constructor(store: Store, state: ManagerState) {
    this.#store = store;
    this.#state = state;
  }

  call(method: CallMethod, args: unknown[]): Promise<unknown> {
    try {
      const value = this.#store.call(method, args);
      // What a read returns must not share objects with the store.
      return Promise.resolve(
        typeof value === "object" && value !== null ? snapshot(value, "The value read") : value,
      );
    } catch (error) {
      return Promise.reject(error);
    }
  }

  send(method: SendMethod, args: unknown[]): Promise<void> {
    try {
      this.#store.send(method, args);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  check(): void {
    if (this.#state.down) throw shutDownError();
  }

  link(links: LinkTable): number {
    return links.link(this.#store, "rw");
  }
}
