/**
 * One order for everything this process's workers post to it. Deno delivers
 * each worker's messages in order, but messages from two workers in the
 * order its event loop polls them: a worker that writes to a `Manager` dict,
 * then releases a `Lock` in shared memory, could see the next holder's read
 * of the same key handled first. So every post from a worker child takes a
 * number from a counter all of them share with this process (`Atomics.add`,
 * itself ordered with the lock words), and the parent handles posts in
 * number order, holding one back until those before it have come.
 *
 * A number can be taken and never posted only if the worker was terminated
 * between the two (a post that throws sends a `skip` instead): such a hole
 * is passed over after `HOLE_MS`, the only wait this adds.
 *
 * @module
 */

/** How long a missing number may hold back the posts after it. */
const HOLE_MS = 50;

/** The parent side: posts from all its workers, handled in the order they were made. */
export class PostOrder {
  /** The counter every worker child of this process takes numbers from. */
  readonly counter: Int32Array = new Int32Array(new SharedArrayBuffer(4));
  #next = 0;
  #held = new Map<number, () => void>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Handles post `n` now if it is next, else once the posts before it have been handled. */
  arrive(n: number, handle: () => void): void {
    if (n < this.#next) return run(handle);
    if (n > this.#next) {
      this.#held.set(n, handle);
      this.#timer ??= this.#watchHole();
      return;
    }
    run(handle);
    this.#next++;
    this.#drain();
  }

  #drain(): void {
    for (let handle; (handle = this.#held.get(this.#next)) !== undefined; this.#next++) {
      this.#held.delete(this.#next);
      run(handle);
    }
    if (this.#held.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #watchHole(): ReturnType<typeof setTimeout> {
    const waitingFor = this.#next;
    const timer = setTimeout(() => {
      this.#timer = undefined;
      // No progress since: pass over the hole.
      if (this.#next === waitingFor) {
        this.#next = Math.min(...this.#held.keys());
        this.#drain();
      }
      if (this.#held.size > 0) this.#timer = this.#watchHole();
    }, HOLE_MS);
    Deno.unrefTimer(timer);
    return timer;
  }
}

/** A handler's throw must not stop the posts held behind it: it is rethrown on its own. */
function run(handle: () => void): void {
  try {
    handle();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}

/** The posts of this process's worker children, in one order (made on first use). */
let order: PostOrder | undefined;

/** This process's `PostOrder`. */
export function postOrder(): PostOrder {
  return order ??= new PostOrder();
}

/**
 * The child side: stamps each post with the next number from the parent's
 * counter, and sends `skip` for a number whose post threw.
 */
export function stamped(
  counter: Int32Array,
  post: (message: object, transfer?: Transferable[]) => void,
): (message: object, transfer?: Transferable[]) => void {
  return (message, transfer) => {
    const n = Atomics.add(counter, 0, 1);
    (message as { n?: number }).n = n;
    try {
      post(message, transfer);
    } catch (error) {
      post({ t: "skip", n });
      throw error;
    }
  };
}
