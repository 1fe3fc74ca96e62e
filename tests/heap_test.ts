// maxHeapMb: a subprocess child's V8 heap cap. A task past it kills its
// worker (V8's fatal out-of-memory error), which the pool reports and
// replaces; a worker child cannot be capped at all.
import * as mp from "../mod.ts";
import { deepEqual, equal, match, ok, rejects, throws } from "./_assert.ts";
import { deadline } from "./_helpers.ts";
import { H } from "./fixtures/hostile_tasks.ts";

Deno.test("a pool task allocating past maxHeapMb rejects with WorkerCrashedError; the worker is replaced", async () => {
  const pool = new mp.Pool({ processes: 1, backend: "subprocess", maxHeapMb: 64 });
  try {
    await deadline(
      (async () => {
        equal(await pool.apply(H.slowEcho, ["up", 0]), "up");
        await rejects(pool.apply(H.exhaustHeap, []), (e: Error) => {
          ok(e instanceof mp.WorkerCrashedError, String(e));
          const crash = e as mp.WorkerCrashedError;
          equal(crash.signal, "SIGTRAP");
          equal(crash.exitCode, null);
          match(e.message, /PoolWorker-\d+ was killed by SIGTRAP \(most likely out of memory/);
          match(e.message, /maxHeapMb 64 MiB/);
          return true;
        });
        deepEqual(await pool.map((x: number) => x + 1, [1, 2, 3]), [2, 3, 4]);
        equal(pool.stats().crashed, 1);
      })(),
      20_000,
      "heap-capped pool",
    );
  } finally {
    pool.terminate();
    await deadline(pool.join(), 5000, "join()");
  }
});

Deno.test("a Process child past its maxHeapMb ends with a non-zero exitcode", async () => {
  const p = new mp.Process({ target: H.exhaustHeap, backend: "subprocess", maxHeapMb: 64 });
  p.start();
  await deadline(p.join(), 20_000, "heap-capped process");
  ok(p.exitcode !== 0 && p.exitcode !== null, `exitcode ${p.exitcode}`);
  equal(p.exitcode, -5); // SIGTRAP: V8's fatal out-of-memory
});

Deno.test("a child under its maxHeapMb runs normally", async () => {
  await using pool = new mp.Pool({ processes: 1, backend: "subprocess", maxHeapMb: 128 });
  equal(await deadline(pool.apply(H.bigResult, [1000]), 15_000, "apply"), "x".repeat(1000));
});

/** Asserts `fn` throws a `type` whose message contains `text`. */
function throwsWith(fn: () => unknown, type: ErrorConstructor, text: string): void {
  throws(fn, (e: Error) => {
    ok(e instanceof type, `${e} is not a ${type.name}`);
    ok(e.message.includes(text), `${JSON.stringify(e.message)} lacks ${JSON.stringify(text)}`);
    return true;
  });
}

Deno.test("maxHeapMb with the worker backend is an error naming it", () => {
  throwsWith(
    () => new mp.Pool({ processes: 1, backend: "worker", maxHeapMb: 64 }),
    TypeError,
    'Deno cannot cap a worker\'s heap: use backend: "subprocess"',
  );
  throwsWith(
    () => new mp.Pool({ processes: 1, maxHeapMb: 64 }),
    TypeError,
    "Deno cannot cap a worker's heap",
  );
  throwsWith(
    () => new mp.Process({ target: () => {}, maxHeapMb: 64 }),
    TypeError,
    'Deno cannot cap a worker\'s heap: use backend: "subprocess"',
  );
  throwsWith(
    () => new mp.Pool({ processes: 1, backend: "inline", maxHeapMb: 64 }),
    TypeError,
    'The "inline" backend runs tasks in this process',
  );
});

Deno.test("bad maxHeapMb values are RangeErrors", () => {
  for (const bad of [0, -64, 1.5, "64", NaN, Infinity]) {
    throwsWith(
      () => new mp.Process({ target: () => {}, backend: "subprocess", maxHeapMb: bad as number }),
      RangeError,
      "Expected `maxHeapMb` to be a positive integer number of MiB, got",
    );
    throwsWith(
      () => new mp.Pool({ processes: 1, backend: "subprocess", maxHeapMb: bad as number }),
      RangeError,
      "Expected `maxHeapMb` to be a positive integer number of MiB, got",
    );
  }
});
