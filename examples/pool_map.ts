// Seed 004: applyAsync + get(timeout), map, imap with next() by hand, and a
// get() that runs out of time (the task goes on; only the wait ends).
//
//   deno run -A examples/pool_map.ts
import * as mp from "../mod.ts";

function f(x: number) {
  return x * x;
}

if (import.meta.main) {
  await using pool = new mp.Pool(4); // start 4 worker processes
  const result = pool.applyAsync(f, [10]); // evaluate f(10) asynchronously
  console.log(await result.get(1000)); // 100, unless your computer is *very* slow
  console.log(await pool.map(f, Array.from({ length: 10 }, (_, i) => i))); // [0, 1, 4, ..., 81]

  const it = pool.imap(f, Array.from({ length: 10 }, (_, i) => i));
  console.log((await it.next()).value); // 0
  console.log((await it.next()).value); // 1
  console.log((await it.next()).value); // 4
  await it.return?.(); // done with it: stop the rest

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const slow = pool.applyAsync(sleep, [1500]);
  try {
    await slow.get(100);
  } catch (error) {
    console.log((error as Error).name); // TimeoutError
  }
  await slow; // the task itself runs to its end
}
