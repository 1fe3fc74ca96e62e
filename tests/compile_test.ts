import { fileURLToPath } from "node:url";
import { equal, match, ok } from "./_assert.ts";
import { runProgram } from "./_helpers.ts";

const APP = fileURLToPath(new URL("../examples/compile_app.ts", import.meta.url));
const AS_COMPILED = new URL("./fixtures/as_compiled.ts", import.meta.url);
const UNGUARDED = fileURLToPath(new URL("./fixtures/unguarded_app.ts", import.meta.url));

const EXPECTED = [
  "worker: squares 1 4 9 16 25, sum 55 from this process, exit 0",
  "subprocess: squares 1 4 9 16 25, sum 55 from another process, exit 0",
];

Deno.test("A program started the way a compiled one starts runs Pool and Process on both backends", async () => {
  const out = await runProgram(AS_COMPILED, [APP], { timeoutMs: 60_000 });
  equal(out.code, 0, out.stderr);
  equal(out.stdout.trim(), EXPECTED.join("\n"));
});

Deno.test("A compiled program's child refuses to run unguarded main code and the parent is told", async () => {
  const out = await runProgram(AS_COMPILED, [UNGUARDED], { timeoutMs: 60_000 });
  equal(out.code, 0, out.stderr);
  const lines = out.stdout.trim().split("\n");
  equal(lines.length, 2, out.stdout);
  for (const [i, backend] of ["worker", "subprocess"].entries()) {
    match(lines[i], new RegExp(`^${backend}: WorkerCrashedError: Pool worker could not start`));
  }
  match(out.stderr, /guard the main code with `if \(mp\.isMain\(import\.meta\)\)`/);
});

/*
 * `deno compile` needs the `denort` runtime for this platform: from
 * DENORT_BIN, Deno's cache, or a download from dl.deno.land. Machines that
 * have none of them (no route to dl.deno.land) skip the real compile; the
 * tests above run the same start-up path with `deno run`.
 */
async function denortAvailable(): Promise<boolean> {
  const bin = Deno.env.get("DENORT_BIN");
  if (bin !== undefined) return true;
  const info = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
  })
    .output();
  const { denoDir } = JSON.parse(new TextDecoder().decode(info.stdout)) as { denoDir: string };
  const zip = `${denoDir}/dl/release/v${Deno.version.deno}/denort-${Deno.build.target}.zip`;
  try {
    await Deno.stat(zip);
    return true;
  } catch {
    // Not cached: a download is possible only if the host resolves.
  }
  try {
    await Deno.resolveDns("dl.deno.land", "A", { signal: AbortSignal.timeout(3000) });
    return true;
  } catch {
    return false;
  }
}

Deno.test({
  name: "deno compile: the binary runs Pool and Process on both backends",
  ignore: !(await denortAvailable()),
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const binary = `${dir}/squares`;
      const compile = await new Deno.Command(Deno.execPath(), {
        args: ["compile", "-A", "--unstable-worker-options", "--no-lock", "-o", binary, APP],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(240_000),
      }).output();
      ok(compile.success, new TextDecoder().decode(compile.stderr));
      const run = await new Deno.Command(binary, {
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
        signal: AbortSignal.timeout(60_000),
      }).output();
      const stdout = new TextDecoder().decode(run.stdout);
      equal(run.code, 0, new TextDecoder().decode(run.stderr));
      equal(stdout.trim(), EXPECTED.join("\n"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
