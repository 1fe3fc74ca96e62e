/**
 * `Connection`: one end of a `Pipe()`. Passing an end to a child moves its
 * use there (this process can no longer send or receive on it), but the end
 * can still be passed on again — to one child after another, or to several,
 * as Python duplicates it — and each holder's messages keep their order; the
 * other end sees EOF once it is closed or its holder ends.
 *
 * @module
 */

import { StateError, ValueError } from "./errors.ts";
import { registerShareable } from "./handles/share.ts";
import { closedError } from "./ipc/errors.ts";
import { type End, LocalEnd } from "./ipc/end.ts";
import { waitFor, withClosing } from "./ipc/options.ts";
import { Bytes } from "./ipc/snapshot.ts";
import { readableOf, writableOf } from "./ipc/streams.ts";
import { asBytes, notBytes } from "./connection/_bytes.ts";
import { defineHandleType, once } from "./handles/revive.ts";
import { remoteEnd } from "./ipc/remote.ts";
import type { HandleDescriptor } from "./protocol.ts";
import { describe } from "./_describe.ts";

let adopting: { recv: End | null; send: End | null } | null = null;

/**
 * One end of a {@linkcode Pipe}. Messages are structured-clone copies
 * (`send`/`recv`) or raw bytes (`sendBytes`/`recvBytes`/`recvBytesInto`),
 * received in the order sent.
 *
 * @typeParam T The messages.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const [parentEnd, childEnd] = mp.Pipe<unknown[]>();
 * const p = new mp.Process({
 *   target: async (conn: mp.Connection<unknown[]>) => {
 *     await conn.send([42, null, "hello"]);
 *     conn.close();
 *   },
 *   args: [childEnd],
 * });
 * p.start();
 * console.log(await parentEnd.recv()); // [42, null, "hello"]
 * await p.join();
 * ```
 */
export class Connection<T = unknown> {
  #recv: End | null;
  #send: End | null;
  #state: "open" | "closed" | "moved" = "open";
  #movedTo = "";
  #closing = new AbortController();
  #readable: ReadableStream<T | Uint8Array> | undefined;
  #writable: WritableStream<T> | undefined;

  /**
   * Not for direct use: connections come from {@linkcode Pipe}.
   *
   * @throws {TypeError} Always, when called directly.
   */
  constructor() {
    if (adopting === null) {
      throw new TypeError("Connections are made in pairs by mp.Pipe(), not with new Connection()");
    }
    this.#recv = adopting.recv;
    this.#send = adopting.send;
    adopting = null;
    registerShareable(this, {
      check: () => {
        if (this.#state === "closed") throw this.#unusable();
      },
      share: (links, holder) => {
        const r = this.#recv === null ? null : links.link(this.#recv.owner, "r");
        const w = this.#send === null ? null : links.link(this.#send.owner, "w");
        if (this.#state === "open") {
          this.#state = "moved";
          this.#movedTo = holder;
          this.#closing.abort(this.#unusable());
          this.#recv?.passOn("r");
          this.#send?.passOn("w");
        }
        return { kind: "conn", r, w };
      },
    });
  }

  /** Whether this end was closed (or moved to a child). */
  get closed(): boolean {
    return this.#state !== "open";
  }

  /**
   * A `ReadableStream` of the messages this end receives, one `recv()` per
   * read; it ends at EOF.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe<string>();
   * await a.send("x");
   * a.close();
   * console.log(await Array.fromAsync(b.readable)); // ["x"]
   * ```
   */
  get readable(): ReadableStream<T | Uint8Array> {
    return this.#readable ??= readableOf((signal) => this.recv({ signal }));
  }

  /**
   * A `WritableStream` that sends each chunk; closing it ends this end's
   * sending side, so the other end reads EOF once drained, while this end
   * may still receive.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe<number>();
   * await ReadableStream.from([1, 2]).pipeTo(a.writable);
   * console.log(await Array.fromAsync(b.readable)); // [1, 2]
   * ```
   */
  get writable(): WritableStream<T> {
    return this.#writable ??= writableOf((chunk) => this.send(chunk), () => this.#endSending());
  }

  /**
   * Sends a structured-clone copy of `message`.
   *
   * @param message A structured-cloneable value.
   * @returns Resolves once the message is handed to the transport.
   * @throws {StateError} On a closed, moved or receive-only end.
   * @throws {DOMException} `DataCloneError` when `message` cannot be cloned; nothing is sent.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe<string>();
   * await a.send("hi");
   * console.log(await b.recv()); // "hi"
   * ```
   */
  send(message: T): Promise<void> {
    try {
      const end = this.#sending();
      return Promise.resolve(end.put(end.snapshot(message, "The message"), -1));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Receives the next message; a message sent with `sendBytes()` comes as a
   * `Uint8Array`.
   *
   * @param options `timeout` (ms) to fail with `EmptyError` instead of
   * waiting without limit; `signal` to stop waiting (nothing is taken).
   * @returns The message.
   * @throws {EOFError} When the other end is closed (or its process ended) and nothing is left to receive.
   * @throws {EmptyError} When `timeout` passes first.
   * @throws {RangeError} For a bad `timeout`.
   * @throws {StateError} On a closed, moved or send-only end.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe<number>();
   * a.close();
   * await b.recv().catch((e) => console.log(e.name)); // "EOFError"
   * ```
   */
  recv(options?: { timeout?: number; signal?: AbortSignal }): Promise<T | Uint8Array> {
    return this.#get(options, undefined).then((
      item,
    ) => (item instanceof Bytes ? item.data : item as T));
  }

  /**
   * Whether a message (or EOF) is waiting to be received.
   *
   * @param timeout How long to wait for one, in ms; `Infinity` waits without limit.
   * @returns `true` when `recv()` would not wait.
   * @throws {StateError} On a closed, moved or send-only end.
   * @throws {RangeError} For a bad `timeout`.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe<number>();
   * console.log(await b.poll()); // false
   * await a.send(1);
   * console.log(await b.poll(100)); // true
   * ```
   */
  poll(timeout = 0): Promise<boolean> {
    try {
      const end = this.#receiving();
      return end.poll(waitFor(timeout), this.#closing.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Sends `size` bytes of `buffer` from byte `offset` as one message. The
   * bytes are copied once, so `buffer` may be reused as soon as this returns.
   *
   * @param buffer The bytes: an `ArrayBuffer` or any typed array / `DataView`.
   * @param offset First byte to send.
   * @param size How many bytes; defaults to the rest of `buffer`.
   * @returns Resolves once the message is handed to the transport.
   * @throws {ValueError} When `offset` or `size` is outside `buffer`.
   * @throws {TypeError} When `buffer` is not binary data.
   * @throws {StateError} On a closed, moved or receive-only end.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe();
   * await a.sendBytes(new TextEncoder().encode("thank you"));
   * console.log(new TextDecoder().decode(await b.recvBytes())); // "thank you"
   * ```
   */
  sendBytes(buffer: ArrayBuffer | ArrayBufferView, offset = 0, size?: number): Promise<void> {
    try {
      const bytes = asBytes(buffer, "buffer");
      const n = bytes.byteLength;
      if (!Number.isInteger(offset) || offset < 0 || offset > n) {
        throw new ValueError(
          `Expected \`offset\` to be an integer from 0 to ${n} (the buffer's byte length), got ${
            describe(offset)
          }`,
        );
      }
      const length = size ?? n - offset;
      if (!Number.isInteger(length) || length < 0 || offset + length > n) {
        throw new ValueError(
          `Expected \`size\` to be an integer from 0 to ${
            n - offset
          } (bytes after offset ${offset}), got ${describe(size)}`,
        );
      }
      const end = this.#sending();
      return Promise.resolve(end.putBytes(bytes.subarray(offset, offset + length)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Receives the next message, which must have been sent with `sendBytes()`.
   * Unlike Python, a message that is too long (or not bytes) stays readable.
   *
   * @param maxlength Longest message accepted, in bytes.
   * @returns The bytes.
   * @throws {ValueError} When the message is longer than `maxlength`, or was sent with `send()`; it stays in the pipe.
   * @throws {EOFError} When the other end is closed and nothing is left to receive.
   * @throws {StateError} On a closed, moved or send-only end.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe();
   * await a.sendBytes(new Uint8Array(100));
   * await b.recvBytes(10).catch((e) => console.log(e.name)); // "ValueError"
   * console.log((await b.recvBytes()).length); // 100
   * ```
   */
  recvBytes(maxlength?: number): Promise<Uint8Array> {
    if (maxlength !== undefined && (!Number.isInteger(maxlength) || maxlength < 0)) {
      return Promise.reject(
        new ValueError(
          `Expected \`maxlength\` to be a non-negative integer, got ${describe(maxlength)}`,
        ),
      );
    }
    return this.#get(undefined, (item) => {
      const error = notBytes(item);
      if (error !== null) return error;
      const length = (item as Bytes).data.byteLength;
      if (maxlength !== undefined && length > maxlength) {
        return new ValueError(
          `The next message is ${length} bytes, longer than maxlength ${maxlength}; it was left in the pipe: read it with a larger maxlength`,
        );
      }
      return null;
    }).then((item) => (item as Bytes).data);
  }

  /**
   * Receives the next `sendBytes()` message into `buffer` from byte `offset`.
   *
   * @param buffer Where to write: an `ArrayBuffer` or any typed array / `DataView`.
   * @param offset First byte of `buffer` to write.
   * @returns The message's length in bytes.
   * @throws {ValueError} When `offset` is outside `buffer`, or the message does not fit (it then stays in the pipe).
   * @throws {TypeError | EOFError | StateError} As `sendBytes()` and `recvBytes()`.
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a, b] = mp.Pipe();
   * await a.sendBytes(new Int32Array([0, 1, 2, 3, 4]));
   * const into = new Int32Array(10);
   * console.log(await b.recvBytesInto(into)); // 20
   * console.log(Array.from(into)); // [0, 1, 2, 3, 4, 0, 0, 0, 0, 0]
   * ```
   */
  recvBytesInto(buffer: ArrayBuffer | ArrayBufferView, offset = 0): Promise<number> {
    let target: Uint8Array;
    try {
      target = asBytes(buffer, "buffer");
      if (!Number.isInteger(offset) || offset < 0 || offset > target.byteLength) {
        throw new ValueError(
          `Expected \`offset\` to be an integer from 0 to ${target.byteLength} (the buffer's byte length), got ${
            describe(offset)
          }`,
        );
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const room = target.byteLength - offset;
    return this.#get(undefined, (item) => {
      const error = notBytes(item);
      if (error !== null) return error;
      const length = (item as Bytes).data.byteLength;
      if (length > room) {
        return new ValueError(
          `The next message is ${length} bytes but the buffer has ${room} from offset ${offset}; it was left in the pipe: pass a larger buffer`,
        );
      }
      return null;
    }).then((item) => {
      const data = (item as Bytes).data;
      target.set(data, offset);
      return data.byteLength;
    });
  }

  /**
   * Closes this end: the other end reads EOF once it has received what was
   * sent; later calls here fail with `StateError`, as do pending ones.
   *
   * @example
   * ```ts
   * import * as mp from "@mp/multiprocessing";
   * const [a] = mp.Pipe();
   * a.close();
   * console.log(a.closed); // true
   * ```
   */
  close(): void {
    if (this.#state === "closed") return;
    if (this.#state === "moved") {
      // Its holders elsewhere keep their own links; this process lets go of its own.
      this.#state = "closed";
      this.#send?.close();
      this.#recv?.close();
      return;
    }
    this.#state = "closed";
    this.#closing.abort(this.#unusable());
    this.#endSending();
    this.#recv?.close();
  }

  #endSending(): void {
    const send = this.#send;
    if (send === null) return;
    this.#send = null;
    if (send instanceof LocalEnd) send.broker.removeWriter();
    else send.close();
  }

  #get(
    options: { timeout?: number; signal?: AbortSignal } | undefined,
    accept: ((item: unknown) => Error | null) | undefined,
  ): Promise<unknown> {
    try {
      const end = this.#receiving();
      const wait = waitFor(options?.timeout);
      return end.get(wait, withClosing(options?.signal, this.#closing.signal), accept);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #usable(): void {
    if (this.#state !== "open") throw this.#unusable();
  }

  #unusable(): StateError {
    return this.#state === "moved"
      ? new StateError(
        `This Connection was moved to ${this.#movedTo} when it was passed there; use it in that process (it can still be passed on to other children)`,
      )
      : closedError("The connection");
  }

  #sending(): End {
    this.#usable();
    if (this.#send === null) {
      throw new StateError(
        "This end cannot send: it is the receiving end of a one-way Pipe({ duplex: false }), or its writable was closed",
      );
    }
    return this.#send;
  }

  #receiving(): End {
    this.#usable();
    if (this.#recv === null) {
      throw new StateError(
        "This end cannot receive: it is the sending end of a one-way Pipe({ duplex: false })",
      );
    }
    return this.#recv;
  }
}

/** A `Connection` around the given ends (made by `Pipe()`). */
export function connectionOf<T>(recv: End | null, send: End | null): Connection<T> {
  adopting = { recv, send };
  return new Connection<T>();
}

defineHandleType<Extract<HandleDescriptor, { kind: "conn" }>>({
  kind: "conn",
  adopt: ({ r, w }) =>
    once(
      `c${r}:${w}`,
      () => connectionOf(r === null ? null : remoteEnd(r, 0), w === null ? null : remoteEnd(w, 0)),
    ),
});
