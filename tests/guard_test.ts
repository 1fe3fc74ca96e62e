// Main code that is not under `if (import.meta.main)` runs again in each child
// that imports its module for a task; a child refuses to start children from
// there (Python raises RuntimeError), so no chain of children ever starts.
// Compiled programs: see compile_test.ts.
import { fileURLToPath } from "node:url";
import { equal, match } from "./_assert.ts";
import { BACKENDS, runProgram } from "./_helpers.ts";

const FIXTURE = new URL("./fixtures/unguarded_main.ts", import.meta.url);
const FIX =
  /guard the program's main code with `if \(import\.meta\.main\)` or `if \(mp\.isMain\(import\.meta\)\)`/;

function expectRefused(stdout: string, stderr: string): void {
  const lines = stdout.trim().split("\n").filter((l) => /^(pool|process):/.test(l));
  equal(lines.length, 2, stdout + stderr);
  match(
    lines[0],
    /^pool: StateError: This child is importing file:.*unguarded_main\.ts to run a task/,
  );
  match(lines[0], FIX);
  equal(lines[1], "process: exitcode 1");
  match(stderr, FIX);
}

for (const backend of BACKENDS) {
  Deno.test(`[${backend}] deno run: unguarded main code that starts a child is refused in the child`, async () => {
    const out = await runProgram(FIXTURE, [], {
      env: { FIXTURE_BACKEND: backend },
      timeoutMs: 60_000,
    });
    expectRefused(out.stdout, out.stderr);
    equal(out.code, 0, out.stderr);
  });

  Deno.test(`[${backend}] deno test: unguarded main code that starts a child is refused in the child`, async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-lock", "--no-check", fileURLToPath(FIXTURE)],
      env: { NO_COLOR: "1", FIXTURE_BACKEND: backend },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const text = new TextDecoder();
    // deno test shows what the children print among its own output, on stdout.
    const stdout = text.decode(out.stdout);
    expectRefused(stdout, stdout + text.decode(out.stderr));
    match(stdout, /ok \| 1 passed \| 0 failed/);
  });
}
