// IPC workloads, each beside its raw baseline in the same group; the group
// summary gives the ratio. deno bench times the whole call, children's
// start-up included; bench/compare/ipc.ts (deno task compare) reports the
// steady-state throughput of the same workloads, and Python's beside them.
import {
  W4_ITEMS,
  w4Queue,
  w4Raw,
  W5_BLOCKS,
  W5_MESSAGES,
  w5Bytes,
  w5BytesRaw,
  w5Pipe,
  w5Raw,
} from "./ipc_workloads.ts";

const W4 = `W4 ${W4_ITEMS} small items, producer child → consumer child`;
const W5 = `W5 ${W5_MESSAGES} small messages, child → parent`;
const W5B = `W5 ${W5_BLOCKS} × 1 MiB, child → parent`;
const runs = { n: 8, warmup: 2 };

Deno.bench({
  name: "W4 baseline: 2 raw workers, a MessageChannel, a postMessage per item",
  group: W4,
  baseline: true,
  ...runs,
  fn: async () => void await w4Raw(),
});
Deno.bench({
  name: "W4 mp.Queue, worker children",
  group: W4,
  ...runs,
  fn: async () => void await w4Queue("worker"),
});
Deno.bench({
  name: "W4 mp.Queue, subprocess children",
  group: W4,
  ...runs,
  fn: async () => void await w4Queue("subprocess"),
});

Deno.bench({
  name: "W5 baseline: a raw worker, a postMessage per message",
  group: W5,
  baseline: true,
  ...runs,
  fn: async () => void await w5Raw(),
});
Deno.bench({
  name: "W5 mp.Pipe send/recv, worker child",
  group: W5,
  ...runs,
  fn: async () => void await w5Pipe("worker"),
});
Deno.bench({
  name: "W5 mp.Pipe send/recv, subprocess child",
  group: W5,
  ...runs,
  fn: async () => void await w5Pipe("subprocess"),
});

Deno.bench({
  name: "W5 baseline: a raw worker, a copied (cloned) postMessage per MiB",
  group: W5B,
  baseline: true,
  ...runs,
  fn: async () => void await w5BytesRaw(),
});
Deno.bench({
  name: "W5 mp.Pipe sendBytes/recvBytes, worker child",
  group: W5B,
  ...runs,
  fn: async () => void await w5Bytes("worker"),
});
Deno.bench({
  name: "W5 mp.Pipe sendBytes/recvBytes, subprocess child",
  group: W5B,
  ...runs,
  fn: async () => void await w5Bytes("subprocess"),
});
