// Pool: timeouts, crashes, cancellation and termination never hang and never
// take the pool down.
import * as mp from "../mod.ts";
import { deepEqual, equal, match, ok, rejects } from "./_assert.ts";
import { deadline, PROGRAM, runProgram } from "./_helpers.ts";
import { P, T } from "./fixtures/tasks.ts";

const ALL: readonly mp.PoolBackend[] = ["worker", "subprocess", "inline"];
// Killing a child is what these tests do; an inline task runs in this very
// process, where Deno.exit() or a crash would end the test runner itself.
const CHILDREN: readonly mp.PoolBackend[] = ["worker", "subprocess"];

function poolTest(
  backends: readonly mp.PoolBackend[],
  name: string,
  fn: (pool: mp.Pool, backend: mp.PoolBackend) => Promise<void>,
  options: mp.PoolOptions = {},
) {
  for (const backend of backends) {
    Deno.test(`[${backend}] ${name}`, async () => {
      const pool = new mp.Pool({ processes: 2, backend, ...options });
      try {
        await deadline(fn(pool, backend), 30_000, name);
      } finally {
        pool.terminate();
        await deadline(pool.join(), 5000, "join()");
      }
    });
  }
}

// An inline task cannot be stopped, so there the "long" task sleeps 1 s and
// the test waits it out (no timer may outlive a test).
const longMs = (backend: mp.PoolBackend) => backend === "inline" ? 1000 : 30_000;
const settle = (backend: mp.PoolBackend) =>
  backend === "inline" ? new Promise((r) => setTimeout(r, 1100)) : Promise.resolve();

poolTest(
  ALL,
  "a task past its timeout rejects with TaskTimeoutError within 1 s",
  async (pool, backend) => {
    await pool.apply(T.add, [1, 1]); // the workers are up: time the timeout alone
    const t0 = performance.now();
    await rejects(pool.apply(T.sleep, [longMs(backend)], { timeout: 200 }), (e: Error) => {
      ok(e instanceof mp.TaskTimeoutError);
      ok(e instanceof mp.TimeoutError);
      match(e.message, /ran longer than its 200 ms timeout/);
      return true;
    });
    ok(performance.now() - t0 < 1000, `took ${performance.now() - t0} ms`);
    deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
    equal(pool.stats().timedOut, 1);
    await settle(backend);
  },
);

poolTest(ALL, "the timeout counts run time only, not time queued", async (pool) => {
  // Four 150 ms tasks on two workers with a 250 ms limit: the last two wait
  // ~150 ms in the queue, then run within their limit.
  const wait150 = (x: number) => new Promise<number>((r) => setTimeout(() => r(x), 150));
  const results = await pool.map(wait150, [1, 2, 3, 4], { chunksize: 1, timeout: 250 });
  deepEqual(results, [1, 2, 3, 4]);
});

poolTest(
  ALL,
  "the rest of a timed-out chunk is re-run elsewhere, not lost",
  async (pool, backend) => {
    // Item values are sleep times: the first item overruns, the rest are quick.
    const sleepFor = (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms));
    const got: number[] = [];
    const errors: unknown[] = [];
    const items = [longMs(backend), 1, 2, 3];
    const it = pool.imapUnordered(sleepFor, items, { chunksize: 4, timeout: 300 });
    for (;;) {
      try {
        const step = await it.next();
        if (step.done) break;
        got.push(step.value);
      } catch (error) {
        errors.push(error);
      }
    }
    deepEqual(got.sort(), [1, 2, 3]);
    equal(errors.length, 1);
    ok(errors[0] instanceof mp.TaskTimeoutError);
    await settle(backend);
  },
);

poolTest(CHILDREN, "a function target that uses an outside variable gets a hint", async (pool) => {
  const outside = 5;
  await rejects(pool.apply(() => outside), (e: Error) => {
    ok(e instanceof ReferenceError);
    match(e.message, /outside is not defined.*as source text/);
    return true;
  });
});

poolTest(
  CHILDREN,
  "a task calling Deno.exit(1) rejects with WorkerCrashedError; the pool goes on",
  async (pool) => {
    await rejects(pool.apply(T.exitWith, [1]), (e: Error) => {
      ok(e instanceof mp.WorkerCrashedError);
      equal(e.exitCode, 1);
      match(e.message, /PoolWorker-\S+ exited with code 1 while running task 0/);
      return true;
    });
    deepEqual(await pool.map((x: number) => x + 1, [1, 2, 3]), [2, 3, 4]);
    equal(pool.stats().crashed, 1);
    equal(pool.stats().processes, 2);
  },
);

poolTest(
  CHILDREN,
  "an uncaught error in a task's timer callback crashes only that task",
  async (pool) => {
    await rejects(pool.apply(P.crashLater), mp.WorkerCrashedError);
    equal(await pool.apply(T.add, [2, 2]), 4);
  },
);

poolTest(
  ["subprocess"],
  "a worker SIGKILLed from outside mid-task rejects with WorkerCrashedError",
  async (pool) => {
    const pid = await pool.apply(P.pid);
    const running = pool.apply(T.sleep, [30_000]);
    await new Promise((r) => setTimeout(r, 200));
    Deno.kill(pid, "SIGKILL");
    await rejects(running, (e: Error) => {
      ok(e instanceof mp.WorkerCrashedError);
      equal(e.signal, "SIGKILL");
      equal(e.exitCode, null);
      return true;
    });
    equal(await pool.apply(T.add, [1, 2]), 3);
  },
  { processes: 1 },
);

poolTest(
  CHILDREN,
  "terminate() with 30 s tasks running returns within 2 s and cancels them",
  async (pool) => {
    const running = [pool.apply(T.sleep, [30_000]), pool.map(T.sleep, [30_000, 30_000, 30_000])]
      .map((p) => p.catch((e) => e));
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    pool.terminate();
    await pool.join();
    ok(performance.now() - t0 < 2000);
    for (const p of running) ok(await p instanceof mp.CancelledError);
  },
);

poolTest(
  ALL,
  "an aborted map rejects with the signal's reason; queued items are dropped",
  async (pool, backend) => {
    const controller = new AbortController();
    let ran = 0;
    const result = pool.map(
      async (x: number) => {
        await new Promise((r) => setTimeout(r, 100));
        return x;
      },
      Array.from({ length: 100 }, (_, i) => i),
      {
        chunksize: 1,
        signal: controller.signal,
        onProgress: ({ done }) => (ran = done),
      },
    );
    setTimeout(() => controller.abort(new Error("stop now")), 150);
    await rejects(result, /stop now/);
    ok(ran < 10, `ran ${ran}`);
    await rejects(
      pool.map((x: number) => x, [1], { signal: AbortSignal.abort(new RangeError("pre")) }),
      RangeError,
    );
    deepEqual(await pool.map((x: number) => x, [1, 2]), [1, 2]);
    await settle(backend);
  },
);

poolTest(ALL, "an aborted imap throws the reason from the iteration", async (pool, backend) => {
  const controller = new AbortController();
  const got: number[] = [];
  await rejects(
    (async () => {
      for await (
        const v of pool.imap((x: number) => x, [1, 2, 3, 4], {
          chunksize: 1,
          signal: controller.signal,
        })
      ) {
        got.push(v);
        if (v === 2) controller.abort(new Error("enough"));
      }
    })(),
    /enough/,
  );
  deepEqual(got, [1, 2]);
  await settle(backend);
});

poolTest(ALL, "an initializer that throws fails the calls instead of hanging", async (pool) => {
  await rejects(pool.apply(T.add, [1, 2]), (e: Error) => {
    ok(e instanceof mp.WorkerCrashedError);
    match(e.message, /initializer threw.*initializer refuses/);
    ok(e.cause instanceof RangeError);
    return true;
  });
  await rejects(pool.map((x: number) => x, [1, 2]), mp.WorkerCrashedError);
}, { initializer: P.failInit });

Deno.test("[subprocess] a worker that runs out of memory rejects with WorkerCrashedError", async () => {
  // A worker backend cannot be tested this way: an isolate out of memory
  // ends its whole process in Deno (see the README's known limits).
  const out = await runProgram(PROGRAM, ["oom"], {
    env: { DENO_V8_FLAGS: "--max-old-space-size=64" },
  });
  match(out.stdout, /WorkerCrashedError signal=SIG(TRAP|ABRT|KILL|SEGV)/);
  match(out.stdout, /next=2/);
  equal(out.code, 0);
});

poolTest(
  ["inline"],
  "terminate() with long tasks running returns at once and cancels them",
  async (pool) => {
    const running = [pool.apply(T.sleep, [1000]), pool.map(T.sleep, [1000, 1000])]
      .map((p) => p.catch((e) => e));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    pool.terminate();
    await pool.join();
    ok(performance.now() - t0 < 500);
    for (const p of running) ok(await p instanceof mp.CancelledError);
    await new Promise((r) => setTimeout(r, 1000)); // the abandoned sleeps end
  },
);

poolTest(
  CHILDREN,
  "crashes, timeouts and aborts while work is queued: every call settles",
  async (pool) => {
    const settle = (p: Promise<unknown>) => p.then(() => "ok", (e) => (e as Error).name);
    const calls = Array.from({ length: 160 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return settle(pool.apply(T.exitWith, [2]));
        case 1:
          return settle(pool.apply(T.sleep, [5000], { timeout: 30 }));
        case 2:
          return settle(pool.apply(T.sleep, [5000], { signal: AbortSignal.timeout(20) }));
        default:
          return settle(pool.apply(T.add, [i, 0]));
      }
    });
    const outcomes = await Promise.all(calls);
    const expected = ["WorkerCrashedError", "TaskTimeoutError", "TimeoutError", "ok"];
    outcomes.forEach((outcome, i) => equal(outcome, expected[i % 4], `call ${i}`));
    equal(pool.stats().crashed, 40);
    equal(pool.stats().timedOut, 40);
  },
);
