// Manager dict writes from a child: this library (worker and subprocess
// children) against Python's multiprocessing.Manager().dict()
// (python3 bench/compare/manager.py), in interleaved rounds, medians reported.
// The work is the same in both: a child does N `d[i] = i`, timed inside the
// child from its first set to its last, then reads the size once so that
// every set is known to have arrived.
//
//   deno run -A --unstable-worker-options bench/compare/manager.ts [rounds] [N]
import { fileURLToPath } from "node:url";
import * as mp from "../../mod.ts";

/** Sets per child. */
export const N = 20_000;

/**
 * A child on `backend` does `n` sets into a manager dict.
 *
 * @returns The child's milliseconds from its first set to the size read.
 */
export async function dictSets(backend: mp.Backend, n = N): Promise<number> {
  await using manager = new mp.Manager();
  const d = await manager.dict<number, number>();
  const done = new mp.Queue<[number, number]>();
  const p = new mp.Process({
    target: async (
      d: mp.DictProxy<number, number>,
      n: number,
      done: mp.Queue<[number, number]>,
    ) => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await d.set(i, i);
      const size = await d.size();
      await done.put([size, performance.now() - t0]);
    },
    args: [d, n, done],
    backend,
  });
  p.start();
  const [size, ms] = await done.get();
  await p.join();
  if (size !== n || (await d.get(n - 1)) !== n - 1) throw new Error(`Only ${size} of ${n} arrived`);
  return ms;
}

/** A worker posts `n` `[i, i]` messages that the parent puts in a Map, then one round trip. */
export async function rawWorkerSets(n = N): Promise<number> {
  const source = `onmessage = (e) => {
    const t0 = performance.now();
    for (let i = 0; i < e.data; i++) postMessage([i, i]);
    postMessage("size?");
    onmessage = (e) => postMessage(["done", e.data, performance.now() - t0]);
  };`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module" });
  const map = new Map<number, number>();
  try {
    return await new Promise<number>((resolve, reject) => {
      worker.onerror = (e) => reject(e.error ?? new Error(e.message));
      worker.onmessage = (e) => {
        const m = e.data;
        if (m === "size?") worker.postMessage(map.size);
        else if (m[0] === "done") {
          if (m[1] !== n) reject(new Error(`Only ${m[1]} of ${n} arrived`));
          resolve(m[2]);
        } else map.set(m[0], m[1]);
      };
      worker.postMessage(n);
    });
  } finally {
    worker.terminate();
    URL.revokeObjectURL(url);
  }
}

async function python(n: number): Promise<number> {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const out = await new Deno.Command("python3", {
    args: [`${here}manager.py`, String(n)],
    stdout: "piped",
  }).output();
  if (!out.success) throw new Error("python3 bench/compare/manager.py failed");
  return JSON.parse(new TextDecoder().decode(out.stdout)).ms;
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 7);
  const n = Number(Deno.args[1] ?? N);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const runs: Record<string, () => Promise<number>> = {
    raw: () => rawWorkerSets(n),
    worker: () => dictSets("worker", n),
    subprocess: () => dictSets("subprocess", n),
    python: () => python(n),
  };
  const ms: Record<string, number[]> = {};
  for (const key in runs) ms[key] = [];
  await runs.worker(); // warm-up: module loading, JIT
  for (let round = 0; round < rounds; round++) {
    console.error(`round ${round + 1}/${rounds}`);
    const order = Object.entries(runs);
    // The order flips every round so that none always follows another.
    if (round % 2 === 1) order.reverse();
    for (const [key, fn] of order) ms[key].push(await fn());
  }
  const m = Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, median(v)]));
  const rate = (t: number) => `${Math.round(n / t)} k ops/s`;
  console.log(`Medians of ${rounds} interleaved rounds, ${n} d[i] = i from one child:\n`);
  console.log("| contender | ms | rate | vs Python |\n|---|---|---|---|");
  for (
    const [key, label] of [
      ["worker", "mp.Manager dict, worker child"],
      ["subprocess", "mp.Manager dict, subprocess child"],
      ["python", "Python Manager().dict(), child process"],
      ["raw", "baseline: raw worker postMessage per set into a Map"],
    ]
  ) {
    console.log(
      `| ${label} | ${m[key].toFixed(1)} | ${rate(m[key])} | ${(m.python / m[key]).toFixed(2)}× |`,
    );
  }
  console.log(
    `\nraw ms: ${
      JSON.stringify(Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v.map(Math.round)])))
    }`,
  );
}
