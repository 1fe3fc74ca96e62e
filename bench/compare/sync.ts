// The synchronisation workloads through @mp/multiprocessing, their raw
// baselines, and Python's multiprocessing (python3 bench/compare/sync.py), in
// interleaved rounds; medians reported. The contended counter is timed from
// the children's common start (a Barrier) to the last increment, so child
// start-up (~40 ms for a Deno child, ~5 ms for a forked Python one) is out.
//
//   deno run -A bench/compare/sync.ts [rounds]
import { fileURLToPath } from "node:url";
import * as mp from "../../mod.ts";
import { counterMp, counterRaw, PAIRS, pairsLock, pairsRaw } from "../sync_workloads.ts";

const ROUNDS = Number(Deno.args[0] ?? 7);
const here = fileURLToPath(new URL(".", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function python(): Promise<Record<string, number>> {
  const out = await new Deno.Command("python3", { args: [`${here}sync.py`], stdout: "piped" })
    .output();
  if (!out.success) throw new Error("python3 bench/compare/sync.py failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const lock = new mp.Lock();
const ms: Record<string, number[]> = {
  pairsRaw: [],
  pairsLock: [],
  pairsPython: [],
  counterRaw: [],
  counterWorker: [],
  counterSubprocess: [],
  counterPython: [],
};
await pairsRaw();
await pairsLock(lock);
for (let round = 0; round < ROUNDS; round++) {
  console.error(`round ${round + 1}/${ROUNDS}`);
  const steps: (() => Promise<void>)[] = [
    async () => void ms.pairsRaw.push(await pairsRaw()),
    async () => void ms.pairsLock.push(await pairsLock(lock)),
    async () => void ms.counterRaw.push(await counterRaw()),
    async () => void ms.counterWorker.push((await counterMp("worker")).ms),
    async () => {
      const py = await python();
      ms.pairsPython.push(py.pairs);
      ms.counterPython.push(py.counter);
    },
  ];
  if (round < 3) {
    steps.push(async () => void ms.counterSubprocess.push((await counterMp("subprocess")).ms));
  }
  if (round % 2 === 1) steps.reverse();
  for (const step of steps) await step();
}
const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
const f = (x: number) => x.toFixed(1);
console.log(`uncontended acquire/release, ${PAIRS} pairs (median of ${ROUNDS}):`);
console.log(
  `  bare Atomics mutex ${f(m.pairsRaw)} ms, mp.Lock ${f(m.pairsLock)} ms = ${
    (m.pairsLock / m.pairsRaw).toFixed(2)
  }× the baseline; Python mp.Lock ${f(m.pairsPython)} ms`,
);
console.log(`contended counter, 4 children × 10 000 under one lock (median):`);
console.log(
  `  raw workers ${f(m.counterRaw)} ms; mp.Value worker ${f(m.counterWorker)} ms; Python mp.Value ${
    f(m.counterPython)
  } ms → ${(m.counterPython / m.counterWorker).toFixed(2)}× Python's speed`,
);
console.log(
  `  mp.Value subprocess ${f(m.counterSubprocess)} ms (median of 3) = ${
    (m.counterPython / m.counterSubprocess).toFixed(3)
  }× Python's speed`,
);
