// Every example runs, and prints what its seed tutorial shows.
import { fileURLToPath } from "node:url";
import { deepEqual, equal, match, ok } from "./_assert.ts";
import { runProgram } from "./_helpers.ts";

const example = (name: string) => new URL(`../examples/${name}`, import.meta.url);
const lines = (text: string) => text.split("\n").filter((l) => l !== "");

Deno.test("examples/process_hello.ts prints hello bob", async () => {
  const out = await runProgram(example("process_hello.ts"));
  equal(out.stdout, "hello bob\n");
});

Deno.test("examples/process_five.ts greets five times in about 2 s, not 10", async () => {
  const t0 = performance.now();
  const out = await runProgram(example("process_five.ts"));
  deepEqual(lines(out.stdout), Array(5).fill("hello alex"));
  ok(performance.now() - t0 < 6000);
});

Deno.test("examples/process_target.ts runs both children to the end", async () => {
  const out = await runProgram(example("process_target.ts"));
  deepEqual(lines(out.stdout).sort(), [
    "alex piao end",
    "alex piaoing",
    "egon piao end",
    "egon piaoing",
    "主.....",
  ]);
});

Deno.test("examples/process_subclass.ts runs run() in each child with its name", async () => {
  const out = await runProgram(example("process_subclass.ts"));
  deepEqual(lines(out.stdout).sort(), [
    "alex piao end",
    "alex piaoing",
    "egon piao end",
    "egon piaoing",
    "主....",
  ]);
});

Deno.test("examples/process_join.ts prints 主 only after the joined children end", async () => {
  const out = await runProgram(example("process_join.ts"));
  const got = lines(out.stdout);
  equal(got.length, 14);
  equal(got[4], "主");
  equal(got[13], "主 (4 joined)");
  const pids = new Set(got.filter((l) => l.endsWith("is piaoing")).map((l) => l.split(" ")[0]));
  equal(pids.size, 6, "each subprocess child has its own pid");
  for (const pid of pids) ok(got.slice(0, 13).includes(`${pid} is piao end`));
});

Deno.test("examples/process_daemon.ts ends without the daemon printing", async () => {
  const out = await runProgram(example("process_daemon.ts"));
  equal(out.stdout, "主......\n");
});

Deno.test("examples/process_ids.ts shows the child's parent is the main program", async () => {
  const out = await runProgram(example("process_ids.ts"));
  const mainPid = /main line\nprocess name: MainProcess\nparent process: \d+\nprocess id: (\d+)/
    .exec(out.stdout)![1];
  const child = /function f\nprocess name: Process-1\nparent process: (\d+)\nprocess id: (\d+)/
    .exec(out.stdout)!;
  equal(child[1], mainPid);
  ok(child[2] !== mainPid);
  match(out.stdout, /hello bob\n$/);
});

Deno.test("examples/process_loop.ts interleaves test and main, then terminates", async () => {
  const out = await runProgram(example("process_loop.ts"), ["2"]);
  const got = lines(out.stdout);
  equal(got.filter((l) => l === "main").length, 2);
  ok(got.filter((l) => l === "test").length >= 1);
  equal(got.at(-1), "child ended with exitcode -15");
});

Deno.test("examples/pool_apply_async.ts runs 10 tasks on 3 workers, then ends", async () => {
  const out = await runProgram(example("pool_apply_async.ts"));
  const got = lines(out.stdout);
  deepEqual(got.slice(0, 11), [..."0123456789", "start"]);
  const work = got.slice(11, 21);
  deepEqual(work.map((l) => Number(/任务 = (\d+)/.exec(l)![1])).sort((a, b) => a - b), [
    ...Array(10).keys(),
  ]);
  equal(new Set(work.map((l) => /工人 = (\d+)/.exec(l)![1])).size, 3);
  equal(got[21], "end ");
});

Deno.test("examples/pool_callback.ts runs callbacks in the main process", async () => {
  const out = await runProgram(example("pool_callback.ts"));
  const main = /主线程的PID: (\d+)/.exec(out.stdout)![1];
  const callbacks = [...out.stdout.matchAll(/bar的线程PID: (\d+)/g)].map((m) => m[1]);
  deepEqual(callbacks, Array(10).fill(main));
  const children = [...out.stdout.matchAll(/子线程的PID: (\d+)/g)].map((m) => m[1]);
  equal(children.length, 10);
  ok(children.every((pid) => pid !== main));
});

Deno.test("examples/pool_apply.ts runs one task at a time", async () => {
  const out = await runProgram(example("pool_apply.ts"));
  const got = lines(out.stdout);
  equal(got.length, 21);
  for (let i = 0; i < 20; i += 2) {
    const pid = /in the process of (\d+)/.exec(got[i])![1];
    equal(got[i + 1], `进程${pid}执行完毕`);
  }
  equal(got[20], "The end!");
});

Deno.test("examples/pool_map.ts prints the seed's results", async () => {
  const out = await runProgram(example("pool_map.ts"));
  equal(
    out.stdout,
    "100\n[\n   0,  1,  4,  9, 16,\n  25, 36, 49, 64, 81\n]\n0\n1\n4\nTimeoutError\n",
  );
});

Deno.test("examples/demo.ts counts primes both ways and reports the speedup", async () => {
  const out = await runProgram(example("demo.ts"));
  const counts = [...out.stdout.matchAll(/(\d+) primes in/g)].map((m) => m[1]);
  deepEqual(counts, ["539777", "539777"]);
  match(out.stdout, /Speedup on \d+ CPUs?: \d+\.\d\d×/);
});

Deno.test("examples/queue_put.ts gets what each child put", async () => {
  const out = await runProgram(example("queue_put.ts"));
  equal(out.stdout, '[ "alex", "tom" ]\n[ 42, null, "hello" ]\n');
});

Deno.test("examples/pipe_exchange.ts passes each message, the empty one too, through a Pipe", async () => {
  const out = await runProgram(example("pipe_exchange.ts"), ["one", "", "two"]);
  deepEqual(lines(out.stdout.replaceAll(": \n", ": (empty)\n")), [
    "子进程发送的数据: one",
    "父进程接收到的消息: one",
    "子进程发送的数据: (empty)",
    "父进程接收到的消息: (empty)",
    "子进程发送的数据: two",
    "父进程接收到的消息: two",
    '[ 42, null, "hello" ]',
  ]);
});

Deno.test("examples/pipe_bytes.ts sends objects and bytes and fills an array with recvBytesInto", async () => {
  const out = await runProgram(example("pipe_bytes.ts"));
  deepEqual(lines(out.stdout), [
    '[ 1, "hello", null ]',
    "thank you",
    "true 20",
    "Int32Array(10) [",
    "  0, 1, 2, 3, 4,",
    "  0, 0, 0, 0, 0",
    "]",
  ]);
});

Deno.test("examples/joinable_queue.ts ends once all nine items made were eaten", async () => {
  const out = await runProgram(example("joinable_queue.ts"));
  const got = lines(out.stdout);
  equal(got.filter((l) => /^producer-.* made /.test(l)).length, 9);
  equal(got.filter((l) => /^consumer-.* ate /.test(l)).length, 9);
  equal(got[got.length - 1], "主: every item made was eaten");
  equal(out.code, 0);
});

Deno.test("examples/lock_print.ts prints the message ten times, each line whole", async () => {
  const message = "进程之间加锁的目的是防止屏幕打印错乱";
  const out = await runProgram(example("lock_print.ts"), [message]);
  deepEqual(lines(out.stdout), Array(10).fill(`\x1b[31m打印用户输入:${message}\x1b[0m`));
});

Deno.test("examples/lock_print.ts reads the message from piped stdin, as input() does", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-lock", "-A", fileURLToPath(example("lock_print.ts"))],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("piped in\nignored\n"));
  await writer.close();
  const out = await child.output();
  equal(out.code, 0, new TextDecoder().decode(out.stderr));
  deepEqual(
    lines(new TextDecoder().decode(out.stdout)),
    Array(10).fill("\x1b[31m打印用户输入:piped in\x1b[0m"),
  );
});

Deno.test("examples/lock_hello.ts prints hello world 0 to 9 once each", async () => {
  const out = await runProgram(example("lock_hello.ts"));
  deepEqual(
    lines(out.stdout).sort(),
    Array.from({ length: 10 }, (_, i) => `hello world ${i}`).sort(),
  );
});

Deno.test("examples/shared_memory.ts shows the child's writes on both backends", async () => {
  const out = await runProgram(example("shared_memory.ts"));
  const negated = "[\n   0, -1, -2, -3, -4,\n  -5, -6, -7, -8, -9\n]";
  equal(out.stdout, `3.1415927\n${negated}\n3.1415927\n${negated}\n`);
});

Deno.test("examples/pool_apply_async_many.ts prints The end! first, then ten tasks five at a time", async () => {
  const t0 = performance.now();
  const out = await runProgram(example("pool_apply_async_many.ts"));
  const ms = performance.now() - t0;
  equal(out.code, 0, out.stderr);
  const got = lines(out.stdout);
  equal(got[0], "The end!");
  equal(got.length, 31);
  equal(got.filter((l) => l.includes("开始打印")).length, 10);
  const started = got.flatMap((l) => /in the process of (\d+)/.exec(l)?.[1] ?? []);
  const finished = got.flatMap((l) => /^进程(\d+)执行完毕$/.exec(l)?.[1] ?? []);
  equal(started.length, 10);
  deepEqual([...finished].sort(), [...started].sort());
  equal(new Set(started).size, 5, "five workers");
  ok(ms < 8000, `took ${ms.toFixed(0)} ms: the tasks must overlap (10 s one at a time)`);
});

Deno.test("examples/download_pages.ts fetches every page each of the four ways", async () => {
  const out = await runProgram(example("download_pages.ts"), [], { timeoutMs: 60_000 });
  equal(out.code, 0, out.stderr);
  const sections = out.stdout.split(/^# /m).filter((s) => s !== "");
  deepEqual(sections.map((s) => s.split("\n")[0]), ["process", "pool", "dummy", "executor"]);
  for (const section of sections) {
    const ids = [...section.matchAll(/<title>(\d+) - 搜索<\/title>/g)].map((m) => Number(m[1]));
    const n = section.startsWith("process") ? 5 : 100;
    deepEqual(
      ids.sort((a, b) => a - b),
      Array.from({ length: n }, (_, i) => i),
      section.slice(0, 9),
    );
  }
});
