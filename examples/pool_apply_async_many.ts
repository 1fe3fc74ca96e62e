// Seed 003: apply_async() does not wait, so ten tasks run five at a time on a
// pool of five, and "The end!" prints before any of them.
//
//   deno run -A examples/pool_apply_async_many.ts
import * as mp from "../mod.ts";

async function fun() {
  console.log("\x1b[32m-------------开始打印-------------------\x1b[0m");
  console.log(`\x1b[31min the process of ${Deno.pid}\x1b[0m`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`进程${Deno.pid}执行完毕`);
}

if (import.meta.main) {
  const pool = new mp.Pool({ processes: 5, backend: "subprocess" });
  for (let i = 0; i < 10; i++) pool.applyAsync(fun);
  console.log("The end!");
  pool.close();
  await pool.join();
}
