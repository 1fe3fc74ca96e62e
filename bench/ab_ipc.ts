// A/B: the IPC workloads (W4, W5, W5 bytes) from two checkouts of this
// repository, interleaved on the same machine, each side's median reported
// with the throughput ratio new/old — how a change to the channels is held
// to "no throughput row falls by more than 10 %".
//
//   git worktree add /tmp/old <commit>
//   deno run -A bench/ab_ipc.ts /tmp/old . [rounds]
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [oldRoot, newRoot, roundsArg] = Deno.args;
if (oldRoot === undefined || newRoot === undefined) {
  console.error("usage: deno run -A bench/ab_ipc.ts <old checkout> <new checkout> [rounds]");
  Deno.exit(2);
}
const ROUNDS = Number(roundsArg ?? 7);
type Workloads = typeof import("./ipc_workloads.ts");
const load = (root: string): Promise<Workloads> =>
  import(pathToFileURL(resolve(root, "bench/ipc_workloads.ts")).href);
const [A, B] = await Promise.all([load(oldRoot), load(newRoot)]);

const work: Record<string, (m: Workloads) => Promise<number>> = {
  "W4 worker": (m) => m.w4Queue("worker"),
  "W4 subprocess": (m) => m.w4Queue("subprocess"),
  "W5 worker": (m) => m.w5Pipe("worker"),
  "W5 subprocess": (m) => m.w5Pipe("subprocess"),
  "W5 bytes worker": (m) => m.w5Bytes("worker"),
  "W5 bytes subprocess": (m) => m.w5Bytes("subprocess"),
};
const ms: Record<string, { old: number[]; new: number[] }> = {};
for (const key in work) ms[key] = { old: [], new: [] };
for (let round = 0; round < ROUNDS; round++) {
  console.error(`round ${round + 1}/${ROUNDS}`);
  for (const [key, run] of Object.entries(work)) {
    // Who goes first flips every round.
    const pair: [Workloads, number[]][] = [[A, ms[key].old], [B, ms[key].new]];
    if (round % 2 === 1) pair.reverse();
    for (const [m, into] of pair) into.push(await run(m));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log("| workload | old ms | new ms | new/old throughput |\n|---|---|---|---|");
for (const [key, t] of Object.entries(ms)) {
  const [o, n] = [median(t.old), median(t.new)];
  console.log(`| ${key} | ${o.toFixed(0)} | ${n.toFixed(0)} | ${(o / n).toFixed(2)}× |`);
}
