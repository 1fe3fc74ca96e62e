// Seed 000: a pool of 3 runs 10 tasks; each sleeps 1 s and prints which
// worker ran it. close() then join() waits for them all. Subprocess workers,
// so each has its own pid, as in Python.
//
//   deno run -A examples/pool_apply_async.ts
import * as mp from "../mod.ts";

async function worker(num: number) {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`工人 = ${Deno.pid},任务 = ${num} `);
}

if (import.meta.main) {
  const pa = new mp.Pool({ processes: 3, backend: "subprocess" });
  for (let i = 0; i < 10; i++) {
    console.log(i);
    pa.applyAsync(worker, [i]);
  }
  console.log("start");
  pa.close();
  await pa.join();
  console.log("end ");
}
