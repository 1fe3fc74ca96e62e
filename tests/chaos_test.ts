// A seeded mixed run that tries hard to break pools, queues and pipes at once:
// over 100 000 pool tasks on both backends, some of which throw, time out,
// spin without yielding, call Deno.exit, get their subprocess SIGKILLed from
// outside, are aborted, carry an argument that cannot be cloned, an object of
// a class, or one over the frame cap — while children pass items through a
// Queue and a Pipe, and parents of spinning subprocess children and
// grandchildren are SIGKILLed. Every task must end with its value or the
// right typed error, no item may be lost or repeated, no child may outlive
// the run, and no thread may be left spinning.
//
//   CHAOS_SEED=7 deno test -A --unstable-worker-options tests/chaos_test.ts
import * as mp from "../mod.ts";
import { deepEqual, equal, ok } from "./_assert.ts";
import { busyThreads, deadline, pidAlive, pidsOfKilledParent } from "./_helpers.ts";
import { carry, produce, relay, spin, work } from "./fixtures/chaos_tasks.ts";

const SEED = Number(Deno.env.get("CHAOS_SEED") ?? 20261121);
const t = mp.tasks(new URL("./fixtures/chaos_tasks.ts", import.meta.url), {
  work,
  produce,
  relay,
  spin,
  carry,
});
const MiB = 1024 * 1024;

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

type Kind =
  | "ok"
  | "throw"
  | "slow"
  | "spin"
  | "exit"
  | "killed"
  | "abort"
  | "clone"
  | "instance"
  | "oversize";

class Point {
  constructor(public x: number) {}
}

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

/**
 * Starts a program whose subprocess child and grandchild spin, SIGKILLs the
 * program, and returns how many of the two are still alive a second later.
 */
async function orphansAfterParentDeath(): Promise<number> {
  const pids = await pidsOfKilledParent(["orphan-spin"]);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const alive = pids.filter(pidAlive);
  for (const pid of alive) Deno.kill(pid, "SIGKILL");
  return alive.length;
}

Deno.test(`chaos: 100 000+ tasks, failures of every kind, queues and pipes (seed ${SEED})`, async () => {
  const rand = random(SEED);
  const before = new Set(liveChildren());
  const pick = (backend: mp.Backend): Kind => {
    const r = rand();
    if (r < 0.2) return "throw";
    if (r < 0.28) return "slow";
    if (r < 0.34) return "spin";
    if (r < 0.42) return "exit";
    if (r < 0.5) return backend === "subprocess" ? "killed" : "exit";
    if (r < 0.58) return "abort";
    if (r < 0.64) return "clone";
    if (r < 0.7) return "instance";
    if (r < 0.76) return backend === "subprocess" ? "oversize" : "instance";
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
        spin: (e) => e instanceof mp.TaskTimeoutError,
        exit: (e) => e instanceof mp.WorkerCrashedError,
        killed: (e) => e instanceof mp.WorkerCrashedError,
        abort: (e) => e.message === `abort ${x}`,
        clone: (e) => e.name === "DataCloneError",
        instance: (e) => e.name === "DataCloneError" && /of class Point/.test(e.message),
        oversize: (e) => e instanceof RangeError && /over this channel's frame cap/.test(e.message),
      };
      ok(want[kind](e), `task ${x} (${kind}) failed with ${e.name}: ${e.message}`);
    }
  };

  const pools = (["worker", "subprocess"] as const).map((backend) => ({
    backend,
    pool: new mp.Pool({ processes: 2, backend, maxFrameBytes: MiB }),
  }));
  // Parents of spinning subprocess children die beside the pools.
  const orphans = Promise.all([orphansAfterParentDeath(), orphansAfterParentDeath()]);
  try {
    let x = 0;
    for (let round = 0; round < 10; round++) {
      for (const { backend, pool } of pools) {
        // Bulk work that must all come back right.
        const xs = Array.from({ length: 5_000 }, () => x++);
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
          } else if (kind === "instance") {
            checks.push(expect(kind, id, pool.apply(t.carry, [id, { at: new Point(id) }])));
          } else if (kind === "oversize") {
            checks.push(expect(kind, id, pool.apply(t.carry, [id, new Uint8Array(2 * MiB)])));
          } else if (kind === "spin") {
            // A worker thread cannot be interrupted: it spins past the timeout, then stops.
            const ms = backend === "worker" ? 400 : Infinity;
            checks.push(expect(kind, id, pool.apply(t.spin, [id, ms], { timeout: 300 })));
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
    ok(tasks >= 100_000, `${tasks} tasks`);
    for (const backend of ["worker", "subprocess"]) {
      const kinds = ["throw", "slow", "spin", "exit", "abort", "clone", "instance"];
      if (backend === "subprocess") kinds.push("killed", "oversize");
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
  const orphaned = (await orphans).reduce((a, b) => a + b, 0);
  equal(orphaned, 0, "spinning children and grandchildren die with their SIGKILLed parent");
  const busy = await busyThreads();
  equal(busy, 0, "no thread is left spinning");
  console.log(
    `${got.length} items through Queue → relay → Pipe; ${left.length} children left; ${orphaned} orphans; ${busy} busy threads`,
  );
});
