// ProcessPoolExecutor and asCompleted: Python's concurrent.futures on every child backend.
import * as mp from "../mod.ts";
import { deepEqual, equal, match, ok, rejects, throws } from "./_assert.ts";
import { BACKENDS, deadline } from "./_helpers.ts";
import { P, T } from "./fixtures/tasks.ts";

const sleepEcho = (value: string, ms: number) =>
  new Promise<string>((resolve) => setTimeout(() => resolve(value), ms));
const sleep = (ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms));

/**
 * The promises asCompleted() yields, read with next(): `for await` would type
 * each as its awaited value (TypeScript assumes async iterators never yield
 * promises), while at run time it is the promise itself.
 */
async function completions<P extends PromiseLike<unknown>>(
  it: AsyncIterator<P>,
): Promise<{ got: P[]; error: unknown }> {
  const got: P[] = [];
  try {
    for (let step = await it.next(); !step.done; step = await it.next()) got.push(step.value);
  } catch (error) {
    return { got, error };
  }
  return { got, error: undefined };
}

async function collect<R>(it: AsyncIterable<R>): Promise<{ got: R[]; error: unknown }> {
  const got: R[] = [];
  try {
    for await (const v of it) got.push(v);
  } catch (error) {
    return { got, error };
  }
  return { got, error: undefined };
}

const isCancelled = (e: unknown) =>
  e instanceof mp.CancelledError && /cancelFutures/.test(e.message);

for (const backend of BACKENDS) {
  const test = (
    name: string,
    fn: (ex: mp.ProcessPoolExecutor) => Promise<void>,
    options: mp.ExecutorOptions = {},
  ) =>
    Deno.test(`[${backend}] ${name}`, async () => {
      const ex = new mp.ProcessPoolExecutor({ maxWorkers: 2, backend, ...options });
      try {
        await deadline(fn(ex), 30_000, name);
      } finally {
        await deadline(ex.shutdown({ cancelFutures: true }), 15_000, "shutdown()");
      }
    });

  test("ProcessPoolExecutor.submit() resolves with the result, typed from the target", async (ex) => {
    const sum: number = await ex.submit((a: number, b: number) => a + b, 2, 3);
    equal(sum, 5);
    const fromRef: number = await ex.submit(T.add, 20, 22);
    equal(fromRef, 42);
    const upper: string = await ex.submit(async (s: string) => await Promise.resolve(s + "!"), "x");
    equal(upper, "x!");
    equal(await ex.submit(() => "no args"), "no args");
    const pid: number = await ex.submit(P.pid);
    equal(pid !== Deno.pid, backend === "subprocess", "a subprocess has its own pid");
    // Type-level only: never called.
    const _wrongArgs = () => {
      // @ts-expect-error: add takes numbers
      ex.submit(T.add, "1", 2);
    };
  });

  test("ProcessPoolExecutor.map() over several iterables takes one argument from each, up to the shortest", async (ex) => {
    const powers: number[] = await Array.fromAsync(
      ex.map((a: number, b: number) => a ** b, [2, 3, 4], [5, 2, 0]),
    );
    deepEqual(powers, [32, 9, 1]);
    async function* letters() {
      yield* ["a", "b", "c", "d"];
    }
    const joined = await Array.fromAsync(
      ex.map(
        (n: number, s: string, flag: boolean) => `${n}${s}${flag}`,
        [1, 2, 3, 4, 5],
        letters(),
        [true, false, true],
        { chunksize: 2, timeout: 20_000 },
      ),
    );
    deepEqual(joined, ["1atrue", "2bfalse", "3ctrue"]);
    // Type-level only: never called.
    const _wrongArgs = () => {
      // @ts-expect-error: the second iterable must give numbers
      ex.map((a: number, b: number) => a + b, [1], ["x"]);
    };
  });

  test("submit() returns a Future: running(), done(), cancel() before it starts, result(timeout), exception(), callbacks", async (ex) => {
    const sleep = (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms));
    const busy = [ex.submit(sleep, 600), ex.submit(sleep, 600)];
    const queued = ex.submit(sleep, 1);
    ok(queued instanceof mp.Future && queued instanceof Promise);
    const seen: boolean[] = [];
    queued.addDoneCallback((f) => seen.push(f.cancelled()));
    await new Promise((r) => setTimeout(r, 100));
    ok(busy[0].running() && !busy[0].done());
    ok(!queued.running());
    equal(busy[0].cancel(), false, "a running call cannot be cancelled");
    equal(queued.cancel(), true);
    equal(queued.cancel(), true, "cancelling again still says cancelled");
    ok(queued.cancelled() && queued.done());
    deepEqual(seen, [true]);
    await rejects(queued, mp.CancelledError);
    await rejects(queued.result(), mp.CancelledError);
    await rejects(busy[1].result(10), mp.TimeoutError);
    equal(await busy[1].result(20_000), 600);
    equal(await busy[0], 600);
    equal(await busy[0].exception(), null);
    const failed = ex.submit(T.failWithCause, "nope");
    const error = await failed.exception(20_000);
    ok(error instanceof TypeError);
    ok(failed.done() && !failed.cancelled());
    await rejects(failed.result(), TypeError);
    let late = false;
    failed.addDoneCallback(() => (late = true));
    ok(late, "a callback added after the end runs at once");
    throws(() => new mp.Future((() => {}) as never), TypeError);
  });

  test("ProcessPoolExecutor.submit() rejects with the task's error; the executor keeps working", async (ex) => {
    await rejects(
      ex.submit(T.failWithCause, "boom"),
      (e: Error) => e instanceof TypeError && e.message === "boom" && e.cause instanceof RangeError,
    );
    await rejects(ex.submit(T.exitWith, 3), (e: mp.WorkerCrashedError) => {
      ok(e instanceof mp.WorkerCrashedError);
      equal(e.exitCode, 3);
      return true;
    });
    await rejects(ex.submit((f: unknown) => f, () => 1), { name: "DataCloneError" });
    deepEqual(await Promise.all([ex.submit(T.add, 1, 2), ex.submit(T.add, 3, 4)]), [3, 7]);
  });

  test("ProcessPoolExecutor.map() keeps input order with chunksize 1, 7 and 1000", async (ex) => {
    // Later items finish first within each run of five, so order is not luck.
    const shuffled = (x: number) =>
      new Promise<number>((resolve) => setTimeout(() => resolve(x * x), 5 - (x % 5)));
    const xs = Array.from({ length: 120 }, (_, i) => i);
    for (const chunksize of [1, 7, 1000]) {
      deepEqual((await collect(ex.map(shuffled, xs, { chunksize }))).got, xs.map((x) => x * x));
    }
    async function* gen() {
      for (let i = 0; i < 30; i++) yield i;
    }
    deepEqual(
      (await collect(ex.map(T.echo, gen(), { chunksize: 4 }))).got,
      Array.from({ length: 30 }, (_, i) => i),
    );
    deepEqual((await collect(ex.map((s: string) => s.toUpperCase(), "abc"))).got, ["A", "B", "C"]);
    deepEqual(await collect(ex.map(T.echo, [])), { got: [], error: undefined });
  });

  test("ProcessPoolExecutor.map() yields the results before a failing item, then throws its error", async (ex) => {
    const failOn3 = (x: number) => {
      if (x === 3) throw new RangeError(`bad item ${x}`);
      return x * 10;
    };
    for (const chunksize of [1, 3]) {
      const { got, error } = await collect(ex.map(failOn3, [1, 2, 3, 4, 5], { chunksize }));
      deepEqual(got, [10, 20], `chunksize ${chunksize}`);
      ok(error instanceof RangeError);
      equal(error.message, "bad item 3");
    }
    const { got, error } = await collect(ex.map((x: unknown) => x, [1, 2, Symbol("no")]));
    deepEqual(got, [1, 2]);
    match((error as DOMException).message, /^Item 2 of the map cannot be sent/);
    equal(await ex.submit(T.add, 1, 1), 2);
  });

  test("ProcessPoolExecutor.map() throws TimeoutError at its deadline and stops the rest", async (ex) => {
    const t0 = performance.now();
    const { got, error } = await collect(ex.map(sleep, [10, 20_000, 10, 20_000], { timeout: 500 }));
    const waited = performance.now() - t0;
    deepEqual(got, [10]);
    ok(error instanceof mp.TimeoutError, String(error));
    match(error.message, /^Result 1 of map\(\) was not ready 500 ms after the call/);
    ok(waited >= 450 && waited < 3000, `waited ${waited} ms`);
    equal(await ex.submit(T.add, 2, 2), 4, "the executor goes on");
    const t1 = performance.now();
    await ex.shutdown();
    ok(performance.now() - t1 < 5000, "nothing of the map is left running");
  });

  test("ProcessPoolExecutor.map() still yields results that were ready by the deadline", async (ex) => {
    const results = ex.map((x: number) => x + 1, [1, 2, 3], { timeout: 800 });
    await sleep(1200);
    deepEqual(await collect(results), { got: [2, 3, 4], error: undefined });
  });

  test("ProcessPoolExecutor.map() stops its remaining work when the loop breaks", async (ex) => {
    for await (const v of ex.map(sleep, [10, 20_000, 20_000, 20_000])) {
      equal(v, 10);
      break;
    }
    const t0 = performance.now();
    await ex.shutdown();
    ok(performance.now() - t0 < 5000, "the long items were stopped");
  });

  test("ProcessPoolExecutor.shutdown({ cancelFutures: true }) cancels queued futures; running ones finish", async (ex) => {
    const running = [ex.submit(sleepEcho, "a", 300), ex.submit(sleepEcho, "b", 300)];
    const queued = [ex.submit(sleepEcho, "c", 10), ex.submit(T.add, 1, 2)];
    const mapped = ex.map((x: number) => x, [1, 2, 3]);
    await ex.shutdown({ cancelFutures: true });
    deepEqual(await Promise.all(running), ["a", "b"]);
    for (const f of queued) await rejects(f, isCancelled);
    const { got, error } = await collect(mapped);
    deepEqual(got, []);
    ok(isCancelled(error), String(error));
  });

  test(
    "ProcessPoolExecutor.shutdown({ cancelFutures: true }) lets a map's running items finish",
    async (ex) => {
      const mapped = ex.map(sleep, [300, 300, 10, 10]);
      await ex.shutdown({ cancelFutures: true });
      const { got, error } = await collect(mapped);
      deepEqual(got, [300, 300]);
      ok(isCancelled(error), String(error));
    },
    { maxWorkers: 2 },
  );

  test("ProcessPoolExecutor.shutdown({ cancelFutures: true }) stops reading a map's async input", async (ex) => {
    let closed = false;
    async function* slowIds() {
      try {
        for (let i = 0; i < 100; i++) {
          await sleep(20);
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const mapped = ex.map(T.echo, slowIds());
    await sleep(150);
    await ex.shutdown({ cancelFutures: true });
    const { got, error } = await collect(mapped);
    ok(got.length > 0 && got.length < 100, `${got.length} results`);
    deepEqual(got, got.map((_, i) => i));
    ok(isCancelled(error), String(error));
    await sleep(50);
    ok(closed, "the input generator was closed");
  });

  test(
    "ProcessPoolExecutor.shutdown({ wait: false }) returns at once; queued work still runs",
    async (ex) => {
      const futures = [ex.submit(sleepEcho, "a", 200), ex.submit(sleepEcho, "b", 200)];
      futures.push(ex.submit(sleepEcho, "c", 200));
      const t0 = performance.now();
      await ex.shutdown({ wait: false });
      ok(performance.now() - t0 < 100, "did not wait");
      deepEqual(await Promise.all(futures), ["a", "b", "c"]);
      await ex.shutdown(); // again: harmless, and waits for the workers to exit
    },
    { maxWorkers: 1 },
  );

  test("ProcessPoolExecutor.submit() and map() after shutdown() throw StateError", async (ex) => {
    await ex.shutdown();
    const stateError = (method: string) => (e: Error) =>
      e instanceof mp.StateError &&
      e.message ===
        `ProcessPoolExecutor is shut down, so ${method}() takes no new work; create a new ProcessPoolExecutor`;
    throws(() => ex.submit(T.add, 1, 2), stateError("submit"));
    throws(() => ex.map(T.echo, [1]), stateError("map"));
  });

  test(
    "ProcessPoolExecutor passes initializer, initargs and maxTasksPerChild to its workers",
    async (ex) => {
      deepEqual(await ex.submit(P.initState), { count: 1, value: "ready" });
      const pids = new Set<number>();
      for (let i = 0; i < 3; i++) pids.add(await ex.submit(P.pid));
      if (backend === "subprocess") equal(pids.size, 3, "a new worker for every task");
    },
    { maxWorkers: 1, initializer: P.init, initargs: ["ready"], maxTasksPerChild: 1 },
  );

  test("asCompleted() yields submitted futures in completion order", async (ex) => {
    const futures = [
      ex.submit(sleep, 900),
      ex.submit(sleep, 10),
      ex.submit(async (ms: number) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        throw new Error("late failure");
      }, 300),
      ex.submit(sleep, 600),
    ];
    // The contract's loop; a rejected one is handled and the loop goes on.
    const values: unknown[] = [];
    for await (const f of mp.asCompleted(futures, { timeout: 20_000 })) {
      values.push(await Promise.resolve(f).catch((e: Error) => e.message));
    }
    deepEqual(values, [10, "late failure", 600, 900]);
  }, { maxWorkers: 4 });

  Deno.test(`[${backend}] await using shuts a ProcessPoolExecutor down after its pending work`, async () => {
    let outer: mp.ProcessPoolExecutor | undefined;
    let settled = false;
    await deadline(
      (async () => {
        await using ex = new mp.ProcessPoolExecutor({ maxWorkers: 1, backend });
        outer = ex;
        ex.submit(sleepEcho, "x", 200).then(() => (settled = true));
      })(),
      15_000,
      "await using",
    );
    ok(settled, "the pending task finished before disposal ended");
    throws(() => outer!.submit(T.add, 1, 2), mp.StateError);
  });
}

Deno.test("asCompleted() throws TimeoutError at its deadline; the promises go on", async () => {
  const fast = sleep(10);
  const slow = sleep(400);
  const t0 = performance.now();
  const { got, error } = await completions(mp.asCompleted([slow, fast], { timeout: 150 }));
  const waited = performance.now() - t0;
  deepEqual(got, [fast]);
  ok(error instanceof mp.TimeoutError);
  match(
    error.message,
    /^1 of 2 promises were still pending 150 ms after asCompleted\(\) was called/,
  );
  ok(waited >= 140 && waited < 1000, `waited ${waited} ms`);
  equal(await slow, 400);
});

Deno.test("asCompleted() yields settled promises first, each once, rejected ones too", async () => {
  const failed = Promise.reject(new Error("no"));
  const done = Promise.resolve(1);
  const later = sleep(30);
  const { got } = await completions(mp.asCompleted([later, failed, done, failed]));
  ok(got.length === 3 && got[0] === failed && got[1] === done && got[2] === later);
  await rejects(failed, { message: "no" });
  deepEqual(await completions(mp.asCompleted([])), { got: [], error: undefined });
});

Deno.test("ProcessPoolExecutor and asCompleted reject bad arguments with precise errors", async () => {
  const range = (message: string) => ({ name: "RangeError", message });
  const type = (message: string) => ({ name: "TypeError", message });
  throws(
    () => new mp.ProcessPoolExecutor({ maxWorkers: 0 }),
    range("Expected `maxWorkers` to be a positive integer, got 0"),
  );
  throws(
    () => new mp.ProcessPoolExecutor(1.5),
    range("Expected `maxWorkers` to be a positive integer, got 1.5"),
  );
  throws(
    () => new mp.ProcessPoolExecutor({ maxTasksPerChild: -1 }),
    range("Expected `maxTasksPerChild` to be a positive integer, got -1"),
  );
  throws(
    // @ts-expect-error: the inline backend is the Pool's alone
    () => new mp.ProcessPoolExecutor({ backend: "inline" }),
    type('Expected `backend` to be "worker" or "subprocess", got "inline"'),
  );
  throws(
    // @ts-expect-error: not options
    () => new mp.ProcessPoolExecutor("4"),
    type('Expected `options` to be a number of workers or an object, got "4"'),
  );
  throws(
    () => mp.asCompleted(5 as never),
    type("Expected `futures` to be an iterable of promises, got 5"),
  );
  throws(
    () => mp.asCompleted([Promise.resolve(1), 2 as never]),
    type("Expected item 1 of `futures` to be a promise, got 2"),
  );
  throws(
    () => mp.asCompleted([], { timeout: -1 }),
    range("Expected `timeout` to be a non-negative number of milliseconds, got -1"),
  );

  const ex = new mp.ProcessPoolExecutor(1);
  try {
    throws(() => ex.submit(42 as never), { name: "TypeError", message: /Expected `target`/ });
    throws(
      () => ex.map(T.echo, [1], { chunksize: 0 }),
      range("Expected `chunksize` to be a positive integer, got 0"),
    );
    throws(
      () => ex.map(T.echo, [1], { timeout: Number.NaN }),
      range("Expected `timeout` to be a non-negative number of milliseconds, got NaN"),
    );
    throws(
      () => ex.map(T.echo, 5 as never),
      type("Expected `iterable` to be an Iterable or AsyncIterable, got 5"),
    );
    throws(
      () => ex.map(T.add, [1], 5 as never, {}),
      type("Expected `iterables[1]` to be an Iterable or AsyncIterable, got 5"),
    );
    throws(
      () => (ex.map as (t: unknown) => unknown)(T.echo),
      type("ProcessPoolExecutor.map() needs at least one iterable, got none"),
    );
    await rejects(
      ex.shutdown({ wait: "yes" as never }),
      type('Expected `wait` to be a boolean, got "yes"'),
    );
    equal(await ex.submit(T.add, 1, 2), 3, "bad calls left the executor usable");
  } finally {
    await deadline(ex.shutdown(), 15_000, "shutdown()");
  }
});

Deno.test("wait() returns done and pending promises as Python's concurrent.futures.wait", async () => {
  const later = <T>(ms: number, value: T, fail = false) =>
    new Promise<T>((resolve, reject) =>
      setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms)
    );
  const settled = Promise.resolve("already");
  const fast = later(10, "fast");
  const failing = later(40, "boom", true);
  const slow = later(400, "slow");
  failing.catch(() => {});

  const first = await mp.wait([settled, slow], { returnWhen: mp.FIRST_COMPLETED, timeout: 0 });
  deepEqual([...first.done], [settled], "a promise settled before the call counts as done");
  deepEqual([...first.notDone], [slow]);

  const anyDone = await mp.wait([fast, slow], { returnWhen: mp.FIRST_COMPLETED });
  ok(anyDone.done.has(fast) && anyDone.notDone.has(slow));

  const firstError = await mp.wait([fast, failing, slow], { returnWhen: mp.FIRST_EXCEPTION });
  ok(firstError.done.has(failing) && firstError.done.has(fast) && firstError.notDone.has(slow));

  const timedOut = await mp.wait([slow, fast], { timeout: 50 });
  ok(timedOut.notDone.has(slow), "a timeout returns what settled so far, without throwing");

  const all = await mp.wait([slow, fast, failing, fast]);
  equal(all.done.size, 3, "each promise counted once");
  equal(all.notDone.size, 0);

  await rejects(mp.wait([fast], { returnWhen: "FIRST" as never }), {
    name: "TypeError",
    message:
      'Expected `returnWhen` to be "FIRST_COMPLETED", "FIRST_EXCEPTION" or "ALL_COMPLETED", got "FIRST"',
  });
  await rejects(mp.wait([fast, 3 as never]), {
    name: "TypeError",
    message: "Expected item 1 of `futures` to be a promise, got 3",
  });
  await rejects(mp.wait([fast], { timeout: -5 }), { name: "RangeError" });
});

Deno.test("ThreadPoolExecutor runs tasks on this event loop, sharing memory, with Futures and map", async () => {
  await using ex = new mp.ThreadPoolExecutor(2);
  ok(ex instanceof mp.ProcessPoolExecutor);
  const shared = { calls: 0 };
  const bump = async (n: number) => {
    shared.calls++;
    await new Promise((r) => setTimeout(r, 10));
    return n * 2;
  };
  const f = ex.submit(bump, 21);
  ok(f instanceof mp.Future);
  equal(await f.result(10_000), 42);
  deepEqual(await Array.fromAsync(ex.map(bump, [1, 2, 3])), [2, 4, 6]);
  equal(shared.calls, 4, "the tasks ran here, on the caller's own object");
  throws(() => new mp.ThreadPoolExecutor({ backend: "worker" } as never), {
    name: "TypeError",
    message: /Unknown option "backend" for ThreadPoolExecutor/,
  });
});
