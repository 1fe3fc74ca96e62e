// The workloads the throughput rows of ipc.ts leave out, beside their raw
// baselines and Python's multiprocessing (bench/compare/directions.py) in
// interleaved rounds, medians reported:
//   - Queue puts of lists of 1 000 `{ i, s }` items, producer child → consumer
//     child (the consumer's first list to its last);
//   - Pipe `sendBytes` of 1 MiB parent → child, each send awaited, 200 of them
//     (first send to the child's answer that it has them all).
//
//   deno run -A --v8-flags=--expose-gc bench/compare/directions.ts [rounds]
import {
  bytesDown,
  bytesDownRaw,
  LIST_LEN,
  LIST_PUTS,
  listsQueue,
  listsRaw,
  W5_BLOCKS,
  W5_MIB,
} from "../ipc_workloads.ts";
import { interleaved, python } from "./_rounds.ts";

const ROUNDS = Number(Deno.args[0] ?? 5);

const runs: Record<string, () => Promise<number>> = {
  listsRaw: () => listsRaw(),
  listsWorker: () => listsQueue("worker"),
  listsSubprocess: () => listsQueue("subprocess"),
  downRaw: () => bytesDownRaw(),
  downWorker: () => bytesDown("worker"),
  downSubprocess: () => bytesDown("subprocess"),
  listsPython: async () => (await python("directions.py", [])).lists,
  downPython: async () => (await python("directions.py", [])).bytesDown,
};
const m = await interleaved(runs, ROUNDS);
const items = (t: number) => `${(LIST_PUTS * LIST_LEN / t).toFixed(0)} k items/s`;
const mbps = (t: number) => `${(W5_BLOCKS * W5_MIB / t / 1e3).toFixed(0)} MB/s`;
const x = (a: number, b: number) => `${(b / a).toFixed(2)}×`;
console.log(`Medians of ${ROUNDS} interleaved rounds:\n`);
console.log("| workload | backend | here | ratio |\n|---|---|---|---|");
console.log(
  `| Queue, ${LIST_PUTS} lists of ${LIST_LEN} {i, s}, child → child | worker | ${
    items(m.listsWorker)
  } | ${x(m.listsWorker, m.listsRaw)} raw MessageChannel (${items(m.listsRaw)}), ${
    x(m.listsWorker, m.listsPython)
  } Python mp.Queue (${items(m.listsPython)}) |`,
);
console.log(
  `| | subprocess | ${items(m.listsSubprocess)} | ${
    x(m.listsSubprocess, m.listsPython)
  } Python mp.Queue |`,
);
console.log(
  `| Pipe sendBytes, ${W5_BLOCKS} × 1 MiB parent → child, each awaited | worker | ${
    mbps(m.downWorker)
  } | ${x(m.downWorker, m.downRaw)} raw copied postMessage (${mbps(m.downRaw)}), ${
    x(m.downWorker, m.downPython)
  } Python send_bytes (${mbps(m.downPython)}) |`,
);
console.log(
  `| | subprocess | ${mbps(m.downSubprocess)} | ${
    x(m.downSubprocess, m.downPython)
  } Python send_bytes |`,
);
