// Manager dicts and lists: in the owner, and shared with children on both
// backends.
import * as mp from "../mod.ts";
import { deepEqual, equal, ok, rejects } from "./_assert.ts";
import { type AnyTarget, BACKENDS, deadline, finish, spawn } from "./_helpers.ts";

const MOD = new URL("../mod.ts", import.meta.url).href;

Deno.test("Manager dict in the owner: set, get, has, delete, keys, values, entries, size, toMap", async () => {
  await using manager = new mp.Manager();
  const d = await manager.dict<mp.ManagerKey, unknown>({ a: 1 });
  await d.set("b", [1, 2]);
  await d.set(3, { x: 1 });
  deepEqual(await d.get("b"), [1, 2]);
  equal(await d.get("missing"), undefined);
  ok(await d.has("a"));
  ok(!(await d.has("z")));
  equal(await d.delete("a"), true);
  equal(await d.delete("a"), false);
  deepEqual(await d.keys(), ["b", 3]);
  deepEqual(await d.values(), [[1, 2], { x: 1 }]);
  deepEqual(await d.entries(), [["b", [1, 2]], [3, { x: 1 }]]);
  equal(await d.size(), 2);
  deepEqual(await d.toMap(), new Map<mp.ManagerKey, unknown>([["b", [1, 2]], [3, { x: 1 }]]));
});

Deno.test('Manager dict keys compare as a Map\'s: 1 is not "1", -0 is 0, NaN and 10n are keys', async () => {
  await using manager = new mp.Manager();
  const d = await manager.dict();
  for (const [k, v] of [[1, "n"], ["1", "s"], [-0, "z"], [NaN, "nan"], [10n, "big"], [null, "N"]]) {
    await d.set(k as mp.ManagerKey, v);
  }
  equal(await d.get(1), "n");
  equal(await d.get("1"), "s");
  equal(await d.get(0), "z");
  equal(await d.get(NaN), "nan");
  equal(await d.get(10n), "big");
  equal(await d.get(10), undefined);
  equal(await d.get(null), "N");
  equal(await d.size(), 6);
});

Deno.test("Manager list in the owner: append, get and set with Python's negative indexes, reverse", async () => {
  await using manager = new mp.Manager();
  const l = await manager.list<number>([1, 2, 3]);
  await l.append(4);
  equal(await l.get(0), 1);
  equal(await l.get(-1), 4);
  await l.set(-4, 10);
  await l.reverse();
  deepEqual(await l.toArray(), [4, 3, 2, 10]);
  equal(await l.length(), 4);
});

Deno.test("Manager values are copies: taken at the call, and fresh on every read", async () => {
  await using manager = new mp.Manager();
  const d = await manager.dict<string, { n: number[] }>();
  const value = { n: [1] };
  await d.set("v", value);
  value.n.push(2);
  const read = (await d.get("v"))!;
  deepEqual(read, { n: [1] });
  read.n.push(3);
  deepEqual(await d.get("v"), { n: [1] });
  const l = await manager.list([{ big: Array.from({ length: 100 }, (_, i) => i) }]);
  const items = await l.toArray();
  items[0].big.length = 0;
  equal((await l.get(0)).big.length, 100);
  const map = await d.toMap();
  map.get("v")!.n.push(9);
  deepEqual(await d.get("v"), { n: [1] });
});

Deno.test("Manager dict() and list() take objects, Maps, pairs and iterables, and refuse others", async () => {
  await using manager = new mp.Manager();
  deepEqual(await (await manager.dict({ a: 1, b: 2 })).keys(), ["a", "b"]);
  deepEqual(await (await manager.dict(new Map([[1n, "x"]]))).toMap(), new Map([[1n, "x"]]));
  deepEqual(await (await manager.dict([[true, 1], [false, 0]])).keys(), [true, false]);
  deepEqual(await (await manager.list(new Set([3, 4]))).toArray(), [3, 4]);
  function* range(n: number) {
    for (let i = 0; i < n; i++) yield i;
  }
  equal(await (await manager.list(range(10))).length(), 10);
  await rejects(manager.dict(5 as never), /plain object, a Map or an iterable.*got 5/);
  await rejects(
    manager.dict([[1, 2, 3]] as never),
    /\[key, value\] pair, got an array of length 3/,
  );
  await rejects(manager.dict([[{}, 1]] as never), TypeError);
  await rejects(manager.list(7 as never), /iterable.*got 7/);
  await rejects(
    manager.list([() => 1]),
    (e: Error) => e.name === "DataCloneError" && /Item 0/.test(e.message),
  );
});

Deno.test("Manager refuses bad keys, uncloneable values, handles as values and bad indexes at the call", async () => {
  await using manager = new mp.Manager();
  const d = await manager.dict();
  const l = await manager.list<unknown>([1]);
  await rejects(
    d.set({} as never, 1),
    /dict key to be a string, number, bigint, boolean or null, got an object/,
  );
  await rejects(d.get(undefined as never), /got undefined/);
  await rejects(d.has(Symbol("s") as never), TypeError);
  await rejects(
    d.set("f", () => 1),
    (e: Error) => e.name === "DataCloneError" && /The value for key "f"/.test(e.message),
  );
  await rejects(d.set("q", new mp.Queue()), /key "q" holds a Queue, which cannot be stored/);
  await rejects(l.append({ inner: [d] }), /holds a DictProxy \(at inner\.0\)/);
  await rejects(l.get(1.5), /list index to be an integer, got 1.5/);
  await rejects(l.get(1), /index 1 is out of range for a list of length 1: use 0 … 0, or -1 … -1/);
  await rejects(l.set(-2, 0), RangeError);
  await rejects((await manager.list()).get(0), /the list is empty/);
  equal(await d.size(), 0);
  deepEqual(await l.toArray(), [1]);
});

Deno.test("after shutdown() every proxy operation rejects StateError; await using shuts down", async () => {
  const manager = new mp.Manager();
  const d = await manager.dict({ a: 1 });
  const l = await manager.list([1]);
  await manager.shutdown();
  await manager.shutdown();
  for (
    const op of [d.get("a"), d.set("a", 2), d.keys(), d.toMap(), l.append(2), l.reverse(), l.get(0)]
  ) {
    await rejects(
      op,
      (e: Error) => e instanceof mp.StateError && /Manager was shut down/.test(e.message),
    );
  }
  await rejects(manager.dict(), mp.StateError);
  let kept: mp.DictProxy | undefined;
  {
    await using m = new mp.Manager();
    kept = await m.dict();
  }
  await rejects(kept.size(), mp.StateError);
  let error: unknown;
  try {
    new mp.Process({ target: (_d: mp.DictProxy) => {}, args: [kept] }).start();
  } catch (e) {
    error = e;
  }
  ok(error instanceof mp.StateError, String(error));
});

for (const backend of BACKENDS) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`[${backend}] ${name}`, () => deadline(fn(), 40_000, name));

  test("ten children writing d[id] = ppid and appending to a list leave ten entries in each", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<string | number, number>();
    const l = await manager.list<string | number>();
    const children = Array.from(
      { length: 10 },
      () =>
        spawn(
          backend,
          async (d: mp.DictProxy<string | number, number>, l: mp.ListProxy, mod: string) => {
            const mp: typeof import("../mod.ts") = await import(mod);
            // Workers share the parent's pid: their ident tells them apart.
            const me = mp.currentProcess();
            const id = me.pid === mp.parentProcess()!.pid ? me.ident : me.pid;
            await d.set(id, mp.parentProcess()!.pid);
            await l.append(id);
          },
          [d, l, MOD],
        ),
    );
    await finish(...children);
    equal(await d.size(), 10);
    equal(await l.length(), 10);
    ok((await d.values()).every((ppid) => ppid === Deno.pid));
    deepEqual(new Set(await d.keys()), new Set(await l.toArray()));
  });

  test('Map-semantics keys cross a child: 1, "1", 0.25, "", null, true, 10n, NaN, -0', async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict();
    const report = new mp.Queue<unknown>();
    await d.set(1, "from the parent");
    const p = spawn(backend, async (d: mp.DictProxy, report: mp.Queue<unknown>) => {
      await d.set("1", "string one");
      await d.set(0.25, null);
      await d.set("", 2);
      await d.set(null, "null");
      await d.set(true, "true");
      await d.set(10n, 10n);
      await d.set(NaN, "nan");
      await d.set(-0, "zero");
      await report.put([
        await d.get(1),
        await d.get(10n),
        await d.get(NaN),
        await d.has(0),
        await d.keys(),
      ]);
    }, [d, report]);
    deepEqual(await report.get({ timeout: 20_000 }), [
      "from the parent",
      10n,
      "nan",
      true,
      [1, "1", 0.25, "", null, true, 10n, NaN, 0],
    ]);
    await finish(p);
    equal(await d.get(1), "from the parent");
    equal(await d.get("1"), "string one");
    equal(await d.get(0.25), null);
    equal(await d.get(""), 2);
    equal(await d.get(10n), 10n);
    equal(await d.get(0), "zero");
    equal(await d.size(), 9);
  });

  test("4 children × 500 appends and sets, interleaved with reads, lose nothing", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<number, number>();
    const l = await manager.list<number>();
    const writer = async (d: mp.DictProxy<number, number>, l: mp.ListProxy<number>, c: number) => {
      for (let i = 0; i < 500; i++) {
        await l.append(c * 1000 + i);
        await d.set(c * 1000 + i, i);
        if (i % 100 === 0 && !(await d.has(c * 1000 + i))) throw new Error("own write not seen");
      }
    };
    const children = [0, 1, 2, 3].map((c) => spawn(backend, writer, [d, l, c]));
    await finish(...children);
    const items = await l.toArray();
    equal(items.length, 2000);
    equal(new Set(items).size, 2000);
    for (let c = 0; c < 4; c++) {
      const mine = items.filter((x) => Math.floor(x / 1000) === c);
      deepEqual(mine, Array.from({ length: 500 }, (_, i) => c * 1000 + i), "per-child order kept");
    }
    equal(await d.size(), 2000);
  });

  test("a child that ends right after 3000 sets (awaited or not; return or Deno.exit) loses none", async () => {
    for (const mode of ["return", "exit", "no await", "no await, exit"]) {
      await using manager = new mp.Manager();
      const d = await manager.dict<number, number>();
      const p = spawn(backend, async (d: mp.DictProxy<number, number>, mode: string) => {
        for (let i = 0; i < 3000; i++) {
          if (mode.startsWith("no await")) d.set(i, i);
          else await d.set(i, i);
        }
        if (mode.endsWith("exit")) Deno.exit(0);
      }, [d, mode]);
      await finish(p);
      equal(await d.size(), 3000, mode);
      equal(await d.get(2999), 2999);
    }
  });

  test("a read-modify-write under a Lock in 4 children × 100 counts every increment", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<string, number>({ count: 0 });
    const lock = new mp.Lock();
    const add = async (d: mp.DictProxy<string, number>, lock: mp.Lock) => {
      for (let i = 0; i < 100; i++) {
        await lock.acquire();
        await d.set("count", (await d.get("count"))! + 1);
        lock.release();
      }
    };
    await finish(...[0, 1, 2, 3].map(() => spawn(backend, add, [d, lock])));
    equal(await d.get("count"), 400);
  });

  test("a child gets the errors: bad key, uncloneable value, index out of range, and nothing changes", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict();
    const l = await manager.list([1, 2, 3]);
    const report = new mp.Queue<string[]>();
    const p = spawn(
      backend,
      async (d: mp.DictProxy, l: mp.ListProxy, report: mp.Queue<string[]>) => {
        const got: string[] = [];
        const note = (e: Error) => got.push(`${e.name}: ${e.message}`);
        await d.set({} as never, 1).catch(note);
        await d.set("f", () => 1).catch(note);
        await l.get(7).catch(note);
        await l.set(-4, 0).catch(note);
        await l.get(0.5).catch(note);
        await l.set(0, "ok");
        await report.put(got);
      },
      [d, l, report],
    );
    const got = await report.get({ timeout: 20_000 });
    equal(got.length, 5);
    ok(got[0].startsWith("TypeError: Expected a Manager dict key"), got[0]);
    ok(got[1].startsWith('DataCloneError: The value for key "f"'), got[1]);
    equal(
      got[2],
      "RangeError: Manager list index 7 is out of range for a list of length 3: use 0 … 2, or -3 … -1 to count from the end",
    );
    ok(got[3].startsWith("RangeError: Manager list index -4 is out of range"), got[3]);
    ok(got[4].startsWith("TypeError: Expected a Manager list index to be an integer"), got[4]);
    await finish(p);
    equal(await d.size(), 0);
    deepEqual(await l.toArray(), ["ok", 2, 3]);
  });

  test("after the owner's shutdown(), a child's proxy operations reject StateError", async () => {
    const manager = new mp.Manager();
    const d = await manager.dict({ a: 1 });
    const l = await manager.list([1]);
    const go = new mp.Queue<string>();
    const report = new mp.Queue<unknown>();
    const p = spawn(
      backend,
      async (d: mp.DictProxy, l: mp.ListProxy, go: mp.Queue<string>, report: mp.Queue<unknown>) => {
        await report.put(await d.get("a"));
        await go.get();
        const names: string[] = [];
        const note = (e: Error) => names.push(e.name + (/shut down/.test(e.message) ? "" : "?"));
        await d.get("a").catch(note);
        await d.set("b", 2).catch(note);
        await l.append(2).catch(note);
        await l.toArray().catch(note);
        await report.put(names);
      },
      [d, l, go, report],
    );
    equal(await report.get({ timeout: 20_000 }), 1);
    await manager.shutdown();
    await go.put("go");
    deepEqual(await report.get({ timeout: 20_000 }), Array(4).fill("StateError"));
    await finish(p);
  });

  test("proxies reach Process subclass fields, pool task arguments and initargs", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<string, number>();
    const l = await manager.list<string>();
    class Writer extends mp.Process {
      dict = d;
      override async run() {
        await (this as unknown as { dict: mp.DictProxy<string, number> }).dict.set("subclass", 1);
      }
    }
    const p = new Writer({ backend });
    p.start();
    await finish(p);
    const pool = new mp.Pool({
      processes: 2,
      backend,
      initializer: (async (l: mp.ListProxy<string>) =>
        await l.append("initialized")) as AnyTarget as () => void,
      initargs: [l],
    });
    try {
      await pool.map(
        async (a: { d: mp.DictProxy<string, number>; x: number }) =>
          await a.d.set(`task ${a.x}`, a.x),
        [1, 2, 3, 4].map((x) => ({ d, x })),
      );
      // The writes of a task are in before its result: no wait needed.
      equal(await d.size(), 5);
      await pool.apply(async (l: mp.ListProxy<string>) => await l.append("applied"), [l]);
    } finally {
      pool.close();
      await deadline(pool.join(), 10_000, "pool join");
    }
    // Each worker's initializer wrote before it ran anything, and the pool has ended.
    deepEqual((await l.toArray()).sort(), ["applied", "initialized", "initialized"]);
    deepEqual(
      await d.toMap(),
      new Map([["subclass", 1], ["task 1", 1], ["task 2", 2], ["task 3", 3], ["task 4", 4]]),
    );
  });

  test("a proxy received from the parent is passed on to a grandchild, which writes and reads", async () => {
    await using manager = new mp.Manager();
    const d = await manager.dict<string, unknown>({ from: "grandparent" });
    const p = spawn(backend, async (d: mp.DictProxy<string, unknown>, mod: string, b: string) => {
      const mp: typeof import("../mod.ts") = await import(mod);
      const g = new mp.Process({
        target: async (d: mp.DictProxy<string, unknown>) => {
          await d.set("grandchild read", await d.get("from"));
        },
        args: [d],
        backend: b as mp.Backend,
      });
      g.start();
      await g.join();
      await d.set("grandchild exit", g.exitcode);
    }, [d, MOD, backend]);
    await finish(p);
    equal(await d.get("grandchild read"), "grandparent");
    equal(await d.get("grandchild exit"), 0);
  });
}
