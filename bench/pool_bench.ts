// Pool workloads, each beside its baseline in the same group; the group
// summary gives the ratio. Run: deno task bench. The same workloads through
// Python's multiprocessing: deno task compare (bench/compare/run.ts).
import * as mp from "../mod.ts";
import {
  countPrimes,
  EchoProcess,
  EchoWorker,
  SquareWorkers,
  W,
  W1_ITEMS,
  W3_ITEMS,
} from "./workloads.ts";

// Idle pools never keep the program alive, so these can live for the file.
const pool2 = new mp.Pool({ processes: 2 });
const pool1 = new mp.Pool({ processes: 1 });
const pool1sub = new mp.Pool({ processes: 1, backend: "subprocess" });
const square = (x: number) => x * x;
const noop = () => null;
await Promise.all([pool2.map(square, [1, 2]), pool1.apply(noop), pool1sub.apply(noop)]);
const squareWorkers = new SquareWorkers();
const echo = new EchoWorker();

Deno.bench({
  name: "W1 baseline: 2 raw workers, a cloned number[] half each",
  group: "W1 map(x => x*x) over 1 000 000 numbers, 2 workers",
  baseline: true,
  n: 20,
  warmup: 3,
  async fn() {
    const out = await squareWorkers.map(W1_ITEMS);
    if (out[999_999] !== 999_999 ** 2) throw new Error("wrong result");
  },
});

Deno.bench({
  name: "W1 mp.Pool(2).map, default chunking",
  group: "W1 map(x => x*x) over 1 000 000 numbers, 2 workers",
  n: 20,
  warmup: 3,
  async fn() {
    const out = await pool2.map(square, W1_ITEMS);
    if (out[999_999] !== 999_999 ** 2) throw new Error("wrong result");
  },
});

Deno.bench({
  name: "W2 baseline: raw postMessage ping-pong with a worker",
  group: "W2 sequential apply of a no-op, worker",
  baseline: true,
  n: 3000,
  warmup: 100,
  async fn() {
    await echo.ping();
  },
});

Deno.bench({
  name: "W2 mp.Pool(1).apply(noop), worker",
  group: "W2 sequential apply of a no-op, worker",
  n: 3000,
  warmup: 100,
  async fn() {
    await pool1.apply(noop);
  },
});

const echoProcess = new EchoProcess();
Deno.bench({
  name: "W2 baseline: raw 8-byte ping-pong over a child's stdio",
  group: "W2 sequential apply of a no-op, subprocess",
  baseline: true,
  n: 3000,
  warmup: 100,
  async fn() {
    await echoProcess.ping();
  },
});

Deno.bench({
  name: "W2 mp.Pool(1).apply(noop), subprocess",
  group: "W2 sequential apply of a no-op, subprocess",
  n: 3000,
  warmup: 100,
  async fn() {
    await pool1sub.apply(noop);
  },
});

Deno.bench({
  name: "W3 baseline: 16 tasks one after another in this process",
  group: "W3 16 CPU-bound tasks",
  baseline: true,
  n: 5,
  warmup: 1,
  async fn() {
    await Promise.resolve(W3_ITEMS.map(countPrimes));
  },
});

Deno.bench({
  name: "W3 mp.Pool(2).map over the 16 tasks",
  group: "W3 16 CPU-bound tasks",
  n: 5,
  warmup: 1,
  async fn() {
    const out = await pool2.map(W.countPrimes, W3_ITEMS);
    if (out.length !== 16) throw new Error("wrong result");
  },
});
