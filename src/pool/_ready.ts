/**
 * The calls that have chunks waiting for a worker, earliest call first: a
 * binary heap on `Job.seq`, so that submitting or finishing one of many
 * thousands of calls in flight costs O(log n), not a scan of them all.
 *
 * @module
 */

import type { Job } from "./job.ts";

/** Jobs with ready chunks, in call order. */
export class ReadyJobs {
  #heap: Job[] = [];
  #queued = new Set<Job>();

  /** Adds `job` unless it is already in. */
  add(job: Job): void {
    if (this.#queued.has(job)) return;
    this.#queued.add(job);
    const heap = this.#heap;
    let i = heap.push(job) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].seq <= job.seq) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = job;
  }

  /**
   * The earliest job that still has a chunk ready, or `undefined`. Jobs
   * whose chunks are all taken (or dropped) leave here on the way.
   */
  peek(): Job | undefined {
    while (this.#heap.length > 0) {
      const top = this.#heap[0];
      if (top.hasReady()) return top;
      this.#pop();
    }
    return undefined;
  }

  #pop(): void {
    const heap = this.#heap;
    this.#queued.delete(heap[0]);
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right].seq < heap[left].seq ? right : left;
      if (heap[child].seq >= last.seq) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }
}
