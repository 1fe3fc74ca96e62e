// Calls in flight cost O(1) each to submit and to complete: per-call time
// must not grow with how many calls are waiting (it did: every dispatch
// scanned all of them).
import * as mp from "../mod.ts";
import { ok } from "./_assert.ts";

async function perCallMs(backend: mp.PoolBackend, n: number): Promise<number> {
  await using pool = new mp.Pool({ processes: 2, backend });
  await pool.apply((x: number) => x, [0]);
  const t0 = performance.now();
  const results: mp.AsyncResult<number>[] = [];
  for (let i = 0; i < n; i++) results.push(pool.applyAsync((x: number) => x + 1, [i]));
  let sum = 0;
  for (const r of results) sum += await r.get();
  ok(sum === n * (n + 1) / 2, "every result arrived once");
  return (performance.now() - t0) / n;
}

Deno.test("Pool.applyAsync(): 40 000 calls in flight cost no more per call than 4 000", async () => {
  await perCallMs("inline", 4_000); // warm-up
  const small = await perCallMs("inline", 4_000);
  const large = await perCallMs("inline", 40_000);
  // Quadratic cost made this ratio ~7; linear cost keeps it near 1.
  ok(
    large / small < 2.5,
    `per call: ${small.toFixed(4)} ms at 4 000, ${large.toFixed(4)} ms at 40 000`,
  );
});

Deno.test("[worker] Pool.applyAsync(): 40 000 calls in flight all complete, in linear time", async () => {
  const small = await perCallMs("worker", 4_000);
  const large = await perCallMs("worker", 40_000);
  ok(
    large / small < 2.5,
    `per call: ${small.toFixed(4)} ms at 4 000, ${large.toFixed(4)} ms at 40 000`,
  );
});
