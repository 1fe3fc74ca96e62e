// Synchronisation workloads, each beside its raw baseline in the same group
// (the group summary gives the ratio). bench/compare/sync.ts runs the same
// work beside Python's multiprocessing.
import * as mp from "../mod.ts";
import {
  CHILDREN,
  counterMp,
  counterRaw,
  INCREMENTS,
  PAIRS,
  pairsLock,
  pairsRaw,
} from "./sync_workloads.ts";

const UNCONTENDED = `${PAIRS} uncontended acquire/release pairs`;
const CONTENDED = `${CHILDREN} children × ${INCREMENTS} increments under one lock`;

Deno.bench({
  name: "baseline: a bare Atomics mutex (CAS, waitAsync)",
  group: UNCONTENDED,
  baseline: true,
  n: 20,
  warmup: 5,
  fn: async () => void await pairsRaw(),
});
const lock = new mp.Lock();
Deno.bench({
  name: "mp.Lock",
  group: UNCONTENDED,
  n: 20,
  warmup: 5,
  fn: async () => void await pairsLock(lock),
});
const rlock = new mp.RLock();
Deno.bench({
  name: "mp.RLock",
  group: UNCONTENDED,
  n: 20,
  warmup: 5,
  fn: async () => void await pairsLock(rlock),
});

Deno.bench({
  name: "baseline: 4 raw workers, a bare Atomics mutex around a counter",
  group: CONTENDED,
  baseline: true,
  n: 8,
  warmup: 2,
  fn: async () => void await counterRaw(),
});
Deno.bench({
  name: "mp.Value + getLock(), worker children",
  group: CONTENDED,
  n: 8,
  warmup: 2,
  fn: async () => void await counterMp("worker"),
});
Deno.bench({
  name: "mp.Value + getLock(), subprocess children",
  group: CONTENDED,
  n: 2,
  warmup: 0,
  fn: async () => void await counterMp("subprocess"),
});
