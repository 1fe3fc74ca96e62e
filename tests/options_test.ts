// Options are checked, never ignored: an unknown key is a typo, a value of
// the wrong type is a TypeError naming the option (a bad number of the right
// type stays a RangeError).
import * as mp from "../mod.ts";
import { deepEqual, equal, rejects, throws } from "./_assert.ts";

const unknown = (key: string, what: string) =>
  new RegExp(
    `^Unknown option "${key}" for ${
      what.replace(/[().]/g, "\\$&")
    }( \\(did you mean "\\w+"\\?\\))?: the options are `,
  );

Deno.test("a casing slip names the option: Pool's maxtasksperchild, the executor's maxTasksPerChild", () => {
  throws(() => new mp.Pool({ processes: 1, maxTasksPerChild: 2 } as never), {
    name: "TypeError",
    message: /^Unknown option "maxTasksPerChild" for Pool \(did you mean "maxtasksperchild"\?\)/,
  });
  throws(() => new mp.ProcessPoolExecutor({ maxWorkers: 1, maxtasksperchild: 2 } as never), {
    name: "TypeError",
    message: /\(did you mean "maxTasksPerChild"\?\)/,
  });
});

Deno.test("new Pool() refuses an unknown option and a number given as a string", () => {
  throws(() => new mp.Pool({ procesess: 2 } as never), {
    name: "TypeError",
    message: unknown("procesess", "Pool"),
  });
  throws(() => new mp.Pool({ processes: "3" } as never), {
    name: "TypeError",
    message: 'Expected `processes` to be a positive integer, got "3"',
  });
  throws(() => new mp.Pool({ processes: 0 }), { name: "RangeError" });
  throws(() => new mp.Pool({ processes: 1, timeout: "5" } as never), {
    name: "TypeError",
    message: /`timeout`/,
  });
});

Deno.test("new Pool(n, options) takes the options after the number of workers", async () => {
  await using pool = new mp.Pool(1, { backend: "subprocess" });
  const pid = await pool.apply(() => Deno.pid);
  equal(pid !== Deno.pid, true);
  throws(() => new mp.Pool({ processes: 1 }, { backend: "worker" }), { name: "TypeError" });
  throws(() => new mp.Pool(1, { procesess: 2 } as never), {
    name: "TypeError",
    message: unknown("procesess", "Pool"),
  });
});

Deno.test("Pool calls refuse unknown options", async () => {
  await using pool = new mp.Pool({ processes: 1, backend: "inline" });
  throws(() => pool.map((x: number) => x, [1], { chunkSize: 2 } as never), {
    name: "TypeError",
    message: unknown("chunkSize", "a Pool call"),
  });
  throws(() => pool.apply((x: number) => x, [1], { timout: 5 } as never), {
    name: "TypeError",
    message: unknown("timout", "a Pool call"),
  });
});

Deno.test("new Process() refuses an unknown option", () => {
  throws(() => new mp.Process({ targt: () => {} } as never), {
    name: "TypeError",
    message: unknown("targt", "Process"),
  });
});

Deno.test("Queue refuses a maxsize string and unknown options; get/put refuse unknown wait options", async () => {
  throws(() => new mp.Queue("3" as never), {
    name: "TypeError",
    message: 'Expected `options` to be a maxsize number or an object, got "3"',
  });
  throws(() => new mp.Queue({ maxsize: "3" } as never), {
    name: "TypeError",
    message: /`maxsize`/,
  });
  throws(() => new mp.Queue({ maxsze: 3 } as never), {
    name: "TypeError",
    message: unknown("maxsze", "Queue"),
  });
  const q = new mp.Queue<number>();
  await rejects(async () => await q.get({ timout: 5 } as never), {
    name: "TypeError",
    message: unknown("timout", "a wait"),
  });
  q.close();
});

Deno.test("Pipe, Value and ProcessPoolExecutor refuse unknown options", async () => {
  throws(() => mp.Pipe({ duplx: false } as never), {
    name: "TypeError",
    message: unknown("duplx", "Pipe"),
  });
  throws(() => new mp.Value("i", 0, { lok: false } as never), {
    name: "TypeError",
    message: /Unknown option "lok"/,
  });
  throws(() => new mp.ProcessPoolExecutor({ maxWorker: 2 } as never), {
    name: "TypeError",
    message: unknown("maxWorker", "ProcessPoolExecutor"),
  });
  await using ex = new mp.ProcessPoolExecutor({ maxWorkers: 1 });
  // Python's executor.map(fn, xs, ys): the second iterable is not options.
  deepEqual(await Array.fromAsync(ex.map((x: number, y: number) => x + y, [1, 2], [3, 4])), [4, 6]);
  throws(() => ex.map((x: number) => x, [1], { chunkSize: 2 } as never), {
    name: "TypeError",
    message: unknown("chunkSize", "ProcessPoolExecutor.map()"),
  });
});
