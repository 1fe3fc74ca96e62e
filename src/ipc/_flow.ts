/**
 * Flow control for `sendBytes()` towards a child: a pipe direction whose
 * reading end was passed to a child counts the bytes sent and not yet
 * acknowledged, and a sender waits while more than `HIGH_WATER` are — as a
 * Python sender blocks on a full pipe — so the copies come back to be reused
 * (see `_recycle.ts`) instead of piling up. The wait never hangs: it ends once
 * the reader has taken enough, when no reader is left, or after `STALL_MS`
 * without the reader taking anything.
 *
 * @module
 */

import { recycle } from "./_recycle.ts";
import { Bytes } from "./snapshot.ts";

const HIGH_WATER = 8 * 1024 * 1024;
const LOW_WATER = HIGH_WATER / 2;
const STALL_MS = 1000;

/** One pipe direction's bytes in flight to readers in children. */
export class BytesFlow {
  #bytes = 0;
  #readers = 0;
  /** Whether this process's own reading end was passed on (it can no longer read). */
  #readerMoved = false;
  #waiting: (() => void)[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Whether any bytes payload is in the store or out with a holder. */
  get carrying(): boolean {
    return this.#bytes > 0;
  }

  /** A `Bytes` item entered the store. */
  add(item: unknown): void {
    if (item instanceof Bytes) this.#bytes += item.data.byteLength;
  }

  /**
   * A `Bytes` item left for good: handed to code in this process (`reuse`
   * false), or acknowledged by the child it was sent to, which has its own
   * copy (`reuse` true).
   */
  gone(item: unknown, reuse: boolean): void {
    if (!(item instanceof Bytes)) return;
    this.#bytes -= item.data.byteLength;
    if (reuse) recycle(item.data);
    if (this.#bytes <= LOW_WATER) this.#release();
    else this.#rearm();
  }

  /** A reader in a child was attached (`1`) or is gone (`-1`). */
  readers(change: 1 | -1): void {
    this.#readers += change;
    if (this.#readers === 0) this.#release();
  }

  /** This process's reading end was passed to a child. */
  readerMoved(): void {
    this.#readerMoved = true;
  }

  /** A promise while the sender should wait (see the module doc), else `undefined`. */
  room(): Promise<void> | undefined {
    if (!this.#readerMoved || this.#readers === 0 || this.#bytes <= HIGH_WATER) return undefined;
    const waited = new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#timer ??= this.#stallTimer();
    return waited;
  }

  #release(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }

  /** The reader took something: the stall clock starts again. */
  #rearm(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = this.#stallTimer();
  }

  #stallTimer(): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      this.#timer = undefined;
      this.#release();
    }, STALL_MS);
  }
}
