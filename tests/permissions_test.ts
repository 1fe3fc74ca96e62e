// The permissions sandbox: a child given { net: false, read: [dir] } reads dir,
// is refused elsewhere and on the network with Deno's NotCapable (which
// reaches the parent as that class), and can never get more than its parent.
import * as mp from "../mod.ts";
import { equal, ok } from "./_assert.ts";
import { BACKENDS, deadline, runProgram } from "./_helpers.ts";

/** Tries each operation in the child; reports the error class or "ok" for each. */
async function probe(dir: string): Promise<Record<string, string>> {
  const attempt = async (f: () => unknown) => {
    try {
      await f();
      return "ok";
    } catch (error) {
      return (error as Error).name;
    }
  };
  return {
    inside: await attempt(() => Deno.readTextFileSync(`${dir}/allowed.txt`)),
    outside: await attempt(() => Deno.readTextFileSync("/etc/hostname")),
    net: await attempt(() => Deno.connect({ hostname: "127.0.0.1", port: 9 })),
  };
}

for (const backend of BACKENDS) {
  Deno.test(`[${backend}] a sandboxed Process reads its directory only, and opens no socket`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/allowed.txt`, "yes");
      const out = new mp.Queue<Record<string, string>>();
      const p = new mp.Process({
        target: async (dir: string, out: mp.Queue<Record<string, string>>, probe: string) => {
          const f = new Function(`return ${probe}`)() as (d: string) => Promise<unknown>;
          await out.put(await f(dir) as Record<string, string>);
        },
        args: [dir, out, probe.toString()],
        backend,
        permissions: { net: false, read: [dir] },
      });
      p.start();
      const got = await out.get({ timeout: 20_000 });
      equal(got.inside, "ok");
      equal(got.outside, "NotCapable");
      equal(got.net, "NotCapable");
      await deadline(p.join(), 20_000, "join");
      equal(p.exitcode, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`[${backend}] a sandboxed Pool task's NotCapable reaches the parent as Deno.errors.NotCapable`, async () => {
    const dir = await Deno.makeTempDir();
    await using pool = new mp.Pool({
      processes: 1,
      backend,
      permissions: { net: false, read: [dir] },
    });
    try {
      await Deno.writeTextFile(`${dir}/allowed.txt`, "yes");
      equal(
        await pool.apply((p: string) => Deno.readTextFileSync(p), [`${dir}/allowed.txt`]),
        "yes",
      );
      const error = await pool.apply(() => Deno.readTextFileSync("/etc/hostname")).catch((e) => e);
      ok(error instanceof Deno.errors.NotCapable, `got ${error}`);
      ok(/read access to "\/etc\/hostname"/.test(error.message), error.message);
      const net = await pool.apply(() => Deno.connect({ hostname: "127.0.0.1", port: 9 }))
        .catch((e) => e);
      ok(net instanceof Deno.errors.NotCapable, `got ${net}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("a child can never be granted more than its parent has", async () => {
  const out = await runProgram(new URL("./fixtures/widen.ts", import.meta.url), [], {
    flags: ["--allow-read", "--allow-env", "--allow-run", "--unstable-worker-options"],
  });
  equal(out.code, 0, out.stderr);
  equal(
    out.stdout,
    "worker Process: NotCapable\nworker Pool: NotCapable\nsubprocess Process: NotCapable\nsubprocess Pool: NotCapable\n",
  );
});
