// Manager dict writes, beside a baseline measured in the same run; the group
// summary gives the ratio. deno bench times the whole call, the child's
// start-up included; bench/compare/manager.ts reports the child's own time
// for the same work, and Python's Manager().dict() beside it.
//
//   deno bench -A --no-check --unstable-worker-options bench/manager_bench.ts
import * as mp from "../mod.ts";
import { dictSets, N, rawWorkerSets } from "./compare/manager.ts";

const CHILD = `${N} d[i] = i from one child, then one read`;
const LOCAL = "10 000 d[i] = i and 10 000 reads in the owning process";
const runs = { n: 8, warmup: 2 };

Deno.bench({
  name: "baseline: a raw worker, a postMessage per set into a Map",
  group: CHILD,
  baseline: true,
  ...runs,
  fn: async () => void await rawWorkerSets(),
});
Deno.bench({
  name: "mp.Manager dict, worker child",
  group: CHILD,
  ...runs,
  fn: async () => void await dictSets("worker"),
});
Deno.bench({
  name: "mp.Manager dict, subprocess child",
  group: CHILD,
  ...runs,
  fn: async () => void await dictSets("subprocess"),
});

Deno.bench({
  name: "baseline: a plain Map (no copies, no promises)",
  group: LOCAL,
  baseline: true,
  fn: () => {
    const map = new Map<number, { i: number }>();
    for (let i = 0; i < 10_000; i++) map.set(i, { i });
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += map.get(i)!.i;
    if (sum !== 49_995_000) throw new Error(`sum ${sum}`);
  },
});
Deno.bench({
  name: "mp.Manager dict in the owner",
  group: LOCAL,
  fn: async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<number, { i: number }>();
    for (let i = 0; i < 10_000; i++) await d.set(i, { i });
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += (await d.get(i))!.i;
    if (sum !== 49_995_000) throw new Error(`sum ${sum}`);
  },
});
