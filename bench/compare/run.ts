// The pool workloads through @mp/multiprocessing and through Python's
// multiprocessing (python3 bench/compare/workloads.py), side by side, each
// against its baseline measured in this same run.
//
//   deno task compare      (= deno run -A bench/compare/run.ts)
import { fileURLToPath } from "node:url";
import * as mp from "../../mod.ts";
import {
  countPrimes,
  EchoProcess,
  EchoWorker,
  SquareWorkers,
  W,
  W1_ITEMS,
  W3_ITEMS,
} from "../workloads.ts";

const here = fileURLToPath(new URL(".", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function best(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** Median µs per call of each function, measured in interleaved blocks. */
async function interleaved(fns: Record<string, () => Promise<unknown>>) {
  const samples: Record<string, number[]> = {};
  for (const key in fns) samples[key] = [];
  for (let round = 0; round < 60; round++) {
    for (const [key, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      for (let i = 0; i < 100; i++) await fn();
      if (round >= 5) samples[key].push((performance.now() - t0) * 10);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

async function run(cmd: string, args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

console.error("measuring @mp/multiprocessing ...");
const square = (x: number) => x * x;
const noop = () => null;
const deno: Record<string, number> = {};
{
  await using pool2 = new mp.Pool(2);
  await pool2.map(square, W1_ITEMS);
  const baseline = new SquareWorkers();
  await baseline.map(W1_ITEMS);
  deno.w1 = 1e6 / (await best(5, () => pool2.map(square, W1_ITEMS)) / 1000);
  deno.w1Baseline = 1e6 / (await best(5, () => baseline.map(W1_ITEMS)) / 1000);

  W3_ITEMS.slice(0, 2).map(countPrimes);
  await pool2.map(W.countPrimes, W3_ITEMS.slice(0, 2));
  const sequential = await best(3, () => Promise.resolve(W3_ITEMS.map(countPrimes)));
  deno.w3 = sequential / await best(3, () => pool2.map(W.countPrimes, W3_ITEMS));
}
{
  await using pool1 = new mp.Pool(1);
  await using pool1sub = new mp.Pool({ processes: 1, backend: "subprocess" });
  await Promise.all([pool1.apply(noop), pool1sub.apply(noop)]);
  const echo = new EchoWorker();
  const echoProcess = new EchoProcess();
  const w2 = await interleaved({
    raw: () => echo.ping(),
    worker: () => pool1.apply(noop),
    stdio: () => echoProcess.ping(),
    subprocess: () => pool1sub.apply(noop),
  });
  deno.w2Raw = w2.raw;
  deno.w2Worker = w2.worker;
  deno.w2Stdio = w2.stdio;
  deno.w2Subprocess = w2.subprocess;
}
const w2Runs: { raw: number; worker: number }[] = [];
for (let i = 0; i < 3; i++) {
  w2Runs.push(await run(Deno.execPath(), ["run", "-A", `${here}w2.ts`]) as typeof w2Runs[0]);
}
let pinned: { raw: number; worker: number } | undefined;
try {
  pinned = await run("taskset", ["-c", "0", Deno.execPath(), "run", "-A", `${here}w2.ts`]) as {
    raw: number;
    worker: number;
  };
} catch {
  // No taskset here: the pinned figure is left out.
}
// W7: each size in its own process, median of three peaks per size; and,
// within the 5M-item runs, the peak after 1M items against the final peak.
const MiB = 2 ** 20;
const w7 = async (
  cmd: string,
  args: (n: number) => string[],
  pick: (out: unknown) => Record<string, number>,
) => {
  const peaks: Record<number, number[]> = { 1_000_000: [], 5_000_000: [] };
  const within: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (const n of [1_000_000, 5_000_000]) {
      const out = pick(await run(cmd, args(n)));
      peaks[n].push(out.peak_rss);
      if (n === 5_000_000) within.push(out.peak_rss - out.peak_rss_at_1m);
    }
  }
  return {
    across: (median(peaks[5_000_000]) - median(peaks[1_000_000])) / MiB,
    within: median(within) / MiB,
  };
};
const denoW7 = await w7(
  Deno.execPath(),
  (n) => ["run", "-A", `${here}w7.ts`, String(n)],
  (out) => out as Record<string, number>,
);

console.error("measuring Python multiprocessing ...");
const py = await run("python3", [`${here}workloads.py`, "w1", "w2", "w3"]) as Record<
  string,
  Record<string, number>
>;
const pyW7 = await w7(
  "python3",
  (n) => [`${here}workloads.py`, `w7=${n}`],
  (out) => (out as Record<string, Record<string, number>>).w7,
);

const f = (x: number, d = 1) => x.toFixed(d);
const rows = [
  [
    "W1 map(x => x*x), 1 000 000 numbers, 2 workers",
    `${f(deno.w1 / 1e6)} M items/s`,
    `${f(py.w1.items_per_s / 1e6)} M items/s`,
    `${f(deno.w1 / py.w1.items_per_s, 2)}× Python; ${
      f(deno.w1 / deno.w1Baseline, 2)
    }× the hand-written cloned number[] baseline (${f(deno.w1Baseline / 1e6)} M items/s)`,
  ],
  [
    "W2 sequential apply(noop), worker",
    `${f(deno.w2Worker)} µs`,
    `${f(py.w2.us_per_call)} µs (Pool(1))`,
    `${f(deno.w2Worker / deno.w2Raw, 3)}× raw postMessage ping-pong (${f(deno.w2Raw)} µs); ` +
    `separate processes: ${
      w2Runs.map((r) => `${f(r.worker)}/${f(r.raw)} µs = ${f(r.worker / r.raw, 2)}×`).join(", ")
    }` +
    (pinned
      ? `; pinned to one CPU: ${f(pinned.worker)}/${f(pinned.raw)} µs = ${
        f(pinned.worker / pinned.raw, 3)
      }×`
      : ""),
  ],
  [
    "W2 sequential apply(noop), subprocess",
    `${f(deno.w2Subprocess)} µs`,
    `${f(py.w2.us_per_call)} µs (Pool(1))`,
    `${f(py.w2.us_per_call / deno.w2Subprocess, 2)}× faster than Python; raw stdio ping-pong ${
      f(deno.w2Stdio)
    } µs`,
  ],
  [
    "W3 16 CPU-bound tasks, speedup over sequential",
    `${f(deno.w3, 2)}×`,
    `${f(py.w3.speedup, 2)}×`,
    "2 workers on 2 cores",
  ],
  [
    "W7 imapUnordered 5M items, slow consumer: peak RSS of a 5M-item run − a 1M-item run (median of 3)",
    `${f(denoW7.across)} MiB`,
    `${f(pyW7.across)} MiB`,
    "target < 2 MiB",
  ],
  [
    "W7, within the 5M-item runs: peak RSS at the end − peak after the first 1M items",
    `${f(denoW7.within)} MiB`,
    `${f(pyW7.within)} MiB (it buffered everything before 1M)`,
    "target < 2 MiB",
  ],
];
console.log("| workload | @mp/multiprocessing | Python multiprocessing | ratio |");
console.log("| --- | --- | --- | --- |");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
