// Seed 003: apply() waits for each task, so ten tasks on a pool of five run
// one after another, ~1 s each.
//
//   deno run -A examples/pool_apply.ts
import * as mp from "../mod.ts";

async function fun() {
  console.log(`in the process of ${Deno.pid}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`进程${Deno.pid}执行完毕`);
}

if (import.meta.main) {
  const pool = new mp.Pool({ processes: 5, backend: "subprocess" });
  for (let i = 0; i < 10; i++) await pool.apply(fun);
  console.log("The end!");
  pool.close();
  await pool.join();
}
