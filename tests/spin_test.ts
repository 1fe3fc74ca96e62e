// A child that never yields. A subprocess child is stopped by its signal. A
// worker thread in synchronous code cannot be interrupted by Deno 2.9 (its
// terminate() only asks the worker's event loop to stop), so the library
// says so instead of reporting it stopped: the pool's error says it, the
// Process stays alive with exitcode null, a lock it holds is not handed on,
// and the program still ends.
import { equal, match } from "./_assert.ts";
import { BACKENDS, FIXTURES, runProgram } from "./_helpers.ts";

const SPIN = new URL("spin.ts", FIXTURES);

for (const backend of BACKENDS) {
  Deno.test(`[${backend}] a pool task that never yields times out truthfully and the program still ends`, async () => {
    const t0 = performance.now();
    const out = await runProgram(SPIN, ["pool", backend], { timeoutMs: 20_000 });
    equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split("\n");
    match(
      lines[0],
      /^TaskTimeoutError: Task 0 ran longer than its 300 ms timeout; its worker was /,
    );
    equal(lines[1], "next task: 2");
    if (backend === "subprocess") {
      match(lines[0], /its worker was stopped and replaced$/);
      equal(lines[2], "busy threads: 0");
    } else {
      match(lines[0], /its thread is running synchronous code, which Deno cannot interrupt/);
      equal(lines[2], "busy threads: 1");
    }
    equal(performance.now() - t0 < 10_000, true, "the program ended within 10 s");
  });

  Deno.test(`[${backend}] a Process that never yields is not reported stopped while it runs, nor its lock handed on`, async () => {
    const out = await runProgram(SPIN, ["lock", backend], { timeoutMs: 30_000 });
    equal(out.code, 0, out.stderr);
    const lines = out.stdout.trim().split("\n");
    if (backend === "subprocess") {
      equal(
        lines.join("\n"),
        [
          "after terminate(): isAlive false, exitcode -15",
          "the parent got the lock: true",
          "busy threads: 0",
        ].join("\n"),
      );
    } else {
      equal(
        lines.join("\n"),
        [
          "after terminate(): isAlive true, exitcode null",
          "the parent got the lock: false",
          "busy threads: 1",
        ].join("\n"),
      );
      match(
        out.stderr,
        /its worker thread is running synchronous code, which Deno cannot interrupt/,
      );
    }
  });
}
