// Many calls in flight at once: N applyAsync on Pool(2), then every result.
// Per-call time must stay flat as N grows (it grew with N before); the last
// line is the ratio of the largest N's per-call time to the smallest's.
//
//   deno run -A bench/inflight.ts worker 20000 200000
//   deno run -A bench/inflight.ts subprocess 20000 200000
import * as mp from "../mod.ts";

const backend = Deno.args[0] as mp.Backend;
const perCall: number[] = [];
for (const n of Deno.args.slice(1).map(Number)) {
  await using pool = new mp.Pool({ processes: 2, backend });
  await pool.apply((x: number) => x, [1]);
  const t0 = performance.now();
  const results: mp.AsyncResult<number>[] = [];
  for (let i = 0; i < n; i++) results.push(pool.applyAsync((x: number) => x + 1, [i]));
  const submitted = performance.now();
  let sum = 0;
  for (const r of results) sum += await r.get();
  const t = performance.now() - t0;
  if (sum !== n * (n + 1) / 2) throw new Error("a result is missing or wrong");
  perCall.push(t * 1000 / n);
  console.log(
    `${backend} ${n} calls: submit ${(submitted - t0).toFixed(0)} ms, all done ${
      t.toFixed(0)
    } ms, ${(t * 1000 / n).toFixed(1)} µs/call`,
  );
}
console.log(`per-call ratio largest/smallest N: ${(perCall.at(-1)! / perCall[0]).toFixed(2)}`);
