// Synchronisation workloads shared by bench/sync_bench.ts (deno bench, raw
// baselines beside) and bench/compare/sync.ts (beside Python).
import * as mp from "../mod.ts";
import { rawAcquire, rawRelease } from "./sync_raw.ts";

/** Acquire/release pairs per uncontended run. */
export const PAIRS = 100_000;
/** Children and increments per child in the contended counter. */
export const CHILDREN = 4;
export const INCREMENTS = 10_000;

/** Uncontended: the bare Atomics mutex; returns ms. */
export async function pairsRaw(): Promise<number> {
  const i32 = new Int32Array(new SharedArrayBuffer(4));
  const t0 = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    await rawAcquire(i32);
    rawRelease(i32);
  }
  return performance.now() - t0;
}

/** Uncontended: an mp.Lock or mp.RLock; returns ms. */
export async function pairsLock(lock: mp.Lock | mp.RLock): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < PAIRS; i++) {
    await lock.acquire();
    lock.release();
  }
  return performance.now() - t0;
}

/**
 * Contended counter with 4 raw workers and a bare mutex; ms from the first
 * worker's start (they start together) to the last increment.
 */
export async function counterRaw(): Promise<number> {
  const sab = new SharedArrayBuffer(12);
  const url = new URL("./fixtures/sync_worker.ts", import.meta.url);
  const workers = Array.from({ length: CHILDREN }, () => new Worker(url, { type: "module" }));
  const spans = await Promise.all(workers.map((w) =>
    new Promise<[number, number]>((resolve) => {
      w.onmessage = (e) => resolve(e.data);
      w.postMessage({ sab, n: INCREMENTS });
    })
  ));
  workers.forEach((w) => w.terminate());
  const count = new Int32Array(sab)[1];
  if (count !== CHILDREN * INCREMENTS) throw new Error(`raw counter lost updates: ${count}`);
  return Math.max(...spans.map(([, t1]) => t1)) - Math.min(...spans.map(([t0]) => t0));
}

/** Child: meet the others at the barrier, then add 1 under the value's lock `n` times. */
export async function addUnderLock(
  v: mp.Value<"i">,
  start: mp.Barrier,
  times: mp.SharedArray<"d">,
  slot: number,
  n: number,
): Promise<void> {
  await start.wait();
  const t0 = performance.timeOrigin + performance.now();
  const lock = v.getLock();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    v.value += 1;
    lock.release();
  }
  const t1 = performance.timeOrigin + performance.now();
  await lock.acquire();
  times.set(slot * 2, t0);
  times.set(slot * 2 + 1, t1);
  lock.release();
}

const targets = mp.tasks(import.meta.url, { addUnderLock });

/**
 * Contended counter through mp.Value + its lock in `backend` children,
 * started together at an mp.Barrier. Returns ms from the first child's start
 * to the last child's last increment (children's start-up excluded, as for
 * Python's figure), and the whole run with start-up.
 */
export async function counterMp(backend: mp.Backend): Promise<{ ms: number; whole: number }> {
  const w0 = performance.now();
  const v = new mp.Value("i", 0);
  const start = new mp.Barrier(CHILDREN);
  const times = new mp.SharedArray("d", CHILDREN * 2);
  const ps = Array.from({ length: CHILDREN }, (_, slot) =>
    new mp.Process({
      target: targets.addUnderLock,
      args: [v, start, times, slot, INCREMENTS],
      backend,
    }));
  ps.forEach((p) => p.start());
  for (const p of ps) await p.join();
  if (v.value !== CHILDREN * INCREMENTS) throw new Error(`mp counter lost updates: ${v.value}`);
  const t = times.toArray();
  const starts = t.filter((_, i) => i % 2 === 0);
  const ends = t.filter((_, i) => i % 2 === 1);
  return { ms: Math.max(...ends) - Math.min(...starts), whole: performance.now() - w0 };
}
