// A program to build with `deno compile` (see README, "Compiled programs"):
// a Pool and a Process on both backends, with a Queue between them.
//
//   deno compile -A --unstable-worker-options -o squares examples/compile_app.ts
//   ./squares
//
// A compiled program starts its children as itself, so its main code is
// guarded by mp.isMain(import.meta), not import.meta.main.
import * as mp from "../mod.ts";

export function square(x: number): number {
  return x * x;
}

/** Sends its pid and the sum of `xs` through `q`. */
export function report(q: mp.Queue<[number, number]>, xs: number[]): void {
  q.put([Deno.pid, xs.reduce((a, b) => a + b, 0)]);
}

export const T = mp.tasks(import.meta.url, { square, report });

/** Runs the work on both backends and prints one line per backend. */
export async function main(): Promise<void> {
  for (const backend of ["worker", "subprocess"] as const) {
    await using pool = new mp.Pool({ processes: 2, backend });
    const squares = await pool.map(T.square, [1, 2, 3, 4, 5]);
    const q = new mp.Queue<[number, number]>();
    const p = new mp.Process({ target: T.report, args: [q, squares], backend });
    p.start();
    const [pid, sum] = await q.get({ timeout: 30_000 });
    await p.join();
    const where = pid === Deno.pid ? "this process" : "another process";
    console.log(
      `${backend}: squares ${squares.join(" ")}, sum ${sum} from ${where}, exit ${p.exitcode}`,
    );
    q.close();
  }
}

if (mp.isMain(import.meta)) await main();
