// The IPC workloads through @mp/multiprocessing, their raw baselines, and
// Python's multiprocessing (python3 bench/compare/ipc.py), in interleaved
// rounds so that every contender sees the same machine; medians reported.
// Each figure is steady-state throughput: the consumer's first item to its last.
//
//   deno task compare      (runs bench/compare/run.ts, then this with
//                           --v8-flags=--expose-gc, to collect between runs)
import { fileURLToPath } from "node:url";
import {
  W4_ITEMS,
  w4Queue,
  w4Raw,
  W5_BLOCKS,
  W5_MESSAGES,
  W5_MIB,
  w5Bytes,
  w5BytesRaw,
  w5Pipe,
  w5Raw,
} from "../ipc_workloads.ts";

const ROUNDS = Number(Deno.args[0] ?? 7);
const here = fileURLToPath(new URL(".", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function python(): Promise<Record<string, number>> {
  const out = await new Deno.Command("python3", { args: [`${here}ipc.py`], stdout: "piped" })
    .output();
  if (!out.success) throw new Error("python3 bench/compare/ipc.py failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const runs: Record<string, () => Promise<number>> = {
  w4Raw: () => w4Raw(),
  w4Worker: () => w4Queue("worker"),
  w4Subprocess: () => w4Queue("subprocess"),
  w5Raw: () => w5Raw(),
  w5Worker: () => w5Pipe("worker"),
  w5Subprocess: () => w5Pipe("subprocess"),
  w5bRaw: () => w5BytesRaw(),
  w5bWorker: () => w5Bytes("worker"),
  w5bSubprocess: () => w5Bytes("subprocess"),
};
const ms: Record<string, number[]> = { w4Python: [], w5Python: [], w5bPython: [] };
for (const key in runs) ms[key] = [];
// Each run starts from a collected heap (the bytes runs leave 200 MiB of
// garbage), and the order flips every round so none always follows another.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
for (const fn of Object.values(runs)) await fn(); // warm-up: module loading, JIT
for (let round = 0; round < ROUNDS; round++) {
  console.error(`round ${round + 1}/${ROUNDS}`);
  const order = Object.entries(runs);
  if (round % 2 === 1) order.reverse();
  for (const [key, fn] of order) {
    gc();
    ms[key].push(await fn());
  }
  const py = await python();
  ms.w4Python.push(py.w4);
  ms.w5Python.push(py.w5);
  ms.w5bPython.push(py.w5b);
}
const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
const rate = (n: number, t: number) => `${(n / t).toFixed(0)} k/s`;
const gbps = (t: number) => `${((W5_BLOCKS * W5_MIB) / t / 1e6).toFixed(2)} GB/s`;
const x = (a: number, b: number) => `${(b / a).toFixed(2)}×`;
const rows = [
  [
    "W4 Queue, 200 000 {i, s} child → child",
    "worker",
    rate(W4_ITEMS, m.w4Worker),
    `${x(m.w4Worker, m.w4Raw)} raw MessageChannel (${rate(W4_ITEMS, m.w4Raw)}), ${
      x(m.w4Worker, m.w4Python)
    } Python mp.Queue (${rate(W4_ITEMS, m.w4Python)})`,
  ],
  [
    "",
    "subprocess",
    rate(W4_ITEMS, m.w4Subprocess),
    `${x(m.w4Subprocess, m.w4Python)} Python mp.Queue`,
  ],
  [
    "W5 Pipe, 200 000 {i, s} child → parent",
    "worker",
    rate(W5_MESSAGES, m.w5Worker),
    `${x(m.w5Worker, m.w5Raw)} raw postMessage (${rate(W5_MESSAGES, m.w5Raw)}), ${
      x(m.w5Worker, m.w5Python)
    } Python Pipe (${rate(W5_MESSAGES, m.w5Python)})`,
  ],
  [
    "",
    "subprocess",
    rate(W5_MESSAGES, m.w5Subprocess),
    `${x(m.w5Subprocess, m.w5Python)} Python Pipe`,
  ],
  [
    "W5 sendBytes, 200 × 1 MiB child → parent",
    "worker",
    gbps(m.w5bWorker),
    `${x(m.w5bWorker, m.w5bRaw)} raw copied postMessage (${gbps(m.w5bRaw)}), ${
      x(m.w5bWorker, m.w5bPython)
    } Python send_bytes (${gbps(m.w5bPython)})`,
  ],
  ["", "subprocess", gbps(m.w5bSubprocess), `${x(m.w5bSubprocess, m.w5bPython)} Python send_bytes`],
];
console.log(`Medians of ${ROUNDS} interleaved rounds (first item → last at the consumer):\n`);
console.log("| workload | backend | @mp/multiprocessing | ratio |\n|---|---|---|---|");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(
  `\nraw ms: ${
    JSON.stringify(Object.fromEntries(
      Object.entries(ms).map(([k, v]) => [
        k,
        v.map((t) => Math.round(t)),
      ]),
    ))
  }`,
);
