import * as mp from "../mod.ts";
import { assert, equal, match, ok, throws } from "./_assert.ts";
import {
  BACKENDS,
  deadline,
  pidAlive,
  pidsOfKilledParent,
  PROGRAM,
  runProgram,
} from "./_helpers.ts";
import { Ghost, T } from "./fixtures/tasks.ts";

async function run<A extends unknown[]>(options: mp.ProcessOptions<A>): Promise<mp.Process<A>> {
  const p = new mp.Process(options);
  p.start();
  await deadline(p.join(), 20_000, "join()");
  return p;
}

for (const backend of BACKENDS) {
  const test = (name: string, fn: () => Promise<void> | void) =>
    Deno.test(`[${backend}] ${name}`, fn);

  test("Process runs a function target with its args and exits 0", async () => {
    const p = await run({
      target: (a: number, b: string) => Deno.exit(a + b.length),
      args: [40, "ab"],
      backend,
    });
    equal(p.exitcode, 42);
    const q = await run({ target: (x: number) => x * 2, args: [1], backend });
    equal(q.exitcode, 0);
    equal(q.isAlive(), false);
  });

  test("a child's non-daemon grandchild it did not join runs to its end before the child exits; a daemon one does not hold it up", async () => {
    const q = new mp.Queue<string>();
    const p = new mp.Process({
      target: async (q: mp.Queue<string>, mod: string, backend: mp.Backend) => {
        const mp: typeof import("../mod.ts") = await import(mod);
        const slow = async (q: mp.Queue<string>) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          await q.put("grandchild done");
        };
        new mp.Process({ target: slow, args: [q], backend }).start();
        const forever = () => new Promise(() => setInterval(() => {}, 1000));
        new mp.Process({ target: forever, backend, daemon: true }).start();
        await q.put("child returns");
      },
      args: [q, new URL("../mod.ts", import.meta.url).href, backend],
      backend,
    });
    p.start();
    equal(await q.get({ timeout: 20_000 }), "child returns");
    await deadline(p.join(), 20_000, "join()");
    equal(p.exitcode, 0);
    // The grandchild's item is there by the time the child has exited.
    equal(await q.get({ timeout: 0 }), "grandchild done");
    q.close();
  });

  test("Process runs a TaskRef target imported from its module", async () => {
    const p = await run({ target: T.exitWith, args: [7], backend });
    equal(p.exitcode, 7);
  });

  test("Process with a missing export exits 1 naming the module and the export", async () => {
    const out = await runProgram(
      new URL(
        "data:application/typescript," + encodeURIComponent(`
        import * as mp from "${new URL("../mod.ts", import.meta.url).href}";
        import { Ghost } from "${new URL("./fixtures/tasks.ts", import.meta.url).href}";
        const p = new mp.Process({ target: Ghost.ghost, backend: "${backend}" });
        p.start(); await p.join(); console.log("exitcode=" + p.exitcode);`),
      ).href,
    );
    match(out.stdout, /exitcode=1/);
    match(out.stderr, /tasks\.ts has no export named "ghost"/);
    ok(Ghost.ghost.module.endsWith("fixtures/tasks.ts"));
  });

  test("Process whose target throws exits 1 and prints the stack to stderr", async () => {
    const out = await runProgram(PROGRAM, ["throw", backend]);
    match(out.stdout, /exitcode=1/);
    match(out.stderr, /Process Process-1:\nTypeError: boom from child\n\s+at /);
  });

  test("Process exitcode is n after Deno.exit(n)", async () => {
    const p = await run({ target: () => Deno.exit(3), backend });
    equal(p.exitcode, 3);
  });

  test("terminate() of a sleeping child gives exitcode -15 within 1 s", async () => {
    const p = new mp.Process({ target: T.sleep, args: [30_000], backend });
    p.start();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    p.terminate();
    await deadline(p.join(), 1000, "join() after terminate()");
    ok(performance.now() - t0 < 1000);
    equal(p.exitcode, -15);
    equal(p.isAlive(), false);
    p.terminate(); // no-op once ended
  });

  test("kill() of a sleeping child gives exitcode -9", async () => {
    const p = new mp.Process({ target: T.sleep, args: [30_000], backend });
    p.start();
    p.kill();
    await deadline(p.join(), 1000, "join() after kill()");
    equal(p.exitcode, -9);
  });

  test("join(200) on a long child returns after ~200 ms with the child alive", async () => {
    const p = new mp.Process({ target: T.sleep, args: [30_000], backend });
    p.start();
    const t0 = performance.now();
    await p.join(200);
    const waited = performance.now() - t0;
    ok(waited >= 190 && waited < 700, `join(200) waited ${waited.toFixed(0)} ms`);
    equal(p.isAlive(), true);
    equal(p.exitcode, null);
    p.terminate();
    await deadline(p.join(), 2000);
  });

  test("start() twice, join() and terminate() before start() throw StateError", async () => {
    const p = new mp.Process({ target: () => {}, backend });
    throws(() => p.join(), mp.StateError);
    throws(() => p.terminate(), mp.StateError);
    throws(() => p.kill(), mp.StateError);
    p.start();
    throws(
      () => p.start(),
      (e: Error) => e instanceof mp.StateError && /already started/.test(e.message),
    );
    throws(() => (p.daemon = true), mp.StateError);
    await deadline(p.join(), 10_000);
    throws(() => p.start(), mp.StateError);
  });

  test("1 MiB of child console output arrives intact and in order", async () => {
    const lines = 11_000; // 11 000 × 104 bytes ≈ 1.09 MiB
    const out = await runProgram(PROGRAM, ["flood", backend, String(lines)]);
    const got = out.stdout.split("\n");
    equal(got[lines], "DONE exitcode=0");
    const pad = "x".repeat(90);
    for (let i = 0; i < lines; i++) {
      if (got[i] !== `line ${String(i).padStart(7, "0")} ${pad}`) {
        assert.fail(`line ${i} is ${JSON.stringify(got[i]?.slice(0, 40))}`);
      }
    }
    match(out.stderr, /flood stderr done/);
  });

  test("an uncaught error or rejection in a child leaves the parent running", async () => {
    const out = await runProgram(PROGRAM, ["uncaught", backend]);
    equal(out.code, 0);
    match(out.stdout, /parent alive, child exitcode=1/);
    match(out.stdout, /parent still alive, child exitcode=1/);
    match(out.stderr, /late uncaught error/);
    match(out.stderr, /unhandled rejection in child/);
  });

  test("a non-cloneable argument throws DataCloneError naming it; nothing starts", () => {
    const before = mp.activeChildren().length;
    const p = new mp.Process({
      target: (_a: number, _f: unknown) => {},
      args: [1, () => 2],
      backend,
    });
    throws(() => p.start(), (e: Error) => {
      equal(e.name, "DataCloneError");
      match(e.message, /Argument 1 of process Process-\d+/);
      return true;
    });
    equal(p.pid, null);
    equal(p.isAlive(), false);
    equal(mp.activeChildren().length, before);
  });

  test("a subclass runs its run() in the child with its own fields", async () => {
    class Exiter extends mp.Process {
      code = 5;
      label = "custom";
      override run() {
        if (this.name !== this.label) Deno.exit(9);
        Deno.exit(this.code + this.bonus());
      }
      bonus() {
        return 2;
      }
    }
    const p = new Exiter({ backend, name: "custom" });
    p.start();
    await deadline(p.join(), 10_000);
    equal(p.exitcode, 7);
  });

  test("a subclass field that cannot be cloned throws DataCloneError naming it", () => {
    class Bad extends mp.Process {
      callback = () => 1;
      override run() {}
    }
    throws(() => new Bad({ backend }).start(), (e: Error) => {
      equal(e.name, "DataCloneError");
      match(e.message, /Field "callback"/);
      return true;
    });
  });

  test("a daemon child cannot start children of its own", async () => {
    const p = await run({ target: T.startGrandchild, daemon: true, backend });
    equal(p.exitcode, 42);
    const q = await run({ target: T.startGrandchild, backend });
    equal(q.exitcode, 0);
  });

  test("a daemon child is cut off when the parent program ends", async () => {
    const t0 = performance.now();
    const out = await runProgram(PROGRAM, ["daemon", backend]);
    ok(performance.now() - t0 < 1400 + 2000);
    match(out.stdout, /daemon started/);
    match(out.stdout, /main done/);
    ok(!out.stdout.includes("daemon finished"), out.stdout);
    const pid = Number(/CHILD_PID=(\d+)/.exec(out.stdout)![1]);
    await new Promise((r) => setTimeout(r, 300));
    if (backend === "subprocess") ok(!pidAlive(pid), `daemon child ${pid} still alive`);
  });

  test("a non-daemon child keeps the parent program running until it ends", async () => {
    const out = await runProgram(PROGRAM, ["nondaemon", backend]);
    equal(out.stdout, "main done\nchild done\n");
  });

  test("currentProcess() and parentProcess() describe the child and its parent", async () => {
    const out = await runProgram(PROGRAM, ["identity", backend]);
    const child = JSON.parse(/IDENTITY (.*)/.exec(out.stdout)![1]);
    const main = JSON.parse(/MAIN (.*)/.exec(out.stdout)![1]);
    equal(child.self.name, "ident-child");
    equal(child.self.ident, "1");
    equal(child.self.daemon, false);
    equal(child.self.pid, main.childPid);
    assert.deepEqual(child.parent, main.self);
    equal(main.self.name, "MainProcess");
    equal(main.self.ident, "main");
    if (backend === "worker") equal(child.self.pid, main.self.pid);
    else ok(child.self.pid !== main.self.pid);
  });

  test("pid, ident, name and activeChildren() track a started child", async () => {
    const p = new mp.Process({ target: T.sleep, args: [300], backend });
    const q = new mp.Process({ target: () => {}, backend, name: "named" });
    match(p.name, /^Process-\d+$/);
    equal(Number(q.ident), Number(p.ident) + 1);
    equal(q.name, "named");
    equal(p.pid, null);
    p.start();
    ok(mp.activeChildren().includes(p));
    if (backend === "worker") equal(p.pid, Deno.pid);
    else ok(typeof p.pid === "number" && p.pid !== Deno.pid && pidAlive(p.pid));
    await deadline(p.join(), 10_000);
    ok(!mp.activeChildren().includes(p));
    equal(p.exitcode, 0);
  });

  test("permissions narrow what a child may do", async () => {
    // A function target: a narrowed child must also be allowed to read the
    // modules a TaskRef's module imports, and this one grants no reads at all.
    const tryRead = (path: string) => {
      try {
        Deno.readTextFileSync(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotCapable) Deno.exit(77);
        throw error;
      }
    };
    const denied = await run({
      target: tryRead,
      args: ["/etc/hostname"],
      backend,
      permissions: { read: false },
    });
    equal(denied.exitcode, 77);
    const allowed = await run({ target: tryRead, args: ["/etc/hostname"], backend });
    equal(allowed.exitcode, 0);
  });

  // A worker child lives inside its parent's OS process, so only a
  // subprocess child can be orphaned.
  if (backend === "subprocess") {
    test("a subprocess child dies when its parent is SIGKILLed", async () => {
      const [pid] = await pidsOfKilledParent(["orphan", backend]);
      await new Promise((r) => setTimeout(r, 2000));
      ok(!pidAlive(pid), `child ${pid} outlived its SIGKILLed parent`);
    });

    test("a subprocess child and its grandchild in synchronous loops die within a second of the parent's SIGKILL", async () => {
      const pids = await pidsOfKilledParent(["orphan-spin"]);
      try {
        const t0 = performance.now();
        while (pids.some(pidAlive) && performance.now() - t0 < 1000) {
          await new Promise((r) => setTimeout(r, 10));
        }
        const left = pids.filter(pidAlive);
        equal(left.length, 0, `still running 1 s after the parent's death: ${left.join(", ")}`);
      } finally {
        for (const pid of pids.filter(pidAlive)) Deno.kill(pid, "SIGKILL");
      }
    });
  }
}

Deno.test("Process rejects a target that is neither a function nor a TaskRef", () => {
  throws(() => new mp.Process({ target: 42 as never }), (e: Error) => {
    ok(e instanceof TypeError);
    match(e.message, /Expected `target` to be a function or a TaskRef from mp\.tasks\(\), got 42/);
    return true;
  });
  throws(() => new mp.Process({ target: Math.max as never }), /built-in or bound function/);
  throws(() => new mp.Process({ target: class {} as never }), /got the class/);
  throws(() => new mp.Process({ args: "x" as never }), /Expected `args` to be an array/);
  throws(
    () => new mp.Process({ backend: "thread" as never }),
    /Expected `backend` to be "worker" or "subprocess", got "thread"/,
  );
  throws(() => new mp.Process({ name: 3 as never }), /Expected `name` to be a string/);
});

Deno.test("join() rejects a negative timeout with RangeError", async () => {
  const p = new mp.Process({ target: () => {} });
  p.start();
  throws(() => p.join(-1), RangeError);
  await deadline(p.join(), 10_000);
});

Deno.test("narrowing worker permissions without --unstable-worker-options is a clear error", async () => {
  const out = await runProgram(PROGRAM, ["narrow-worker"], { flags: ["-A"] });
  equal(out.code, 0);
  match(out.stdout, /StateError: .*--unstable-worker-options/);
  match(out.stdout, /survived/);
});

Deno.test("cpuCount() is the number of logical CPUs", () => {
  equal(mp.cpuCount(), navigator.hardwareConcurrency);
  equal(mp.currentProcess().name, "MainProcess");
  equal(mp.parentProcess(), null);
});

Deno.test("TaskRef types flow into Process args", () => {
  // Type-level: a wrong argument type is a compile error.
  // @ts-expect-error a string is not a number
  const bad = () => new mp.Process({ target: T.add, args: ["1", 2] });
  ok(typeof bad === "function");
  const good = new mp.Process({ target: T.add, args: [1, 2] });
  equal(good.isAlive(), false);
});

Deno.test("run() called directly runs the target in the calling process", async () => {
  const g = globalThis as { ranWith?: number };
  const p = new mp.Process({
    target: (x: number) => void ((globalThis as typeof g).ranWith = x),
    args: [5],
  });
  await p.run();
  equal(g.ranWith, 5);
  equal(p.isAlive(), false);
  delete g.ranWith;
});
