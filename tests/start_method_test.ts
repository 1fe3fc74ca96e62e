import * as mp from "../mod.ts";
import { deepEqual, equal, ok, throws } from "./_assert.ts";
import { deadline } from "./_helpers.ts";

Deno.test("setStartMethod() sets the backend Process, Pool and ProcessPoolExecutor use when given none", async () => {
  try {
    equal(mp.getStartMethod(), "worker");
    mp.setStartMethod("spawn");
    equal(mp.getStartMethod(), "subprocess");
    equal(new mp.Process({ target: () => {} }).backend, "subprocess");
    equal(new mp.Process({ target: () => {}, backend: "worker" }).backend, "worker");
    throws(() => mp.setStartMethod("worker"), {
      name: "StateError",
      message:
        'The start method was already set to "subprocess": pass { force: true } to change it',
    });
    await using pool = new mp.Pool(1);
    ok(await deadline(pool.apply(() => Deno.pid), 20_000, "apply") !== Deno.pid);
    await using ex = new mp.ProcessPoolExecutor(1);
    ok(await deadline(ex.submit(() => Deno.pid), 20_000, "submit") !== Deno.pid);
  } finally {
    mp.setStartMethod(null, { force: true });
  }
  equal(mp.getStartMethod(), "worker");
});

Deno.test("getContext() binds Process, Pool and the executor to a start method, leaving the default alone", async () => {
  const ctx = mp.getContext("spawn");
  equal(ctx.backend, "subprocess");
  equal(mp.getStartMethod(), "worker");
  const p = new ctx.Process({ target: () => {} });
  ok(p instanceof mp.Process);
  equal(p.backend, "subprocess");
  await using pool = new ctx.Pool(1);
  ok(pool instanceof mp.Pool);
  ok(await deadline(pool.apply(() => Deno.pid), 20_000, "apply") !== Deno.pid);
  await using ex = new ctx.ProcessPoolExecutor({ maxWorkers: 1 });
  ok(await deadline(ex.submit(() => Deno.pid), 20_000, "submit") !== Deno.pid);
  equal(new (mp.getContext("worker").Process)({ target: () => {} }).backend, "worker");
  deepEqual(mp.getAllStartMethods(), ["worker", "subprocess", "spawn", "forkserver"]);
});

Deno.test("start methods refuse fork, with what to use instead, and unknown names", () => {
  throws(() => mp.getContext("fork" as never), {
    name: "TypeError",
    message:
      'Deno cannot fork a process: use "spawn" (a fresh `deno run` child, as Python on macOS and Windows) or "worker" (a Web Worker in this process)',
  });
  throws(() => mp.setStartMethod("threads" as never), {
    name: "TypeError",
    message:
      'Expected a start method, "spawn", "forkserver", "worker" or "subprocess", got "threads"',
  });
  equal(mp.getStartMethod(), "worker", "a refused method sets nothing");
});
