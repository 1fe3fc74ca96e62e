// Seed 003: applyAsync with a callback. The task runs in a worker process;
// the callback runs in the main process — compare the pids.
//
//   deno run -A examples/pool_callback.ts
import * as mp from "../mod.ts";

async function fun() {
  console.log("-------------开始打印-------------------");
  console.log(`in the process of ${Deno.pid}`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`进程${Deno.pid}执行完毕`);
  console.log("子线程的PID:", Deno.pid);
}

function bar() {
  console.log("您好,您的工资已到账,请注意查收,如有疑问,请联系人事部,谢谢!!!");
  console.log("bar的线程PID:", Deno.pid);
}

if (import.meta.main) {
  const pool = new mp.Pool({ processes: 5, backend: "subprocess" });
  console.log("主线程的PID:", Deno.pid);
  for (let i = 0; i < 10; i++) pool.applyAsync(fun, [], { callback: bar });
  console.log("The end!");
  pool.close();
  await pool.join();
}
