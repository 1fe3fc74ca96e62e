// Round trips, the way users hit them: a Pipe ping-pong (send/recv of an int,
// parent ⇄ child) on both backends, beside the raw primitive under each (a
// postMessage ping-pong with a worker; 8-byte frames over the fd-3 socket a
// subprocess child uses, and over Deno.Command's stdio for reference) and
// Python's Pipe ping-pong, in interleaved rounds; medians of µs per round
// trip, and each Pipe figure as a ratio of its raw baseline. Pin it to one
// CPU for stable figures:
//
//   taskset -c 0 deno run -A bench/compare/latency.ts [rounds]
import * as mp from "../../mod.ts";
import { EchoProcess, EchoSocketProcess, EchoWorker } from "../workloads.ts";
import { interleaved, python } from "./_rounds.ts";

const ROUNDS = Number(Deno.args[0] ?? 7);
const N = Number(Deno.args[1] ?? 2000);

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

const worker = await pipeEcho("worker");
const subprocess = await pipeEcho("subprocess");
/** A fresh raw echo worker each run: it closes when idle for a second. */
async function rawWorker(): Promise<number> {
  const echoWorker = new EchoWorker();
  for (let i = 0; i < 200; i++) await echoWorker.ping();
  return raw(() => echoWorker.ping());
}

/** A fresh raw echo child over the fd-3 socket each run: the transport a Pipe's child uses. */
async function rawSocket(): Promise<number> {
  const echo = new EchoSocketProcess();
  for (let i = 0; i < 200; i++) await echo.ping();
  const us = await raw(() => echo.ping());
  echo.close();
  return us;
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
  rawSocket: rawSocket,
  python: async () => (await python("latency.py", [String(N)])).pipe,
};
const m = await interleaved(runs, ROUNDS);
await worker.close();
await subprocess.close();
const row = (name: string, here: number, base: number, baseName: string) =>
  `| ${name} | ${here.toFixed(1)} µs | ${baseName} ${base.toFixed(1)} µs | ${
    (here / base).toFixed(2)
  }× | Python ${m.python.toFixed(1)} µs | ${(here / m.python).toFixed(2)}× |`;
console.log(
  "| Pipe ping-pong (send/recv int) | here | raw | here/raw | Python Pipe | here/Python |",
);
console.log("|---|---|---|---|---|---|");
console.log(row("worker", m.pipeWorker, m.rawWorker, "postMessage"));
console.log(row("subprocess", m.pipeSubprocess, m.rawSocket, "fd-3 socket frames"));
console.log(row("(subprocess)", m.pipeSubprocess, m.rawSubprocess, "Deno.Command stdio frames"));
Deno.exit(0);
