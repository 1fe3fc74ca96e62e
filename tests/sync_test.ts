// Lock, RLock, Semaphore, BoundedSemaphore, Event, Condition, Barrier,
// Value and SharedArray: in the parent, and shared with children on both
// backends (workers share the memory; subprocesses are served by the owner).
import * as mp from "../mod.ts";
import { deepEqual, equal, ok, rejects, throws } from "./_assert.ts";
import { type AnyTarget, BACKENDS, deadline, finish, runProgram, spawn } from "./_helpers.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("Lock.acquire() honours block, timeout and signal, and release() checks the state", async () => {
  const lock = new mp.Lock();
  ok(await lock.acquire());
  equal(await lock.acquire({ block: false }), false);
  const t0 = performance.now();
  equal(await lock.acquire({ timeout: 60 }), false);
  ok(performance.now() - t0 >= 55);
  const controller = new AbortController();
  const waiting = lock.acquire({ signal: controller.signal });
  controller.abort(new Error("given up"));
  await rejects(waiting, /given up/);
  const next = lock.acquire({ timeout: 5_000 });
  lock.release();
  ok(await next, "the signal's wait did not swallow the wake-up");
  lock.release();
  throws(() => lock.release(), mp.ValueError);
  await rejects(lock.acquire({ timeout: -1 }), RangeError);
  equal(await lock.with(() => "inside"), "inside");
});

Deno.test("RLock re-enters in its holder and refuses release by a non-owner", async () => {
  const r = new mp.RLock();
  ok(await r.acquire());
  ok(await r.acquire({ block: false }), "the holder re-enters");
  r.release();
  r.release();
  throws(() => r.release(), mp.StateError);
  equal(await r.with(() => r.with(() => 2)), 2);
});

Deno.test("Semaphore counts permits; BoundedSemaphore refuses to pass its initial value", async () => {
  const s = new mp.Semaphore(2);
  ok(await s.acquire());
  ok(await s.acquire());
  equal(s.getValue(), 0);
  equal(await s.acquire({ timeout: 30 }), false);
  s.release();
  equal(s.getValue(), 1);
  s.release();
  s.release();
  equal(s.getValue(), 3, "a plain Semaphore may go above its start");
  const b = new mp.BoundedSemaphore(1);
  throws(() => b.release(), mp.ValueError);
  ok(await b.acquire());
  b.release();
  throws(() => new mp.Semaphore(-1), /non-negative integer, got -1/);
});

Deno.test("Event.wait() times out while clear and resolves once set", async () => {
  const e = new mp.Event();
  equal(e.isSet(), false);
  equal(await e.wait(50), false);
  setTimeout(() => e.set(), 20);
  equal(await e.wait(5_000), true);
  e.clear();
  equal(e.isSet(), false);
});

Deno.test("Condition.wait() needs the lock, and notify(n) wakes n waiters", async () => {
  const c = new mp.Condition(new mp.Lock());
  await rejects(c.wait(10), mp.StateError);
  throws(() => c.notify(), mp.StateError);
  throws(() => c.notify(-1), /Expected `n` to be a non-negative integer, got -1/);
  throws(() => c.notify(1.5), RangeError);
  await c.acquire();
  equal(await c.wait(20), false);
  c.release();
  let ready = 0;
  const woken: number[] = [];
  const waiter = async (i: number) => {
    await c.acquire();
    ready++;
    if (await c.wait(2_000)) woken.push(i);
    c.release();
  };
  const all = [waiter(0), waiter(1), waiter(2)];
  while (ready < 3) await sleep(5);
  await c.acquire();
  c.notify(2);
  c.release();
  await sleep(100);
  equal(woken.length, 2);
  await c.acquire();
  c.notifyAll();
  c.release();
  await Promise.all(all);
  equal(woken.length, 3);
  await c.acquire();
  equal(await c.waitFor(() => 7), 7);
  c.release();
});

Deno.test("Barrier releases its parties together, and breaks on abort or timeout", async () => {
  const b = new mp.Barrier(3);
  equal(b.parties, 3);
  const indexes = await Promise.all([b.wait(), b.wait(), b.wait()]);
  deepEqual(indexes.sort(), [0, 1, 2]);
  const late = b.wait(40);
  await rejects(late, mp.BrokenBarrierError);
  equal(b.broken, true);
  await rejects(b.wait(), /reset\(\)/);
  b.reset();
  equal(b.broken, false);
  const waiting = b.wait();
  await sleep(10);
  equal(b.nWaiting, 1);
  b.abort();
  await rejects(waiting, mp.BrokenBarrierError);
  b.reset();
  throws(() => new mp.Barrier(0), RangeError);
});

Deno.test("Value and SharedArray hold every typecode, check types and indexes", () => {
  const d = new mp.Value("d", 1.5);
  d.value *= 2;
  equal(d.value, 3);
  const q = new mp.Value("q", 2n ** 40n);
  equal(q.value, 2n ** 40n);
  throws(() => (q.value = 1 as unknown as bigint), /bigint for typecode "q"/);
  throws(() => new mp.Value("x" as "i"), /typecode/);
  const arr = new mp.SharedArray("i", [0, 1, 2]);
  arr.set(0, 5);
  deepEqual(arr.toArray(), [5, 1, 2]);
  deepEqual([...new mp.SharedArray("B", 3)], [0, 0, 0]);
  throws(() => arr.get(3), /index from 0 to 2, got 3/);
  const u = new mp.SharedArray("B", [300]);
  equal(u.get(0), 44, "stored as the typed array stores it");
  throws(() => new mp.Value("i", 0, { lock: false }).getLock(), mp.StateError);
  const lock = new mp.Lock();
  equal(new mp.Value("i", 0, { lock }).getLock(), lock);
  ok(new mp.Value("i").getLock() instanceof mp.RLock);
});

for (const backend of BACKENDS) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`[${backend}] ${name}`, () => deadline(fn(), 60_000, name));

  test("4 children each add 1 to a Value 10 000 times under its lock: 40 000", async () => {
    const v = new mp.Value("i", 0);
    const add = async (v: mp.Value<"i">, n: number) => {
      const lock = v.getLock();
      for (let i = 0; i < n; i++) {
        await lock.acquire();
        v.value += 1;
        lock.release();
      }
    };
    const ps = [0, 1, 2, 3].map(() => spawn(backend, add as AnyTarget, [v, 10_000]));
    await finish(...ps);
    equal(v.value, 40_000);
  });

  test("a child's RLock re-enters; the parent cannot release the child's hold", async () => {
    const r = new mp.RLock();
    const held = new mp.Event();
    const done = new mp.Event();
    const child = async (r: mp.RLock, held: mp.Event, done: mp.Event) => {
      await r.acquire();
      if (!await r.acquire({ block: false })) throw new Error("no re-entry");
      held.set();
      await done.wait(10_000);
      r.release();
      r.release();
    };
    const p = spawn(backend, child as AnyTarget, [r, held, done]);
    ok(await held.wait(10_000));
    throws(() => r.release(), mp.StateError);
    equal(await r.acquire({ block: false }), false);
    done.set();
    ok(await r.acquire({ timeout: 10_000 }));
    r.release();
    await finish(p);
  });

  test("a child releasing an RLock it does not hold gets StateError", async () => {
    const r = new mp.RLock();
    await r.acquire();
    const out = new mp.Queue<string>();
    const child = async (r: mp.RLock, out: mp.Queue<string>) => {
      try {
        r.release();
        await out.put("released");
      } catch (e) {
        await out.put((e as Error).name);
      }
    };
    const p = spawn(backend, child as AnyTarget, [r, out]);
    equal(await out.get({ timeout: 10_000 }), "StateError");
    await finish(p);
    r.release();
  });

  test("Semaphore(2) never lets 3 children in at once", async () => {
    const s = new mp.Semaphore(2);
    const inside = new mp.Value("i", 0);
    const most = new mp.Value("i", 0);
    // All start together: children that start ~40 ms apart could otherwise
    // each finish before the next begins, and never be two at once.
    const start = new mp.Barrier(4);
    const child = async (
      s: mp.Semaphore,
      inside: mp.Value<"i">,
      most: mp.Value<"i">,
      start: mp.Barrier,
    ) => {
      await start.wait(10_000);
      for (let i = 0; i < 5; i++) {
        await s.acquire();
        await inside.getLock().acquire();
        inside.value += 1;
        if (inside.value > most.value) most.value = inside.value;
        inside.getLock().release();
        await new Promise((r) => setTimeout(r, 5));
        await inside.getLock().acquire();
        inside.value -= 1;
        inside.getLock().release();
        s.release();
      }
    };
    const ps = [0, 1, 2, 3].map(() => spawn(backend, child as AnyTarget, [s, inside, most, start]));
    await finish(...ps);
    equal(most.value, 2, "two at once, never three");
    equal(inside.value, 0);
    equal(s.getValue(), 2);
  });

  test("Event.wait(100) is false, then true once a child sets it", async () => {
    const e = new mp.Event();
    const go = new mp.Event();
    equal(await e.wait(100), false);
    const p = spawn(backend, async (e: mp.Event, go: mp.Event) => {
      await go.wait(10_000);
      e.set();
    }, [e, go]);
    go.set();
    equal(await e.wait(10_000), true);
    await finish(p);
  });

  test("a child's Event.wait() times out, and sees a set() from the parent", async () => {
    const e = new mp.Event();
    const out = new mp.Queue<boolean | string>();
    const p = spawn(backend, async (e: mp.Event, out: mp.Queue<boolean | string>) => {
      await out.put(await e.wait(50));
      await out.put("waiting");
      await out.put(await e.wait(10_000));
      for (let i = 0; i < 200 && e.isSet(); i++) await new Promise((r) => setTimeout(r, 5));
      await out.put(e.isSet());
    }, [e, out]);
    equal(await out.get({ timeout: 10_000 }), false);
    equal(await out.get({ timeout: 10_000 }), "waiting");
    e.set();
    equal(await out.get({ timeout: 10_000 }), true);
    e.clear();
    equal(await out.get({ timeout: 10_000 }), false, "a polling child sees the clear()");
    await finish(p);
  });

  test("Barrier(3) releases three children together", async () => {
    const b = new mp.Barrier(3);
    const out = new mp.Queue<[number, number]>();
    const child = async (b: mp.Barrier, out: mp.Queue<[number, number]>, delay: number) => {
      await new Promise((r) => setTimeout(r, delay));
      const index = await b.wait(20_000);
      await out.put([index, Date.now()]);
    };
    const ps = [0, 150, 300].map((d) => spawn(backend, child as AnyTarget, [b, out, d]));
    const got: [number, number][] = [];
    for (let i = 0; i < 3; i++) got.push(await out.get({ timeout: 20_000 }));
    deepEqual(got.map(([i]) => i).sort(), [0, 1, 2]);
    const times = got.map(([, t]) => t);
    ok(Math.max(...times) - Math.min(...times) < 120, `released together: ${times}`);
    await finish(...ps);
  });

  test("a child's Barrier wait times out with BrokenBarrierError", async () => {
    const b = new mp.Barrier(2);
    const out = new mp.Queue<string>();
    const p = spawn(backend, async (b: mp.Barrier, out: mp.Queue<string>) => {
      try {
        await b.wait(50);
        await out.put("passed");
      } catch (e) {
        await out.put((e as Error).name);
      }
    }, [b, out]);
    equal(await out.get({ timeout: 10_000 }), "BrokenBarrierError");
    equal(b.broken, true);
    await finish(p);
  });

  test("a child killed while holding a Lock does not deadlock the parent", async () => {
    const lock = new mp.Lock();
    const held = new mp.Event();
    const p = spawn(backend, async (lock: mp.Lock, held: mp.Event) => {
      await lock.acquire();
      held.set();
      await new Promise((r) => setTimeout(r, 60_000));
    }, [lock, held]);
    ok(await held.wait(10_000));
    equal(await lock.acquire({ block: false }), false);
    p.kill();
    await deadline(p.join(), 10_000, "join");
    ok(await lock.acquire({ timeout: 500 }), "released when its holder died");
    lock.release();
  });

  test("Condition: a child waits and the parent notifies it", async () => {
    const c = new mp.Condition();
    const state = new mp.Value("i", 0);
    const out = new mp.Queue<string>();
    const p = spawn(
      backend,
      async (c: mp.Condition, state: mp.Value<"i">, out: mp.Queue<string>) => {
        await c.acquire();
        state.value = 1;
        const seen = await c.waitFor(() => state.value === 2, 10_000);
        c.release();
        await out.put(seen ? "notified" : "timed out");
        try {
          c.notify();
        } catch (e) {
          await out.put((e as Error).name);
        }
      },
      [c, state, out],
    );
    while (true) {
      await c.acquire();
      if (state.value === 1) break;
      c.release();
      await sleep(5);
    }
    state.value = 2;
    c.notifyAll();
    c.release();
    equal(await out.get({ timeout: 10_000 }), "notified");
    equal(await out.get({ timeout: 10_000 }), "StateError");
    await finish(p);
  });

  test("Value('d') and SharedArray('i', range(10)) are negated by a child", async () => {
    const num = new mp.Value("d", 0.0);
    const arr = new mp.SharedArray("i", Array.from({ length: 10 }, (_, i) => i));
    const big = new mp.SharedArray("Q", [1n, 2n]);
    const p = spawn(backend, (n: mp.Value<"d">, a: mp.SharedArray<"i">, b: mp.SharedArray<"Q">) => {
      n.value = 3.1415927;
      for (let i = 0; i < a.length; i++) a.set(i, -a.get(i));
      b.set(1, b.get(1) * 2n ** 40n);
    }, [num, arr, big]);
    await finish(p);
    equal(num.value, 3.1415927);
    deepEqual(arr.toArray(), [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]);
    deepEqual(big.toArray(), [1n, 2n ** 41n]);
  });

  test("sync objects reach pool initargs and task arguments", async () => {
    const lock = new mp.Lock();
    const count = new mp.Value("i", 0, { lock });
    const pool = new mp.Pool({
      processes: 2,
      backend,
      initializer: async (c: mp.Value<"i">) => {
        await c.getLock().acquire();
        c.value += 100;
        c.getLock().release();
      },
      initargs: [count],
    });
    try {
      await pool.map(async (c: mp.Value<"i">) => {
        await c.getLock().acquire();
        c.value += 1;
        c.getLock().release();
      }, Array(10).fill(count));
      equal(count.value % 100, 10);
      ok(count.value >= 110);
    } finally {
      pool.close();
      await deadline(pool.join(), 10_000, "pool join");
    }
  });

  test("a BoundedSemaphore released too often in a child fails there", async () => {
    const s = new mp.BoundedSemaphore(1);
    const out = new mp.Queue<string>();
    const p = spawn(backend, async (s: mp.BoundedSemaphore, out: mp.Queue<string>) => {
      try {
        s.release();
        await out.put("released");
      } catch (e) {
        await out.put((e as Error).name);
      }
      await s.acquire();
      s.release();
      await out.put("ok");
    }, [s, out]);
    const first = await out.get({ timeout: 10_000 });
    ok(first === (backend === "worker" ? "ValueError" : "StateError"), first);
    equal(await out.get({ timeout: 10_000 }), "ok");
    await finish(p);
    equal(s.getValue(), 1);
  });
}

Deno.test("daemon children waiting for a Lock do not keep the main program alive", async () => {
  const t0 = performance.now();
  const out = await runProgram(new URL("./fixtures/daemon_lock.ts", import.meta.url), [], {
    timeoutMs: 10_000,
  });
  equal(out.stdout, "main ends\n");
  equal(out.code, 0);
  ok(performance.now() - t0 < 8_000, "ended on its own");
});
