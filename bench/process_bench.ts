// Process start→join of a trivial target, beside the raw platform baseline
// it is built on, on each backend. The group summary gives the ratio.
//
//   deno task bench    (= deno bench -A --no-check ... bench/)
//
// --no-check: under `deno bench` every Worker's module graph is type-checked
// as it loads, a cost `deno run` never pays and that grows with the graph,
// so it would bill the library's child entry for a harness artifact. The
// code is type-checked by `deno task check` instead. n/warmup are fixed so
// both sides of a group run the same number of iterations.
import { fileURLToPath } from "node:url";
import * as mp from "../mod.ts";

const READY_WORKER = new URL("./fixtures/ready_worker.ts", import.meta.url);
const EMPTY = fileURLToPath(new URL("./fixtures/empty.ts", import.meta.url));

Deno.bench({
  name: "raw new Worker → first message → terminate",
  group: "worker",
  baseline: true,
  n: 150,
  warmup: 15,
  async fn() {
    const worker = new Worker(READY_WORKER, { type: "module" });
    await new Promise((resolve) => (worker.onmessage = resolve));
    worker.terminate();
  },
});

Deno.bench({
  name: "mp.Process worker start → join",
  group: "worker",
  n: 150,
  warmup: 15,
  async fn() {
    const p = new mp.Process({ target: () => {} });
    p.start();
    await p.join();
    if (p.exitcode !== 0) throw new Error(`exitcode ${p.exitcode}`);
  },
});

Deno.bench({
  name: "raw Deno.Command deno run (no config) → exit",
  group: "subprocess",
  baseline: true,
  n: 150,
  warmup: 15,
  async fn() {
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", EMPTY],
      stdin: "null",
    }).output();
    if (code !== 0) throw new Error(`exit code ${code}`);
  },
});

Deno.bench({
  name: "mp.Process subprocess start → join",
  group: "subprocess",
  n: 150,
  warmup: 15,
  async fn() {
    const p = new mp.Process({ target: () => {}, backend: "subprocess" });
    p.start();
    await p.join();
    if (p.exitcode !== 0) throw new Error(`exitcode ${p.exitcode}`);
  },
});
