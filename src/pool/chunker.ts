/**
 * How many items go into one message to a worker.
 *
 * An explicit `chunksize` always wins. With a known input length the
 * default is Python's: a quarter of an even share per worker, so every
 * worker gets about four chunks and none idles long at the tail. With an
 * unknown length (a generator) the size adapts: it starts at 1 and follows
 * the measured time per item towards chunks of {@linkcode TARGET_CHUNK_MS},
 * at most doubling per step.
 *
 * @module
 */

/** The run time one chunk should take when its size adapts. */
export const TARGET_CHUNK_MS = 20;
// Past this, per-message cost is already under 0.1 µs an item; bigger chunks
// would only let a lazy call pull further ahead of its consumer.
const MAX_ADAPTIVE = 2048;

/** Picks chunk sizes for one call. */
export class ChunkSizer {
  #explicit: number | undefined;
  #size: number;
  #adaptive: boolean;

  /**
   * @param explicit The caller's `chunksize`, if given.
   * @param total The input's length, when known.
   * @param processes How many workers share the work.
   */
  constructor(explicit: number | undefined, total: number | undefined, processes: number) {
    this.#explicit = explicit;
    this.#size = total === undefined ? 1 : Math.max(1, Math.ceil(total / (4 * processes)));
    this.#adaptive = total === undefined;
  }

  /** Whether sizes follow measured run times (so chunks must be timed). */
  get adaptive(): boolean {
    return this.#adaptive && this.#explicit === undefined;
  }

  /** The size of the next chunk. */
  get size(): number {
    return this.#explicit ?? this.#size;
  }

  /** Learns from a chunk of `items` items that ran for `ms` milliseconds. */
  observe(items: number, ms: number): void {
    if (!this.adaptive || items === 0) return;
    const perItem = Math.max(ms, 0.01) / items;
    const ideal = Math.max(1, Math.min(MAX_ADAPTIVE, Math.round(TARGET_CHUNK_MS / perItem)));
    this.#size = Math.min(ideal, this.#size * 2);
  }
}

/** Below this many items a plain array clones faster than a buffer transfers. */
const PACK_MIN = 32;

/**
 * Packs a chunk for sending: a `Float64Array` when every item is a number
 * (one transferred buffer instead of a clone per item; exact for every
 * number, `-0` and `NaN` included), otherwise the items as they are.
 */
export function packItems(items: readonly unknown[]): unknown[] | Float64Array {
  const n = items.length;
  if (n < PACK_MIN) return items as unknown[];
  for (let i = 0; i < n; i++) if (typeof items[i] !== "number") return items as unknown[];
  return Float64Array.from(items as number[]);
}
