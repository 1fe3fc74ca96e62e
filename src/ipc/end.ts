/**
 * `End`: what a `Queue`, `SimpleQueue` or `Connection` object talks to — the
 * broker itself in the owning process ({@linkcode LocalEnd}), or a
 * `RemoteEnd` in a child. The public classes only check arguments and
 * translate names; every behaviour lives behind this interface.
 *
 * @module
 */

import type { LinkOwner } from "../handles/links.ts";
import type { Broker, Wait } from "./broker.ts";
import { bufferOf } from "./_recycle.ts";
import { Bytes, snapshot } from "./snapshot.ts";

/** One holder's access to a queue or pipe direction. */
export interface End {
  /** What a link points at when this holder passes the handle to a child. */
  readonly owner: LinkOwner;
  /**
   * The copy of `value` that `put` takes: taken at once, so the caller may
   * change `value` afterwards.
   *
   * @throws {DOMException} `DataCloneError` naming `what` when it cannot be cloned.
   */
  snapshot(value: unknown, what: string): unknown;
  /** Puts a snapshot; resolves (or returns) once it is handed to the transport. */
  put(item: unknown, wait: Wait, signal?: AbortSignal): Promise<void> | void;
  /**
   * Puts a `sendBytes()` payload given as a view of the sender's buffer; it
   * is copied, or handed to the transport before this settles.
   */
  putBytes(view: Uint8Array): Promise<void> | void;
  /** Takes the first item; `accept` may refuse it, which then stays. */
  get(wait: Wait, signal?: AbortSignal, accept?: (item: unknown) => Error | null): Promise<unknown>;
  /** Whether an item (or EOF) is there, waiting up to `wait`. */
  poll(wait: Wait, signal?: AbortSignal): Promise<boolean>;
  /** Items not yet taken (approximate while holders are busy). */
  size(): Promise<number>;
  /** Marks `n` items done (joinable queues). */
  taskDone(n: number): Promise<void> | void;
  /** Waits until every item is done (joinable queues). */
  join(wait: Wait, signal?: AbortSignal): Promise<void>;
  /** This holder is done: sends what it buffered, returns what it did not consume. */
  close(): void;
  /**
   * This holder's `Connection` end was passed to a child, which uses it from
   * now on: a reading side gives back what it buffered and did not consume,
   * a writing side in the owner stops counting as a writer.
   */
  passOn(role: "r" | "w"): void;
}

/** The owning process's access: direct calls on the broker. */
export class LocalEnd implements End {
  /** @param broker The broker this process owns. */
  constructor(readonly broker: Broker) {}

  get owner(): LinkOwner {
    return this.broker;
  }

  snapshot(value: unknown, what: string): unknown {
    return snapshot(value, what, true);
  }

  put(item: unknown, wait: Wait, signal?: AbortSignal): Promise<void> | void {
    return this.broker.put(item, wait, signal);
  }

  putBytes(view: Uint8Array): Promise<void> | void {
    const copy = bufferOf(view.byteLength);
    copy.set(view);
    this.broker.put(new Bytes(copy), -1);
    return this.broker.flow.room();
  }

  get(
    wait: Wait,
    signal?: AbortSignal,
    accept?: (item: unknown) => Error | null,
  ): Promise<unknown> {
    return this.broker.get(wait, signal, accept);
  }

  poll(wait: Wait, signal?: AbortSignal): Promise<boolean> {
    return this.broker.poll(wait, signal);
  }

  size(): Promise<number> {
    return Promise.resolve(this.broker.size);
  }

  taskDone(n: number): void {
    this.broker.taskDone(n);
  }

  join(wait: Wait, signal?: AbortSignal): Promise<void> {
    return this.broker.join(wait, signal);
  }

  close(): void {}

  passOn(role: "r" | "w"): void {
    if (role === "w") this.broker.removeWriter();
    else this.broker.flow.readerMoved();
  }
}
