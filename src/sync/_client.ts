/**
 * A subprocess child's side of a sync object: it shares no memory with the
 * owner, so it asks the owner (on its link) to do each change and each wait
 * for it, and reads from a copy of the state that the owner refreshes.
 *
 * The copy is refreshed before every answer the owner sends this child, so
 * whatever a holder reads after an `acquire()` resolves is what the owner
 * had then; reads that find the copy older than `STALE_MS` ask for a fresh
 * one in the background, so a holder polling a value sees changes within a
 * round trip. The holder's own writes apply to its copy at once and are
 * re-applied over any refresh that was sent before the owner had them.
 *
 * @module
 */

import { HolderLink } from "../handles/holder.ts";
import type { SyncReply, SyncRequest } from "../protocol.ts";
import { deserializeError } from "../remote_error.ts";
import { BrokenBarrierError } from "../errors.ts";

const STALE_MS = 5;

/** A request's outcome: `ok` with a value, or how it failed. */
export type Outcome = { ok: true; value: number } | { ok: false; why: string; error?: Error };

type Write = { n: number; i: number; v: number | bigint };

/** One sync object as a subprocess holder sees it. */
export class SyncClient {
  /** The holder's copy of the state. */
  readonly copy: Uint8Array;
  #link: HolderLink<SyncRequest, SyncReply>;
  #writes: Write[] = [];
  #sent = 0;
  #fresh = performance.now();
  #looking = false;
  #apply: (i: number, v: number | bigint) => void = () => {};

  /**
   * @param k The link id on this child's channel.
   * @param copy The state as the owner sent it.
   */
  constructor(k: number, copy: Uint8Array) {
    this.#link = new HolderLink(k, {
      news: (m) => {
        if (m.op === "m") this.#refresh(m.b, m.n);
      },
    });
    // Its own buffer, so typed views over it are aligned.
    this.copy = new Uint8Array(copy.byteLength);
    this.copy.set(copy);
  }

  /** How a `put` changes the copy (a shared value's element write). */
  onWrite(apply: (i: number, v: number | bigint) => void): void {
    this.#apply = apply;
  }

  /** The copy, first asking for a fresh one if it is getting old. */
  read(): Uint8Array {
    if (!this.#looking && performance.now() - this.#fresh > STALE_MS) {
      this.#looking = true;
      this.#link.send({ op: "look" });
    }
    return this.copy;
  }

  /** Sends a request that has no answer. */
  send(m: SyncRequest): void {
    this.#link.send(m);
  }

  /** The link id on this child's channel. */
  get k(): number {
    return this.#link.k;
  }

  /** Writes element `i` here at once and at the owner in order. */
  write(i: number, v: number | bigint): void {
    this.#apply(i, v);
    this.#writes.push({ n: ++this.#sent, i, v });
    this.#link.send({ op: "put", i, v });
  }

  /**
   * Sends request `m` and resolves with the owner's answer. When `signal`
   * fires the owner is told to give up; its answer still comes, and
   * `abandoned` is called if it was a success the caller no longer wants.
   */
  async request(
    m: { op: "acq" | "wait"; wait: number },
    signal?: AbortSignal,
    abandoned?: () => void,
  ): Promise<Outcome> {
    const reply = await this.#link.request({ ...m, id: 0 } as SyncRequest & { id: number }, signal);
    if (signal?.aborted) {
      if (reply.op === "ok") abandoned?.();
      throw signal.reason;
    }
    if (reply.op === "ok") return { ok: true, value: reply.value ?? 1 };
    if (reply.op !== "no") throw new Error(`Unexpected reply ${reply.op}`);
    const error = reply.error === undefined ? undefined : deserializeError(reply.error);
    return { ok: false, why: reply.why, error };
  }

  #refresh(bytes: Uint8Array, applied: number): void {
    this.copy.set(bytes);
    this.#fresh = performance.now();
    this.#looking = false;
    let drop = 0;
    while (drop < this.#writes.length && this.#writes[drop].n <= applied) drop++;
    if (drop > 0) this.#writes.splice(0, drop);
    for (const w of this.#writes) this.#apply(w.i, w.v);
  }
}

/** The error for a barrier wait that failed at the owner. */
export function brokenOf(outcome: { why: string; error?: Error }, what: string): Error {
  return outcome.error ??
    new BrokenBarrierError(`${what} is broken (${outcome.why}): call reset() to use it again`);
}
