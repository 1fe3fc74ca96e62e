// Queue, JoinableQueue, SimpleQueue: in the parent and shared with children
// on both backends.
import * as mp from "../mod.ts";
import { deepEqual, equal, ok, rejects } from "./_assert.ts";
import { BACKENDS, deadline, finish, spawn } from "./_helpers.ts";

Deno.test("Queue keeps FIFO order and reports size, empty and full in the parent", async () => {
  const q = new mp.Queue<number>({ maxsize: 3 });
  ok(await q.empty());
  for (const x of [1, 2, 3]) await q.put(x);
  equal(await q.qsize(), 3);
  ok(await q.full());
  deepEqual([await q.get(), await q.get(), await q.getNowait()], [1, 2, 3]);
  equal(new mp.Queue(5).maxsize, 5);
});

Deno.test("Queue.get({ timeout: 100 }) on an empty queue rejects EmptyError after ~100 ms", async () => {
  const q = new mp.Queue();
  const t0 = performance.now();
  await rejects(q.get({ timeout: 100 }), mp.EmptyError);
  const took = performance.now() - t0;
  ok(took >= 95 && took < 600, `took ${took} ms`);
  await rejects(q.getNowait(), /getNowait\(\)/);
  await rejects(q.get({ block: false }), mp.EmptyError);
});

Deno.test("Queue.put() waits for room, or rejects FullError after its timeout or at once", async () => {
  const q = new mp.Queue<number>(1);
  await q.put(1);
  await rejects(q.putNowait(2), mp.FullError);
  const t0 = performance.now();
  await rejects(q.put(2, { timeout: 80 }), /no room within 80 ms/);
  ok(performance.now() - t0 >= 75);
  const waiting = q.put(3);
  equal(await q.get(), 1);
  await waiting;
  equal(await q.get(), 3);
  equal(await q.qsize(), 0);
});

Deno.test("Queue rejects bad options and non-cloneable items, and stays unchanged", async () => {
  const q = new mp.Queue<unknown>();
  await q.put("kept");
  await rejects(
    q.put(() => 1),
    (e: Error) => e.name === "DataCloneError" && /The item/.test(e.message),
  );
  await rejects(q.put({ f: Symbol("x") }), { name: "DataCloneError" });
  equal(await q.qsize(), 1);
  await rejects(q.get({ timeout: -1 }), RangeError);
  await rejects(q.put(1, { signal: "no" as unknown as AbortSignal }), TypeError);
  let error: unknown;
  try {
    new mp.Queue(-1);
  } catch (e) {
    error = e;
  }
  ok(error instanceof RangeError && /non-negative integer.*got -1/.test(error.message));
  equal(await q.get(), "kept");
});

Deno.test("Queue.put() after close() rejects StateError and a pending get() ends", async () => {
  const q = new mp.Queue<number>();
  const pending = q.get();
  q.close();
  await rejects(pending, mp.StateError);
  await rejects(q.put(1), mp.StateError);
  await rejects(q.get(), /is closed/);
});

Deno.test("Queue.get() with an aborted signal rejects with its reason and takes nothing", async () => {
  const q = new mp.Queue<number>();
  const controller = new AbortController();
  const pending = q.get({ signal: controller.signal });
  controller.abort(new Error("stop"));
  await rejects(pending, /stop/);
  await q.put(1);
  equal(await q.get(), 1);
});

Deno.test("JoinableQueue: taskDone() more times than items rejects ValueError; join() waits", async () => {
  const q = new mp.JoinableQueue<number>();
  await q.put(1);
  await q.get();
  let joined = false;
  const joining = q.join().then(() => (joined = true));
  await new Promise((r) => setTimeout(r, 20));
  equal(joined, false);
  await q.taskDone();
  await joining;
  let error: unknown;
  try {
    await q.taskDone();
  } catch (e) {
    error = e;
  }
  ok(error instanceof mp.ValueError, String(error));
  await q.put(2);
  await rejects(q.join({ timeout: 50 }), mp.TimeoutError);
});

Deno.test("SimpleQueue puts and gets; close() ends a pending get()", async () => {
  const q = new mp.SimpleQueue<number[]>();
  ok(await q.empty());
  await q.put([1, 2]);
  deepEqual(await q.get(), [1, 2]);
  const pending = q.get();
  q.close();
  await rejects(pending, mp.StateError);
  await rejects(q.put([]), mp.StateError);
});

Deno.test("Queue views: 10 000 items through writable → TransformStream → readable", async () => {
  const q = new mp.Queue<number>();
  const writing = ReadableStream.from(Array.from({ length: 10_000 }, (_, i) => i)).pipeTo(
    q.writable,
  );
  const doubled = q.readable.pipeThrough(
    new TransformStream<number, number>({ transform: (x, c) => c.enqueue(x * 2) }),
  );
  const got: number[] = [];
  for await (const x of doubled) {
    got.push(x);
    if (got.length === 10_000) break;
  }
  await writing;
  equal(got[9999], 19_998);
  ok(got.every((x, i) => x === i * 2));
});

for (const backend of BACKENDS) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`[${backend}] ${name}`, () => deadline(fn(), 30_000, name));

  test("an item taken from a queue and changed, then sent on, arrives as changed (not as first sent)", async () => {
    const q = new mp.Queue<Record<string, unknown>>();
    const back = new mp.Queue<unknown>();
    await q.put({ a: 1, list: [1, 2] });
    const p = spawn(
      backend,
      async (q: mp.Queue<Record<string, unknown>>, back: mp.Queue<unknown>) => {
        const item = await q.get();
        item.m = new Map([[1, -0]]);
        item.u = undefined;
        await back.put(item);
      },
      [q, back],
    );
    const got = (await back.get({ timeout: 15_000 })) as Record<string, unknown>;
    deepEqual(got.m, new Map([[1, -0]]));
    ok(Object.is((got.m as Map<number, number>).get(1), -0));
    ok("u" in got && got.u === undefined);
    await finish(p);
    // Taken in the owner and changed, then sent to a child as an argument.
    await q.put({ b: 2 });
    const mine = await q.get();
    mine.n = NaN;
    const r = spawn(backend, async (x: Record<string, unknown>, back: mp.Queue<unknown>) => {
      await back.put(Number.isNaN(x.n));
    }, [mine, back]);
    equal(await back.get({ timeout: 15_000 }), true);
    await finish(r);
  });

  test("a child's put reaches the parent's get", async () => {
    const q = new mp.Queue<string[]>();
    const p = spawn(backend, async (q: mp.Queue<string[]>) => await q.put(["alex", "tom"]), [q]);
    deepEqual(await q.get({ timeout: 10_000 }), ["alex", "tom"]);
    await finish(p);
  });

  test("a child gets, times out with EmptyError, and sees FullError and StateError", async () => {
    const q = new mp.Queue<number>(1);
    const report = new mp.Queue<unknown>();
    await q.put(7);
    const p = spawn(backend, async (q: mp.Queue<number>, report: mp.Queue<unknown>) => {
      const errors: string[] = [];
      await q.put(8, { timeout: 50 }).catch((e) => errors.push(e.name));
      await q.putNowait(8).catch((e) => errors.push(e.name));
      const first = await q.get();
      const t0 = performance.now();
      await q.get({ timeout: 100 }).catch((e) => errors.push(e.name));
      const waited = performance.now() - t0;
      await q.getNowait().catch((e) => errors.push(e.name));
      await q.put(9);
      const size = await q.qsize();
      q.close();
      await q.put(10).catch((e) => errors.push(e.name));
      await report.put({ first, errors, waited, size });
    }, [q, report]);
    const r = await report.get({ timeout: 10_000 }) as {
      first: number;
      errors: string[];
      waited: number;
      size: number;
    };
    equal(r.first, 7);
    deepEqual(r.errors, ["FullError", "FullError", "EmptyError", "EmptyError", "StateError"]);
    ok(r.waited >= 95 && r.waited < 1000, `waited ${r.waited}`);
    equal(r.size, 1);
    equal(await q.get(), 9);
    await finish(p);
  });

  test("a child's get() stops at its signal, takes nothing, and the queue still works", async () => {
    const q = new mp.Queue<number>();
    const report = new mp.Queue<unknown>();
    const p = spawn(backend, async (q: mp.Queue<number>, report: mp.Queue<unknown>) => {
      const t0 = performance.now();
      const error = await q.get({ signal: AbortSignal.timeout(80) }).catch((e) => e.name);
      await report.put([error, performance.now() - t0]);
      await report.put(await q.get({ timeout: 10_000 }));
    }, [q, report]);
    const [name, waited] = await report.get({ timeout: 10_000 }) as [string, number];
    equal(name, "TimeoutError");
    ok(waited >= 75 && waited < 2000, `waited ${waited}`);
    await q.put(5);
    equal(await report.get({ timeout: 10_000 }), 5);
    await finish(p);
  });

  test("a non-cloneable item is refused at put() in a child; the queue is unchanged", async () => {
    const q = new mp.Queue<unknown>();
    const p = spawn(backend, async (q: mp.Queue<unknown>) => {
      await q.put(1);
      const error = await q.put(() => 2).catch((e) => e.name);
      await q.put(error);
    }, [q]);
    deepEqual([await q.get({ timeout: 10_000 }), await q.get({ timeout: 10_000 })], [
      1,
      "DataCloneError",
    ]);
    await rejects(q.get({ timeout: 100 }), mp.EmptyError);
    await finish(p);
  });

  test("a bounded queue (maxsize 10) with a slow consumer never holds more than 10", async () => {
    const q = new mp.Queue<number>({ maxsize: 10 });
    const p = spawn(backend, async (q: mp.Queue<number>) => {
      for (let i = 0; i < 40; i++) await q.put(i);
    }, [q]);
    let most = 0;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 5));
      most = Math.max(most, await q.qsize());
      equal(await q.get({ timeout: 10_000 }), i);
    }
    ok(most <= 10 && most >= 5, `held at most ${most}`);
    await finish(p);
  });

  test("a child that ends right after its puts (return, throw, Deno.exit) loses none", async () => {
    for (const mode of ["return", "throw", "exit"]) {
      const q = new mp.Queue<number>();
      const p = new mp.Process({
        target: async (q: mp.Queue<number>, mode: string) => {
          for (let i = 0; i < 3000; i++) await q.put(i);
          if (mode === "exit") Deno.exit(3);
          if (mode === "throw") throw new Error("planned");
        },
        args: [q, mode],
        backend,
      });
      p.start();
      await deadline(p.join(), 15_000, "join");
      equal(p.exitcode, { return: 0, throw: 1, exit: 3 }[mode]);
      equal(await q.qsize(), 3000, mode);
      for (let i = 0; i < 3000; i++) equal(await q.getNowait(), i);
    }
  });

  test("what a consumer that is killed had not consumed goes back to the queue", async () => {
    const q = new mp.Queue<number>();
    const log = new mp.Queue<number>();
    for (let i = 0; i < 100; i++) await q.put(i);
    const p = spawn(backend, async (q: mp.Queue<number>, log: mp.Queue<number>) => {
      await log.put(await q.get());
      await new Promise((r) => setTimeout(r, 60_000));
    }, [q, log]);
    equal(await log.get({ timeout: 10_000 }), 0);
    p.kill();
    await deadline(p.join(), 5000, "join");
    const rest: number[] = [];
    while (rest.length < 99) rest.push(await q.get({ timeout: 2000 }));
    deepEqual(rest, Array.from({ length: 99 }, (_, i) => i + 1));
    equal(await q.qsize(), 0);
  });

  test("JoinableQueue.join() resolves only after the last taskDone() in a child", async () => {
    const q = new mp.JoinableQueue<number>();
    const log = new mp.Queue<number>();
    const p = spawn(backend, async (q: mp.JoinableQueue<number>, log: mp.Queue<number>) => {
      for (let i = 0; i < 5; i++) {
        const x = await q.get();
        await new Promise((r) => setTimeout(r, 40));
        await log.put(x);
        await q.taskDone();
      }
      const error = await Promise.resolve().then(() => q.taskDone()).catch((e) => e.name);
      await log.put(error === "ValueError" ? -1 : -2);
    }, [q, log]);
    for (let i = 0; i < 5; i++) await q.put(i);
    const t0 = performance.now();
    await q.join({ timeout: 10_000 });
    ok(performance.now() - t0 >= 150, "join waited for the consumer");
    equal(await log.qsize() >= 5, true);
    deepEqual(
      [await log.get(), await log.get(), await log.get(), await log.get(), await log.get()],
      [0, 1, 2, 3, 4],
    );
    equal(await log.get({ timeout: 10_000 }), -1);
    await finish(p);
  });

  test("a Queue reaches Process subclass fields, pool task arguments and initargs", async () => {
    const q = new mp.Queue<string>();
    class Putter extends mp.Process {
      queue = q;
      override async run() {
        await (this as unknown as { queue: mp.Queue<string> }).queue.put("from a subclass");
      }
    }
    const p = new Putter({ backend });
    p.start();
    equal(await q.get({ timeout: 10_000 }), "from a subclass");
    await finish(p);
    const pool = new mp.Pool({
      processes: 2,
      backend,
      initializer: async (q: mp.Queue<string>) => await q.put("initialized"),
      initargs: [q],
    });
    try {
      await pool.map(
        async (args: { q: mp.Queue<string>; x: number }) => await args.q.put(`task ${args.x}`),
        [
          { q, x: 1 },
          { q, x: 2 },
        ],
      );
      await pool.apply(async (q: mp.Queue<string>) => await q.put("applied"), [q]);
      const got: string[] = [];
      for (let i = 0; i < 5; i++) got.push(await q.get({ timeout: 10_000 }));
      deepEqual(got.sort(), ["applied", "initialized", "initialized", "task 1", "task 2"]);
    } finally {
      pool.close();
      await deadline(pool.join(), 10_000, "pool join");
    }
  });

  test("a child pipes 10 000 items through its Queue views and a TransformStream", async () => {
    const input = new mp.Queue<number>();
    const output = new mp.Queue<number>();
    const p = spawn(backend, async (input: mp.Queue<number>, output: mp.Queue<number>) => {
      const reader = input.readable
        .pipeThrough(new TransformStream<number, number>({ transform: (x, c) => c.enqueue(x + 1) }))
        .getReader();
      const writer = output.writable.getWriter();
      for (let i = 0; i < 10_000; i++) await writer.write((await reader.read()).value!);
      await reader.cancel();
      await writer.close();
    }, [input, output]);
    await ReadableStream.from(Array.from({ length: 10_000 }, (_, i) => i)).pipeTo(input.writable);
    const got: number[] = [];
    for (let i = 0; i < 10_000; i++) got.push(await output.get({ timeout: 10_000 }));
    ok(got.every((x, i) => x === i + 1));
    await finish(p);
  });
}

Deno.test("4 producers × 10 000 items, 3 consumers (worker, subprocess, parent): each item once, per-producer order kept", async () => {
  const q = new mp.Queue<number>();
  const results = new mp.Queue<number[]>();
  const N = 10_000;
  const producer = async (q: mp.Queue<number>, p: number, n: number) => {
    for (let i = 0; i < n; i++) await q.put(p * 1_000_000 + i);
  };
  const consumer = async (q: mp.Queue<number>, results: mp.Queue<number[]>) => {
    await results.put([]);
    const got: number[] = [];
    for (;;) {
      const x = await q.get();
      if (x < 0) break;
      got.push(x);
    }
    await results.put(got);
  };
  const run = async () => {
    const consumers = BACKENDS.map((b) => spawn(b, consumer, [q, results]));
    // Consumers first, so that all three share the items.
    await results.get();
    await results.get();
    const producers = [0, 1, 2, 3].map((p) => spawn(BACKENDS[p % 2], producer, [q, p, N]));
    const mine: number[] = [];
    const local = (async () => {
      for (;;) {
        const x = await q.get();
        if (x < 0) break;
        mine.push(x);
      }
    })();
    await finish(...producers);
    for (let i = 0; i < 3; i++) await q.put(-1);
    await local;
    const lists = [mine, await results.get(), await results.get()];
    await finish(...consumers);
    const seen = new Set<number>();
    for (const list of lists) {
      const last = [-1, -1, -1, -1];
      for (const x of list) {
        const p = Math.floor(x / 1_000_000);
        const i = x % 1_000_000;
        ok(i > last[p], `producer ${p}'s order kept`);
        last[p] = i;
        ok(!seen.has(x), `${x} seen twice`);
        seen.add(x);
      }
    }
    equal(seen.size, 4 * N);
    ok(lists.every((l) => l.length > 0), `every consumer got items: ${lists.map((l) => l.length)}`);
  };
  await deadline(run(), 60_000, "pipeline");
});
