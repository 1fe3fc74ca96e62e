// Seeds 003 and 004: a child puts a list on a multiprocessing Queue and the
// parent gets it. (A plain array would not do: the child has its own copy.)
//
//   deno run -A examples/queue_put.ts
import * as mp from "../mod.ts";

async function func(q: mp.Queue<unknown[]>) {
  await q.put(["alex", "tom"]);
}

async function f(q: mp.Queue<unknown[]>) {
  await q.put([42, null, "hello"]);
}

if (import.meta.main) {
  const q = new mp.Queue<unknown[]>();
  const p = new mp.Process({ target: func, args: [q] });
  p.start();
  console.log(await q.get()); // [ "alex", "tom" ]
  await p.join();

  const p2 = new mp.Process({ target: f, args: [q], backend: "subprocess" });
  p2.start();
  console.log(await q.get()); // [ 42, null, "hello" ]
  await p2.join();
}
