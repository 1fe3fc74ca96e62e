// Handles go wherever Python lets them go: passed on by a child to its own
// children (relayed through it, see src/handles/relay.ts), and one
// Connection end given to one child after another.
import * as mp from "../mod.ts";
import { deepEqual, equal, ok, rejects } from "./_assert.ts";
import { BACKENDS, deadline, finish, spawn } from "./_helpers.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;

/** Every (child, grandchild) pair of backends. */
const PAIRS = BACKENDS.flatMap((child) => BACKENDS.map((grandchild) => [child, grandchild]));

for (const [child, grandchild] of PAIRS) {
  const name = `[${child} → ${grandchild}]`;
  Deno.test(
    `${name} a grandchild uses a Queue, a Connection and a Lock created by its grandparent`,
    () =>
      deadline(
        (async () => {
          const q = new mp.Queue<string>();
          const [here, there] = mp.Pipe<string>();
          const lock = new mp.Lock();
          const p = spawn(child, async (
            q: mp.Queue<string>,
            conn: mp.Connection<string>,
            lock: mp.Lock,
            mod: string,
            backend: mp.Backend,
          ) => {
            const mp: typeof import("../mod.ts") = await import(mod);
            await q.put("child");
            const g = new mp.Process({
              target: async (q: mp.Queue<string>, conn: mp.Connection<string>, lock: mp.Lock) => {
                await q.put("grandchild");
                await conn.send(`grandchild got ${await conn.recv()}`);
                await lock.acquire();
                await q.put("grandchild holds the lock");
                await conn.recv();
                lock.release();
              },
              args: [q, conn, lock],
              backend,
            });
            g.start();
            await g.join();
            await q.put(`grandchild exit ${g.exitcode}`);
          }, [q, there, lock, MOD, grandchild]);
          equal(await q.get({ timeout: 15_000 }), "child");
          equal(await q.get({ timeout: 15_000 }), "grandchild");
          await here.send("ping");
          equal(await here.recv({ timeout: 15_000 }), "grandchild got ping");
          equal(await q.get({ timeout: 15_000 }), "grandchild holds the lock");
          equal(await lock.acquire({ timeout: 50 }), false, "the grandchild holds the lock");
          await here.send("let go");
          equal(await lock.acquire({ timeout: 15_000 }), true, "the grandchild let go");
          lock.release();
          equal(await q.get({ timeout: 15_000 }), "grandchild exit 0");
          await finish(p);
        })(),
        60_000,
        name,
      ),
  );

  Deno.test(`${name} a lock a grandchild dies holding is released`, () =>
    deadline(
      (async () => {
        const lock = new mp.Lock();
        const q = new mp.Queue<string>();
        const p = spawn(child, async (
          lock: mp.Lock,
          q: mp.Queue<string>,
          mod: string,
          backend: mp.Backend,
        ) => {
          const mp: typeof import("../mod.ts") = await import(mod);
          const g = new mp.Process({
            target: async (lock: mp.Lock, q: mp.Queue<string>) => {
              await lock.acquire();
              await q.put("held");
              Deno.exit(3);
            },
            args: [lock, q],
            backend,
          });
          g.start();
          await g.join();
          await q.put(`grandchild exit ${g.exitcode}`);
        }, [lock, q, MOD, grandchild]);
        equal(await q.get({ timeout: 15_000 }), "held");
        equal(await q.get({ timeout: 15_000 }), "grandchild exit 3");
        equal(await lock.acquire({ timeout: 15_000 }), true, "released when the grandchild died");
        lock.release();
        await finish(p);
      })(),
      60_000,
      name,
    ));

  Deno.test(`${name} items a grandchild received and did not consume go back to the queue`, () =>
    deadline(
      (async () => {
        const q = new mp.Queue<number>();
        for (let i = 0; i < 100; i++) await q.put(i);
        const out = new mp.Queue<number>();
        const p = spawn(child, async (
          q: mp.Queue<number>,
          out: mp.Queue<number>,
          mod: string,
          backend: mp.Backend,
        ) => {
          const mp: typeof import("../mod.ts") = await import(mod);
          const g = new mp.Process({
            // Takes a batch, consumes two and dies: the rest must go back.
            target: async (q: mp.Queue<number>, out: mp.Queue<number>) => {
              await out.put(await q.get());
              await out.put(await q.get());
              Deno.exit(1);
            },
            args: [q, out],
            backend,
          });
          g.start();
          await g.join();
        }, [q, out, MOD, grandchild]);
        await finish(p);
        const got = [await out.get({ timeout: 15_000 }), await out.get({ timeout: 15_000 })];
        deepEqual(got, [0, 1]);
        const rest: number[] = [];
        while (rest.length < 98) rest.push(await q.get({ timeout: 15_000 }));
        deepEqual(rest, Array.from({ length: 98 }, (_, i) => i + 2));
      })(),
      60_000,
      name,
    ));
}

for (const backend of BACKENDS) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`[${backend}] ${name}`, () => deadline(fn(), 60_000, name));

  test("one Connection end passed to 5 successive children carries each one's message", async () => {
    const [parentConn, childConn] = mp.Pipe<string>();
    for (let i = 0; i < 5; i++) {
      const p = spawn(backend, async (conn: mp.Connection<string>, i: number) => {
        await conn.send(`message ${i}`);
      }, [childConn, i]);
      await finish(p);
      equal(await parentConn.recv({ timeout: 10_000 }), `message ${i}`);
    }
    childConn.close();
    await rejects(parentConn.recv({ timeout: 10_000 }), mp.EOFError);
  });

  test("one Connection end held by 3 children at once: all messages arrive, then EOF", async () => {
    const [a, b] = mp.Pipe<number>();
    const ps = [0, 1, 2].map((i) =>
      spawn(backend, async (conn: mp.Connection<number>, i: number) => {
        for (let n = 0; n < 100; n++) await conn.send(i * 1000 + n);
      }, [b, i])
    );
    b.close();
    const got: number[] = [];
    for (;;) {
      try {
        got.push(await a.recv({ timeout: 15_000 }) as number);
      } catch (error) {
        ok(error instanceof mp.EOFError, String(error));
        break;
      }
    }
    await finish(...ps);
    equal(got.length, 300);
    for (const i of [0, 1, 2]) {
      const mine = got.filter((x) => Math.floor(x / 1000) === i);
      deepEqual(mine, Array.from({ length: 100 }, (_, n) => i * 1000 + n), "each holder's order");
    }
  });

  test("a Value and a Manager dict pass through a child to a grandchild", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<string, number>();
    const v = new mp.Value("i", 0);
    const p = spawn(backend, async (
      v: mp.Value<"i">,
      d: mp.DictProxy<string, number>,
      mod: string,
      backend: mp.Backend,
    ) => {
      const mp: typeof import("../mod.ts") = await import(mod);
      const g = new mp.Process({
        target: async (v: mp.Value<"i">, d: mp.DictProxy<string, number>) => {
          for (let i = 0; i < 50; i++) {
            await v.getLock().acquire();
            v.value += 1;
            v.getLock().release();
          }
          await d.set("grandchild", v.value);
        },
        args: [v, d],
        backend,
      });
      g.start();
      await g.join();
    }, [v, d, MOD, backend]);
    await finish(p);
    equal(v.value, 50);
    equal(await d.get("grandchild"), 50);
  });
}
