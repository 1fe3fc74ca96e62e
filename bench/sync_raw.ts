// The baseline every mp lock is measured against: a bare mutex on one word
// of shared memory, acquired without blocking the thread (waitAsync), as any
// lock usable from an event loop must be. No owner, no timeout, no waiter count.

/** Takes the mutex at word 0. */
export async function rawAcquire(i32: Int32Array): Promise<void> {
  while (Atomics.compareExchange(i32, 0, 0, 1) !== 0) {
    const r = Atomics.waitAsync(i32, 0, 1);
    if (r.async) await r.value;
  }
}

/** Lets the mutex at word 0 go and wakes one waiter. */
export function rawRelease(i32: Int32Array): void {
  Atomics.store(i32, 0, 0);
  Atomics.notify(i32, 0, 1);
}
