// Installs as users have them: a cached remote copy of the library run offline,
// a project whose path has a space and a non-ASCII character, and a parent
// missing a permission a backend needs.
import { fileURLToPath } from "node:url";
import { equal, match } from "./_assert.ts";
import { runProgram } from "./_helpers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const MOD = new URL("../mod.ts", import.meta.url).href;

/** Serves the checkout over HTTP on a free loopback port, standing in for JSR. */
function serveCheckout(): Deno.HttpServer<Deno.NetAddr> & { base: string } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const path = decodeURIComponent(new URL(request.url).pathname);
      try {
        const body = await Deno.readFile(ROOT + path.slice(1));
        return new Response(body, { headers: { "content-type": "application/typescript" } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  return Object.assign(server, { base: `http://127.0.0.1:${server.addr.port}/` });
}

/** Runs `deno <args>` in `cwd` with `env` and returns what it printed. */
async function deno(args: string[], cwd: string, env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(90_000),
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** A program that runs a Pool map and a Process putting on a Queue, on both backends. */
function program(mod: string): string {
  return `import * as mp from "${mod}";
for (const backend of ["worker", "subprocess"] as const) {
  const pool = new mp.Pool({ processes: 2, backend });
  console.log(backend, "pool", (await pool.map((x: number) => x * 2, [1, 2, 3])).join(","));
  pool.close();
  await pool.join();
  const q = new mp.Queue<number>();
  const p = new mp.Process({ target: (q: mp.Queue<number>) => q.put(42), args: [q], backend });
  p.start();
  console.log(backend, "process", await q.get({ timeout: 20_000 }));
  await p.join();
}
`;
}

const EXPECTED =
  "worker pool 2,4,6\nworker process 42\nsubprocess pool 2,4,6\nsubprocess process 42\n";

Deno.test("a program cached with deno cache runs its children offline with --cached-only", async () => {
  const dir = await Deno.makeTempDir();
  const server = serveCheckout();
  try {
    const env = { DENO_DIR: `${dir}/deno_dir` };
    await Deno.writeTextFile(`${dir}/main.ts`, program(`${server.base}mod.ts`));
    const host = server.base.slice("http://".length, -1);
    const cached = await deno(
      ["cache", "--no-lock", `--allow-import=${host}`, "main.ts"],
      dir,
      env,
    );
    equal(cached.code, 0, cached.stderr);
    await server.shutdown();
    const out = await deno(["run", "--no-lock", "-A", "--cached-only", "main.ts"], dir, env);
    equal(out.stdout, EXPECTED, out.stderr);
    equal(out.code, 0, out.stderr);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a project under a path with a space and a non-ASCII character keeps its import map and narrowed read permissions on both backends", async () => {
  const top = await Deno.makeTempDir();
  const dir = `${top}/my app é`;
  try {
    await Deno.mkdir(`${dir}/lib`, { recursive: true });
    await Deno.mkdir(`${dir}/data`);
    await Deno.writeTextFile(
      `${dir}/deno.json`,
      JSON.stringify({ imports: { "@lib/": "./lib/" } }),
    );
    await Deno.writeTextFile(
      `${dir}/lib/double.ts`,
      "export const double = (x: number) => 2 * x;\n",
    );
    await Deno.writeTextFile(`${dir}/data/n.txt`, "21");
    await Deno.writeTextFile(
      `${dir}/tasks.ts`,
      `import * as mp from "${MOD}";
import { double } from "@lib/double.ts";
export const work = (file: string) => double(Number(Deno.readTextFileSync(file)));
export const put = (q: mp.Queue<number>, file: string) => q.put(work(file));
export const T = mp.tasks(import.meta.url, { work, put });
`,
    );
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import * as mp from "${MOD}";
import { fileURLToPath } from "node:url";
import { T } from "./tasks.ts";
const data = fileURLToPath(new URL("./data/", import.meta.url));
const permissions = { read: [data] };
for (const backend of ["worker", "subprocess"] as const) {
  const pool = new mp.Pool({ processes: 1, backend, permissions });
  console.log(backend, "pool", await pool.apply(T.work, [data + "n.txt"]));
  pool.close();
  await pool.join();
  const q = new mp.Queue<number>();
  const p = new mp.Process({ target: T.put, args: [q, data + "n.txt"], backend, permissions });
  p.start();
  console.log(backend, "process", await q.get({ timeout: 20_000 }));
  await p.join();
}
`,
    );
    const out = await deno(["run", "--no-lock", "-A", "--unstable-worker-options", "main.ts"], dir);
    equal(
      out.stdout,
      "worker pool 42\nworker process 42\nsubprocess pool 42\nsubprocess process 42\n",
      out.stderr,
    );
    equal(out.code, 0, out.stderr);
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});

Deno.test("a parent without a permission a backend needs is told the flag to add, at start() and at new Pool()", async () => {
  const fixture = new URL("./fixtures/parent_permissions.ts", import.meta.url);
  const lines = async (flags: string[]) =>
    (await runProgram(fixture, [], { flags: ["--no-prompt", ...flags] })).stdout.trim().split("\n");

  const none = await lines([]);
  equal(none.length, 4, none.join("\n"));
  for (const line of none.slice(0, 2)) {
    match(line, /^worker (Process|Pool): NotCapable: .*add --allow-read \(or --allow-read=\/.*\)/);
  }
  for (const line of none.slice(2)) {
    match(
      line,
      /^subprocess (Process|Pool): NotCapable: .*add --allow-run \(or --allow-run=\/.*\)/,
    );
  }

  const noEnv = await lines(["--allow-read", "--allow-run", "--allow-env=HOME"]);
  equal(noEnv.slice(0, 2).join("\n"), "worker Process: started\nworker Pool: started");
  for (const line of noEnv.slice(2)) {
    match(line, /^subprocess (Process|Pool): NotCapable: .*add --allow-env to its flags/);
  }

  const enough = await lines(["--allow-read", "--allow-run", "--allow-env"]);
  equal(
    enough.join("\n"),
    [
      "worker Process: started",
      "worker Pool: started",
      "subprocess Process: started",
      "subprocess Pool: started",
    ].join("\n"),
  );
});
