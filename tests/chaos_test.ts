// A seeded mixed run that tries hard to break pools, queues and pipes at once:
// over 20 000 pool tasks on both backends, some of which throw, time out, call
// Deno.exit, get their subprocess SIGKILLed from outside, are aborted, or carry
// an argument that cannot be cloned — while children pass items through a
// Queue and a Pipe. Every task must end with its value or the right typed
// error, no item may be lost or repeated, and no child may outlive the run.
//
//   CHAOS_SEED=7 deno test -A --unstable-worker-options tests/chaos_test.ts
import * as mp from "../mod.ts";
import { deepEqual, equal, ok } from "./_assert.ts";
import { deadline, pidAlive } from "./_helpers.ts";
import { produce, relay, work } from "./fixtures/chaos_tasks.ts";

const SEED = Number(Deno.env.get("CHAOS_SEED") ?? 20261121);
const t = mp.tasks(new URL("./fixtures/chaos_tasks.ts", import.meta.url), {
  work,
  produce,
  relay,
});

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = "ok" | "throw" | "slow" | "exit" | "killed" | "abort" | "clone";

/** Children of this process that are still running (not zombies). */
function liveChildren(): number[] {
  const mine: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === Deno.pid && fields[0] !== "Z") mine.push(Number(entry.name));
    } catch {
      // The process ended while we looked.
    }
  }
  return mine;
}

Deno.test(`chaos: 20 000+ tasks, failures of every kind, queues and pipes (seed ${SEED})`, async () => {
  const rand = random(SEED);
  const before = new Set(liveChildren());
  const pick = (backend: mp.Backend): Kind => {
    const r = rand();
    if (r < 0.25) return "throw";
    if (r < 0.35) return "slow";
    if (r < 0.45) return "exit";
    if (r < 0.55) return backend === "subprocess" ? "killed" : "exit";
    if (r < 0.65) return "abort";
    if (r < 0.75) return "clone";
    return "ok";
  };

  // Queue → relay child → Pipe → parent, beside the pools.
  const q = new mp.Queue<[number, number]>({ maxsize: 100 });
  const [inbound, outbound] = mp.Pipe<[number, number]>({ duplex: false });
  const PER_PRODUCER = 2_000;
  const producers = (["worker", "subprocess"] as const).map((backend, tag) =>
    new mp.Process({ target: t.produce, args: [q, tag, PER_PRODUCER], backend })
  );
  const relayer = new mp.Process({
    target: t.relay,
    args: [q, outbound, 2 * PER_PRODUCER],
    backend: "subprocess",
  });
  [...producers, relayer].forEach((p) => p.start());
  const received = (async () => {
    const got: [number, number][] = [];
    for (;;) {
      try {
        got.push(await inbound.recv({ timeout: 30_000 }) as [number, number]);
      } catch (error) {
        if (error instanceof mp.EOFError) return got;
        throw error;
      }
    }
  })();

  const pids = new mp.Queue<number>();
  let tasks = 0;
  const seen = new Map<string, number>();
  const checks: Promise<void>[] = [];
  const expect = async (kind: Kind, x: number, call: Promise<unknown>) => {
    try {
      const v = await call;
      equal(kind, "ok", `task ${x} (${kind}) resolved ${v}`);
      equal(v, x * 2);
    } catch (error) {
      const e = error as Error;
      const want: Record<Kind, (e: Error) => boolean> = {
        ok: () => false,
        throw: (e) => e instanceof RangeError && e.message === `task ${x} failed on purpose`,
        slow: (e) => e instanceof mp.TaskTimeoutError,
        exit: (e) => e instanceof mp.WorkerCrashedError,
        killed: (e) => e instanceof mp.WorkerCrashedError,
        abort: (e) => e.message === `abort ${x}`,
        clone: (e) => e.name === "DataCloneError",
      };
      ok(want[kind](e), `task ${x} (${kind}) failed with ${e.name}: ${e.message}`);
    }
  };

  const pools = (["worker", "subprocess"] as const).map((backend) => ({
    backend,
    pool: new mp.Pool({ processes: 2, backend }),
  }));
  try {
    let x = 0;
    for (let round = 0; round < 5; round++) {
      for (const { backend, pool } of pools) {
        // Bulk work that must all come back right.
        const xs = Array.from({ length: 2_000 }, () => x++);
        checks.push(
          pool.starmap(t.work, xs.map((v) => ["ok", v] as [string, number]), { chunksize: 50 })
            .then((vs) => deepEqual(vs, xs.map((v) => v * 2))),
        );
        tasks += xs.length;
        // Thirty troublemakers per pool and round, in flight with the bulk work.
        for (let i = 0; i < 30; i++) {
          const kind = pick(backend);
          const id = x++;
          tasks++;
          seen.set(`${backend} ${kind}`, (seen.get(`${backend} ${kind}`) ?? 0) + 1);
          if (kind === "clone") {
            checks.push(expect(kind, id, pool.apply(t.work, ["ok", id, (() => id) as never])));
          } else if (kind === "abort") {
            const controller = new AbortController();
            setTimeout(() => controller.abort(new Error(`abort ${id}`)), 30 + rand() * 50);
            checks.push(
              expect(kind, id, pool.apply(t.work, [kind, id], { signal: controller.signal })),
            );
          } else if (kind === "killed") {
            const call = pool.apply(t.work, [kind, id, pids], { timeout: 30_000 });
            checks.push(expect(kind, id, call));
            checks.push(pids.get({ timeout: 30_000 }).then((pid) => Deno.kill(pid, "SIGKILL")));
          } else {
            checks.push(expect(kind, id, pool.apply(t.work, [kind, id], { timeout: 300 })));
          }
        }
      }
      await deadline(Promise.all(checks.splice(0)), 60_000, `round ${round}`);
    }
    ok(tasks >= 20_000, `${tasks} tasks`);
    for (const backend of ["worker", "subprocess"]) {
      const kinds = ["throw", "slow", "exit", "abort", "clone"];
      if (backend === "subprocess") kinds.push("killed");
      for (const kind of kinds) {
        ok(seen.has(`${backend} ${kind}`), `no ${backend} ${kind} task ran`);
      }
    }
    console.log(`${tasks} tasks;`, Object.fromEntries(seen));
  } finally {
    for (const { pool } of pools) pool.terminate();
    for (const { pool } of pools) await deadline(pool.join(), 20_000, "pool join");
  }

  const got = await deadline(received, 30_000, "pipe drained");
  for (const p of [...producers, relayer]) {
    await deadline(p.join(), 20_000, `${p.name} join`);
    equal(p.exitcode, 0, `${p.name} exit code`);
  }
  equal(got.length, 2 * PER_PRODUCER, "every queued item arrived once");
  for (const tag of [0, 1]) {
    deepEqual(
      got.filter(([t]) => t === tag).map(([, i]) => i),
      Array.from({ length: PER_PRODUCER }, (_, i) => i),
      `producer ${tag}: each item once, in order`,
    );
  }
  inbound.close();
  q.close();
  pids.close();
  const left = liveChildren().filter((pid) => !before.has(pid) && pidAlive(pid));
  deepEqual(left, [], "no child process outlives the run");
  console.log(`${got.length} items through Queue → relay → Pipe; ${left.length} children left`);
});
