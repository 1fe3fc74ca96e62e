// JoinableQueue the way consumers use it: one child puts N items one by one,
// another gets each and calls taskDone() for it, the producer join()s. Both
// backends beside Python's JoinableQueue, interleaved rounds, medians of
// thousands of items per second (start-up included, so N is large).
//
//   deno run -A bench/compare/joinable.ts [rounds] [items]
import * as mp from "../../mod.ts";
import { interleaved, python } from "./_rounds.ts";

const ROUNDS = Number(Deno.args[0] ?? 5);
const N = Number(Deno.args[1] ?? 200_000);

async function produce(q: mp.JoinableQueue<number>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put(i);
  await q.join();
}

async function consume(q: mp.JoinableQueue<number>, n: number, out: mp.Queue<number>) {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += await q.get();
    await q.taskDone();
  }
  await out.put(sum);
}

async function measure(backend: mp.Backend): Promise<number> {
  const q = new mp.JoinableQueue<number>();
  const out = new mp.Queue<number>();
  const t0 = performance.now();
  const producer = new mp.Process({ target: produce, args: [q, N], backend });
  const consumer = new mp.Process({ target: consume, args: [q, N, out], backend });
  producer.start();
  consumer.start();
  const sum = await out.get();
  await producer.join();
  await consumer.join();
  if (sum !== N * (N - 1) / 2) throw new Error("an item was lost or repeated");
  return N / (performance.now() - t0);
}

const runs: Record<string, () => Promise<number>> = {
  worker: () => measure("worker"),
  subprocess: () => measure("subprocess"),
  python: async () => (await python("joinable.py", [String(N)])).kps,
};
const m = await interleaved(runs, ROUNDS);
console.log(
  `| JoinableQueue put / get + taskDone per item, child → child, ${N} items | k items/s | ×Python |`,
);
console.log("|---|---|---|");
for (const key of ["worker", "subprocess"]) {
  console.log(`| ${key} | ${m[key].toFixed(0)} | ${(m[key] / m.python).toFixed(2)}× |`);
}
console.log(`| Python | ${m.python.toFixed(0)} | 1.00× |`);
