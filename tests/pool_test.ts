// Pool: the call API on every backend.
import * as mp from "../mod.ts";
import { deepEqual, equal, match, ok, rejects, throws } from "./_assert.ts";
import { deadline } from "./_helpers.ts";
import { Ghost, P, T } from "./fixtures/tasks.ts";

const POOL_BACKENDS: readonly mp.PoolBackend[] = ["worker", "subprocess", "inline"];

for (const backend of POOL_BACKENDS) {
  const test = (name: string, fn: (pool: mp.Pool) => Promise<void>, options: mp.PoolOptions = {}) =>
    Deno.test(`[${backend}] ${name}`, async () => {
      const pool = new mp.Pool({ processes: 2, backend, ...options });
      try {
        await deadline(fn(pool), 30_000, name);
      } finally {
        pool.terminate();
        await deadline(pool.join(), 5000, "join()");
      }
    });

  test("Pool.map() keeps input order with chunksize 1, 7 and default on 10 000 items", async (pool) => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i - 5000);
    const expected = xs.map((x) => x * x);
    for (const chunksize of [1, 7, undefined]) {
      deepEqual(await pool.map((x: number) => x * x, xs, { chunksize }), expected);
    }
    deepEqual(await pool.map(P.square, new Set([1, 2, 3])), [1, 4, 9]);
    deepEqual(await pool.map((s: string) => s.toUpperCase(), ["a", "b"]), ["A", "B"]);
    deepEqual(await pool.map((x: number) => x, []), []);
  });

  test("Pool.map() takes async iterables and async targets", async (pool) => {
    async function* gen() {
      for (let i = 0; i < 50; i++) yield i;
    }
    deepEqual(
      await pool.map(async (x: number) => await Promise.resolve(x + 1), gen()),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  test("Pool.apply() and applyAsync() return results; callbacks run in the parent", async (pool) => {
    equal(await pool.apply((a: number, b: number) => a + b, [2, 3]), 5);
    equal(await pool.apply(T.add, [20, 22]), 42);
    equal(await pool.apply(() => "no args"), "no args");
    const seen: string[] = [];
    const r = pool.applyAsync(T.add, [1, 2], {
      callback: (v) => seen.push(`${mp.currentProcess().name}:${Deno.pid}:${v}`),
    });
    equal(r.ready(), false);
    throws(() => r.successful(), mp.ValueError);
    equal(await r.get(10_000), 3);
    equal(r.ready(), true);
    equal(r.successful(), true);
    deepEqual(seen, [`MainProcess:${Deno.pid}:3`]);
    const errors: unknown[] = [];
    const bad = pool.applyAsync(T.failWithCause, ["x"], { errorCallback: (e) => errors.push(e) });
    await bad.wait(10_000);
    equal(bad.successful(), false);
    ok(errors[0] instanceof TypeError);
    await rejects(Promise.resolve(bad), TypeError);
  });

  test("AsyncResult.get(ms) only stops waiting; the task goes on", async (pool) => {
    const r = pool.applyAsync(P.slowEcho, ["late", 400]);
    await rejects(
      r.get(50),
      (e: Error) => e instanceof mp.TimeoutError && !(e instanceof mp.TaskTimeoutError),
    );
    await r.wait(10);
    equal(r.ready(), false);
    equal(await r, "late");
  });

  test("Pool.starmap() and starmapAsync() spread each item as arguments", async (pool) => {
    deepEqual(await pool.starmap(T.add, [[1, 2], [3, 4]]), [3, 7]);
    const pairs = Array.from({ length: 500 }, (_, i) => [i, i] as [number, number]);
    deepEqual(
      await pool.starmapAsync((a: number, b: number) => a * b, pairs, { chunksize: 9 }),
      pairs.map(([a]) => a * a),
    );
  });

  test("Pool.imap() yields in order, lazily; next() can be called by hand", async (pool) => {
    const it = pool.imap((x: number) => x * 10, [1, 2, 3]);
    deepEqual(await it.next(), { value: 10, done: false });
    deepEqual(await it.next(), { value: 20, done: false });
    deepEqual(await it.next(), { value: 30, done: false });
    equal((await it.next()).done, true);
    const got: number[] = [];
    for await (
      const v of pool.imap(P.square, Array.from({ length: 300 }, (_, i) => i), { chunksize: 7 })
    ) got.push(v);
    deepEqual(got, Array.from({ length: 300 }, (_, i) => i * i));
  });

  test("Pool.imapUnordered() yields every result once, as completed", async (pool) => {
    const got: number[] = [];
    const later = (x: number) =>
      new Promise<number>((r) => setTimeout(() => r(x), x === 1 ? 300 : 1));
    for await (const v of pool.imapUnordered(later, [1, 2, 3, 4, 5], { chunksize: 1 })) {
      got.push(v);
    }
    deepEqual([...got].sort(), [1, 2, 3, 4, 5]);
    ok(got[0] !== 1, `1 was slow yet came first: ${got}`);
  });

  test("imapUnordered over an infinite generator stops pulling after break", async (pool) => {
    let pulled = 0;
    function* naturals() {
      try {
        for (let i = 0;; i++) {
          pulled++;
          yield i;
        }
      } finally {
        pulled = -pulled; // closed: the finally of the generator ran
      }
    }
    let count = 0;
    for await (const _ of pool.imapUnordered((x: number) => x + 1, naturals())) {
      if (++count === 1000) break;
    }
    ok(pulled < 0, "the generator was closed");
    // In flight at most: two adaptive chunks (≤ 2048 items) per worker, plus results.
    ok(-pulled <= 1000 + 16_384, `pulled ${-pulled} items`);
    deepEqual(await pool.map((x: number) => x, [1, 2]), [1, 2]);
  });

  test("an error in a task rejects that call with its class, stack and cause", async (pool) => {
    const error = await pool.apply(T.failWithCause, ["nope"]).catch((e) => e);
    ok(error instanceof TypeError);
    equal(error.message, "nope");
    match(String(error.stack), /failWithCause/);
    ok(error.cause instanceof RangeError);
    equal(error.cause.message, "inner cause");
    const custom = await pool.apply(T.failCustom).catch((e) => e) as Error & { code: string };
    equal(custom.name, "CustomError");
    equal(custom.code, "E_CUSTOM");
    await rejects(
      pool.map((x: number) => {
        if (x === 77) throw new RangeError(`bad ${x}`);
        return x;
      }, Array.from({ length: 200 }, (_, i) => i)),
      /bad 77/,
    );
    const it = pool.imap(
      (x: number) => {
        if (x === 3) throw new Error("three");
        return x;
      },
      [0, 1, 2, 3, 4],
      { chunksize: 1 },
    );
    const got: number[] = [];
    await rejects(
      (async () => {
        for await (const v of it) got.push(v);
      })(),
      /three/,
    );
    deepEqual(got, [0, 1, 2]);
    // As Python's imap iterator: the failed item threw in its place, the rest still come.
    deepEqual(await it.next(), { value: 4, done: false });
    equal((await it.next()).done, true);
    equal(await pool.apply(T.add, [1, 1]), 2, "the pool is still usable");
  });

  test("imap().next(timeout) throws TimeoutError when nothing comes in time, and loses nothing", async (pool) => {
    const later = (ms: number) => new Promise<number>((r) => setTimeout(() => r(ms), ms));
    const it = pool.imap(later, [400, 1], { chunksize: 1 });
    await rejects(it.next(20), mp.TimeoutError);
    await rejects(it.next(-1), {
      name: "RangeError",
      message: "Expected `timeout` to be a non-negative number of milliseconds, got -1",
    });
    deepEqual(await it.next(20_000), { value: 400, done: false });
    deepEqual(await it.next(20_000), { value: 1, done: false });
    equal((await it.next(20_000)).done, true);
    const un = pool.imapUnordered(later, [300]);
    await rejects(un.next(0), mp.TimeoutError);
    deepEqual(await un.next(), { value: 300, done: false });
  });

  test("imap() and imapUnordered() throw a failed item's error in its place and go on, chunks and all", async (pool) => {
    /** Every step of `it`: a value, or the message of what it threw. */
    const steps = async (it: AsyncIterator<number>) => {
      const out: (number | string)[] = [];
      for (;;) {
        try {
          const step = await it.next();
          if (step.done) return out;
          out.push(step.value);
        } catch (error) {
          out.push((error as Error).message);
        }
      }
    };
    const failOdd = (x: number) => {
      if (x === 3 || x === 7) throw new Error(`bad ${x}`);
      return x;
    };
    const items = Array.from({ length: 10 }, (_, i) => i);
    deepEqual(
      await steps(pool.imap(failOdd, items, { chunksize: 5 })),
      [0, 1, 2, "bad 3", 4, 5, 6, "bad 7", 8, 9],
    );
    const unordered = await steps(pool.imapUnordered(failOdd, items, { chunksize: 4 }));
    deepEqual(unordered.map(String).sort(), [
      "0",
      "1",
      "2",
      "4",
      "5",
      "6",
      "8",
      "9",
      "bad 3",
      "bad 7",
    ]);
  });

  test("values JSON cannot carry cross as exact structured clones", async (pool) => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const values: unknown[] = [
      new Map<unknown, unknown>([[1, { a: [1n] }]]),
      new Date(5),
      [undefined, -0, NaN],
      new Uint16Array([1, 2, 3]),
      { set: new Set(["x"]) },
    ];
    for (const value of values) deepEqual(await pool.apply(T.echo, [value]), value);
    const back = await pool.apply(T.echo, [cyclic]) as Record<string, unknown>;
    equal(back.self, back);
    deepEqual(await pool.map((x: number) => x, [-0, NaN, 1.5, ...Array(40).fill(2)]), [
      -0,
      NaN,
      1.5,
      ...Array(40).fill(2),
    ]);
  });

  test("a reference to a missing export rejects naming the module and the export", async (pool) => {
    await rejects(pool.apply(Ghost.ghost), (e: Error) => {
      ok(e.message.includes(Ghost.ghost.module), e.message);
      match(e.message, /no export named "ghost"/);
      return true;
    });
  });

  test("onProgress reports done and total", async (pool) => {
    const seen: mp.Progress[] = [];
    await pool.map((x: number) => x, Array.from({ length: 100 }, (_, i) => i), {
      chunksize: 10,
      onProgress: (p) => seen.push(p),
    });
    deepEqual(seen.at(-1), { done: 100, total: 100 });
    ok(seen.every((p, i) => i === 0 || p.done > seen[i - 1].done));
    const unknown: mp.Progress[] = [];
    function* gen() {
      yield* [1, 2, 3];
    }
    await pool.map((x: number) => x, gen(), { onProgress: (p) => unknown.push(p) });
    equal(unknown[0].total === undefined || unknown[0].total === 3, true);
    deepEqual(unknown.at(-1), { done: 3, total: 3 });
  });

  test("stats() counts workers and work", async (pool) => {
    await pool.map((x: number) => x, [1, 2, 3, 4]);
    await pool.apply(T.failCustom).catch(() => {});
    const s = pool.stats();
    equal(s.processes, 2);
    equal(s.busy, 0);
    equal(s.queued, 0);
    ok(s.completed >= 4);
    equal(s.failed, 1);
  });

  test(
    "initializer runs once in each worker with initargs, before its first task",
    async (pool) => {
      const states = await pool.map(() => 0, [0]).then(() =>
        Promise.all(Array.from({ length: 6 }, () => pool.apply(P.initState)))
      );
      for (const state of states) {
        equal(state.value, "hello");
        equal(state.count, backend === "inline" ? 2 : 1);
      }
    },
    { initializer: P.init, initargs: ["hello"] },
  );

  test("maxtasksperchild replaces a worker after that many tasks", async (pool) => {
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push(await pool.apply(P.workerName));
    if (backend === "inline") {
      equal(new Set(names).size, 1, "inline tasks all see the main process");
    } else {
      equal(names[0], names[1]);
      ok(names[1] !== names[2], names.join());
      equal(names[2], names[3]);
    }
  }, { processes: 1, maxtasksperchild: 2 });

  test("a non-cloneable argument or item rejects with DataCloneError naming it", async (pool) => {
    if (backend === "inline") {
      // Inline tasks share this process's memory: nothing is cloned.
      equal(await pool.apply((f: () => number) => f(), [() => 4]), 4);
      return;
    }
    await rejects(pool.apply((_a: number, _f: unknown) => 1, [1, () => 2]), (e: Error) => {
      equal(e.name, "DataCloneError");
      match(e.message, /Argument 1 cannot be sent.*function.*Nothing was sent/);
      return true;
    });
    await rejects(pool.map((x: unknown) => x, [1, 2, { f: Symbol("s") }]), (e: Error) => {
      equal(e.name, "DataCloneError");
      match(e.message, /Item 2 of the call/);
      return true;
    });
    const it = pool.imap((x: unknown) => x, [1, () => 2]);
    await rejects(it.next(), (e: Error) => e.name === "DataCloneError");
    equal(pool.stats().queued, 0);
    await rejects(pool.apply(() => ({ f: () => 1 })), (e: Error) => e.name === "DataCloneError");
    equal(await pool.apply(T.add, [1, 2]), 3);
  });

  if (backend !== "inline") {
    test("permissions narrow what pool workers may do", async (pool) => {
      const tryRead = (path: string) => {
        try {
          Deno.readTextFileSync(path);
          return "read";
        } catch (error) {
          return (error as Error).name;
        }
      };
      equal(await pool.apply(tryRead, ["/etc/hostname"]), "NotCapable");
    }, { permissions: { read: false } });
  }

  test("a program with an idle, unclosed pool still ends", async () => {
    const src = `
      import * as mp from "${new URL("../mod.ts", import.meta.url).href}";
      const pool = new mp.Pool({ processes: 2, backend: "${backend}" });
      console.log(await pool.map((x: number) => x + 1, [1, 2, 3]));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-lock", `data:application/typescript,${encodeURIComponent(src)}`],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(15_000),
    }).output();
    equal(new TextDecoder().decode(out.stdout), "[ 2, 3, 4 ]\n");
    equal(out.code, 0);
  });
}

Deno.test("new Pool() validates its options with precise errors", () => {
  throws(() => new mp.Pool(0), /Expected `processes` to be a positive integer, got 0/);
  throws(() => new mp.Pool({ processes: 1.5 }), RangeError);
  throws(
    () => new mp.Pool({ backend: "threads" as never }),
    /Expected `backend` to be "worker" or "subprocess" or "inline", got "threads"/,
  );
  throws(
    () => new mp.Pool({ timeout: -1 }),
    /Expected `timeout` to be a positive number of milliseconds, got -1/,
  );
  throws(
    () => new mp.Pool({ maxtasksperchild: 0 }),
    /Expected `maxtasksperchild` to be a positive integer/,
  );
  throws(
    () => new mp.Pool({ initializer: 5 as never }),
    /Expected `initializer` to be a function or a TaskRef/,
  );
  throws(
    () => new mp.Pool({ initargs: [() => 1], backend: "worker" }),
    (e: Error) => e.name === "DataCloneError",
  );
  throws(
    () => new mp.Pool({ backend: "inline", permissions: "none" }),
    (e: Error) => e instanceof TypeError && /cannot narrow their permissions/.test(e.message),
  );
});

Deno.test("Pool calls validate their options; a closed pool refuses work", async () => {
  const pool = new mp.Pool({ processes: 1, backend: "inline" });
  throws(
    () => pool.map((x: number) => x, [1], { chunksize: 0 }),
    /Expected `chunksize` to be a positive integer, got 0/,
  );
  throws(
    () => pool.map((x: number) => x, [1], { timeout: 0 }),
    /Expected `timeout` to be a positive number/,
  );
  throws(
    () => pool.map((x: number) => x, 5 as never),
    /Expected `iterable` to be an Iterable or AsyncIterable/,
  );
  throws(() => pool.apply(42 as never), /Expected `target` to be a function or a TaskRef/);
  throws(
    () => pool.join(),
    (e: Error) => e instanceof mp.StateError && /close\(\) or terminate\(\)/.test(e.message),
  );
  pool.close();
  throws(
    () => pool.apply(T.add, [1, 2]),
    (e: Error) => e instanceof mp.StateError && /Pool not running/.test(e.message),
  );
  throws(() => pool.imap((x: number) => x, [1]), mp.StateError);
  await deadline(pool.join(), 5000);
});

Deno.test("await using closes and joins the pool", async () => {
  let joined: Promise<void> | undefined;
  {
    await using pool = new mp.Pool(1);
    equal(await pool.apply(T.add, [1, 2]), 3);
    joined = Promise.resolve();
  }
  await joined;
});

Deno.test("TaskRef and function types flow into Pool results", async () => {
  await using pool = new mp.Pool({ processes: 1, backend: "inline" });
  const n: number = await pool.apply(T.add, [1, 2]);
  const xs: number[] = await pool.map(P.square, [1, 2]);
  const s: string[] = await pool.map((x: number) => String(x), [1]);
  // @ts-expect-error the target takes numbers
  const bad = () => pool.map(P.square, ["a"]);
  ok(n === 3 && xs.length === 2 && s[0] === "1" && typeof bad === "function");
});

Deno.test("Pool takes a typed initializer; PoolOptions<[string]> checks initargs against it", async () => {
  const typed: mp.PoolOptions<[string]> = { initializer: (s: string) => void s, initargs: ["x"] };
  // @ts-expect-error initargs must match the initializer's parameters
  const wrong: mp.PoolOptions<[string]> = { initializer: (s: string) => void s, initargs: [1] };
  void wrong;
  await using pool = new mp.Pool({
    processes: 1,
    initializer: (s: string) => {
      (globalThis as { seen?: string }).seen = s;
    },
    initargs: ["hello"],
  });
  equal(await pool.apply(() => (globalThis as { seen?: string }).seen), "hello");
  equal(typed.initargs?.[0], "x");
});

Deno.test("ThreadPool is a Pool on this event loop: shared memory, every Pool method, no child options", async () => {
  await using pool = new mp.ThreadPool(3);
  ok(pool instanceof mp.Pool);
  const seen: number[] = [];
  const record = async (n: number) => {
    seen.push(n);
    await new Promise((r) => setTimeout(r, 5));
    return n + 1;
  };
  deepEqual(await pool.map(record, [1, 2, 3]), [2, 3, 4]);
  equal(await pool.apply(record, [10]), 11);
  deepEqual(await Array.fromAsync(pool.imap(record, [4, 5])), [5, 6]);
  deepEqual(seen.sort((a, b) => a - b), [1, 2, 3, 4, 5, 10]);
  throws(() => new mp.ThreadPool({ backend: "worker" } as never), {
    name: "TypeError",
    message:
      'A ThreadPool runs its tasks on this event loop, so it takes no `backend` (got "worker"): use mp.Pool for worker or subprocess children',
  });
});
