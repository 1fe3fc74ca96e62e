// W2 for Deno, alone in its process: median µs of pool.apply(noop) against a
// raw postMessage ping-pong, in interleaved blocks. Run by run.ts, once as is
// and once pinned to one CPU (taskset -c 0), which removes the VM's
// cross-CPU wake-up cost (it puts each thread, at random, in a ~17 µs or a
// ~60 µs mode) and leaves the per-call cost of each side.
import * as mp from "../../mod.ts";
import { EchoWorker } from "../workloads.ts";

const noop = () => null;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
await using pool = new mp.Pool(1);
await pool.apply(noop);
const echo = new EchoWorker();
await echo.ping();
const samples: Record<string, number[]> = { raw: [], worker: [] };
const fns = { raw: () => echo.ping(), worker: () => pool.apply(noop) };
for (let round = 0; round < 60; round++) {
  for (const [key, fn] of Object.entries(fns)) {
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) await fn();
    if (round >= 5) samples[key].push((performance.now() - t0) * 10);
  }
}
console.log(JSON.stringify({ raw: median(samples.raw), worker: median(samples.worker) }));
