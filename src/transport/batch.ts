/**
 * Handle traffic between a worker and its parent, coalesced: the `h`/`hd`
 * messages sent in one turn of microtasks leave as one `batch` post. Holders
 * send several per exchange (a put, an acknowledgement, the next get), and
 * each post costs a structured clone, a thread wake-up and an event on the
 * other side. Nothing waits: the batch leaves when the sender's microtasks
 * have run, before its event loop turns. Any other message (a result, an
 * exit) sends the pending batch first, then leaves at once, so order holds
 * and a value that cannot be cloned still throws to its sender.
 *
 * @module
 */

import type { BatchMessage } from "../protocol.ts";

/** A batch leaves at once when it holds this many messages (each up to 512 items)... */
const MAX_MESSAGES = 32;
/** ...or moves this many bytes. */
const MAX_BYTES = 1024 * 1024;

/** Coalesces one direction's handle messages per turn. */
export class Batcher<M extends { t: string }> {
  #queue: M[] = [];
  #transfer: Transferable[] = [];
  #transferBytes = 0;
  #post: (message: M | BatchMessage<M>, transfer?: Transferable[]) => void;

  #later: (flush: () => void) => void;

  /**
   * @param post Posts one message (with buffers to transfer, if any).
   * @param later When the queue leaves: `queueMicrotask` (this turn's
   * microtasks), or `setImmediate` (once the turn's microtasks have all run).
   */
  constructor(
    post: (message: M | BatchMessage<M>, transfer?: Transferable[]) => void,
    later: (flush: () => void) => void,
  ) {
    this.#post = post;
    this.#later = later;
  }

  /**
   * Queues a handle message, or sends anything else — or a handle message
   * given `now` — at once (after the queue).
   *
   * @throws {DOMException} `DataCloneError` for a message (not queued) that cannot be cloned.
   */
  send(message: M, transfer?: Transferable[], now = false): void {
    if (now || (message.t !== "h" && message.t !== "hd")) {
      this.flush();
      return transfer === undefined ? this.#post(message) : this.#post(message, transfer);
    }
    this.#queue.push(message);
    if (transfer !== undefined) {
      for (const t of transfer) {
        this.#transfer.push(t);
        this.#transferBytes += (t as ArrayBuffer).byteLength ?? 0;
      }
    }
    // A sender that never yields (a loop of puts) still streams.
    if (this.#queue.length >= MAX_MESSAGES || this.#transferBytes >= MAX_BYTES) this.flush();
    else if (this.#queue.length === 1) this.#later(() => this.flush());
  }

  /** Posts what is queued now. */
  flush(): void {
    const n = this.#queue.length;
    if (n === 0) return;
    const queued = this.#queue;
    const transfer = this.#transfer;
    this.#queue = [];
    this.#transfer = [];
    this.#transferBytes = 0;
    const message = n === 1 ? queued[0] : { t: "batch" as const, ms: queued };
    if (transfer.length === 0) this.#post(message);
    else this.#post(message, transfer);
  }
}

/** Calls `deliver` with each message `message` holds (itself, or a batch's). */
export function unbatch<M>(message: M | BatchMessage<M>, deliver: (message: M) => void): void {
  if ((message as { t: string }).t !== "batch") return deliver(message as M);
  for (const m of (message as BatchMessage<M>).ms) deliver(m);
}
