// Round trips, the way users hit them: a Pipe ping-pong (send/recv of an int,
// parent ⇄ child) on both backends, beside the raw primitive under each (a
// postMessage ping-pong with a worker; 8-byte frames over a child's stdio)
// and Python's Pipe ping-pong, in interleaved rounds; medians of µs per round
// trip, and each Pipe figure as a ratio of its raw baseline. Pin it to one
// CPU for stable figures:
//
//   taskset -c 0 deno run -A bench/compare/latency.ts [rounds]
import { fileURLToPath } from "node:url";
import * as mp from "../../mod.ts";
import { EchoProcess, EchoWorker } from "../workloads.ts";

const ROUNDS = Number(Deno.args[0] ?? 7);
const N = Number(Deno.args[1] ?? 2000);
const here = fileURLToPath(new URL(".", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Echoes every message on `conn` until it receives null. */
async function echo(conn: mp.Connection<number | null>): Promise<void> {
  for (;;) {
    const x = await conn.recv();
    if (x === null) return;
    await conn.send(x as number);
  }
}

/** A child echoing on a Pipe; `ping()` is one round trip. */
async function pipeEcho(backend: mp.Backend) {
  const [mine, theirs] = mp.Pipe<number | null>();
  const p = new mp.Process({ target: echo, args: [theirs], backend });
  p.start();
  for (let i = 0; i < 200; i++) {
    await mine.send(i);
    await mine.recv();
  }
  return {
    async run(): Promise<number> {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) {
        await mine.send(i);
        await mine.recv();
      }
      return (performance.now() - t0) * 1000 / N;
    },
    async close(): Promise<void> {
      await mine.send(null);
      await p.join();
      mine.close();
    },
  };
}

async function raw(ping: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await ping();
  return (performance.now() - t0) * 1000 / N;
}

async function python(): Promise<number> {
  const out = await new Deno.Command("python3", {
    args: [`${here}latency.py`, String(N)],
    stdout: "piped",
  }).output();
  if (!out.success) throw new Error("python3 bench/compare/latency.py failed");
  return JSON.parse(new TextDecoder().decode(out.stdout)).pipe;
}

const worker = await pipeEcho("worker");
const subprocess = await pipeEcho("subprocess");
/** A fresh raw echo worker each run: it closes when idle for a second. */
async function rawWorker(): Promise<number> {
  const echoWorker = new EchoWorker();
  for (let i = 0; i < 200; i++) await echoWorker.ping();
  return raw(() => echoWorker.ping());
}

/** A fresh raw echo child each run: it exits when idle for a second. */
async function rawSubprocess(): Promise<number> {
  const echoProcess = new EchoProcess();
  for (let i = 0; i < 200; i++) await echoProcess.ping();
  return raw(() => echoProcess.ping());
}
const runs: Record<string, () => Promise<number>> = {
  pipeWorker: () => worker.run(),
  rawWorker: rawWorker,
  pipeSubprocess: () => subprocess.run(),
  rawSubprocess: rawSubprocess,
  python: python,
};
const us: Record<string, number[]> = {};
for (const key in runs) us[key] = [];
for (let round = 0; round < ROUNDS; round++) {
  console.error(`round ${round + 1}/${ROUNDS}`);
  const order = Object.entries(runs);
  if (round % 2 === 1) order.reverse();
  for (const [key, fn] of order) us[key].push(await fn());
}
await worker.close();
await subprocess.close();
const m = Object.fromEntries(Object.entries(us).map(([k, v]) => [k, median(v)]));
const row = (name: string, here: number, base: number, baseName: string) =>
  `| ${name} | ${here.toFixed(1)} µs | ${baseName} ${base.toFixed(1)} µs | ${
    (here / base).toFixed(2)
  }× | Python ${m.python.toFixed(1)} µs | ${(here / m.python).toFixed(2)}× |`;
console.log(
  "| Pipe ping-pong (send/recv int) | here | raw | here/raw | Python Pipe | here/Python |",
);
console.log("|---|---|---|---|---|---|");
console.log(row("worker", m.pipeWorker, m.rawWorker, "postMessage"));
console.log(row("subprocess", m.pipeSubprocess, m.rawSubprocess, "stdio frames"));
Deno.exit(0);
