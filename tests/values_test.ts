// What can travel: an object of a class (or a resource such as Deno.FsFile)
// would arrive as a plain object without its class and methods, so it is
// refused with a DataCloneError naming the class, in either direction,
// instead of being stripped in silence.
import * as mp from "../mod.ts";
import { equal, match, ok, rejects, throws } from "./_assert.ts";
import { BACKENDS } from "./_helpers.ts";

class Point {
  constructor(public x: number, public y: number) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const REFUSED =
  /an object of class Point \(a child would get a plain copy without its class and methods\)/;

for (const backend of BACKENDS) {
  Deno.test(`[${backend}] an object of a class is refused as a Process argument, naming the class`, () => {
    const p = new mp.Process({ target: (p: Point) => p.norm(), args: [new Point(3, 4)], backend });
    throws(() => p.start(), (e: Error) => {
      equal(e.name, "DataCloneError");
      match(e.message, /^Argument 0 of process Process-\d+ cannot be sent to a child: /);
      match(e.message, REFUSED);
      return true;
    });
  });

  Deno.test(`[${backend}] Pool: class objects and Deno.FsFile are refused as arguments and as results`, async () => {
    await using pool = new mp.Pool({ processes: 1, backend });
    const file = await Deno.open(new URL(import.meta.url));
    try {
      await rejects(pool.apply((p: unknown) => p, [{ at: new Point(1, 2) }]), (e: Error) => {
        equal(e.name, "DataCloneError");
        match(e.message, REFUSED);
        return true;
      });
      await rejects(pool.map((v: unknown) => v, [1, file]), (e: Error) => {
        match(
          e.message,
          /^Item 1 of the call cannot be sent to a pool worker: an object of class FsFile/,
        );
        return true;
      });
      await rejects(
        pool.apply(() => {
          class Local {
            x = 1;
          }
          return new Local();
        }),
        (e: Error) => {
          equal(e.name, "DataCloneError");
          match(e.message, /^The task's result cannot be sent back: an object of class Local/);
          return true;
        },
      );
      await rejects(
        pool.apply(function* () {
          yield 1;
        }),
        /a Generator \(what a generator function returns: return an array/,
      );
      // Plain data, errors and the built-in cloneable classes still travel.
      const back = await pool.apply((v: Record<string, unknown>) => v, [{
        d: new Date(0),
        m: new Map([[1, 2]]),
        e: new RangeError("r"),
        u: new Uint8Array([1]),
      }]);
      ok(back.d instanceof Date && back.m instanceof Map && back.e instanceof RangeError);
      equal(await pool.apply((x: number) => x + 1, [1]), 2);
    } finally {
      file.close();
    }
  });
}

Deno.test("Queue.put() refuses an object of a class, naming it; the queue is unchanged", async () => {
  const q = new mp.Queue<unknown>();
  await rejects(q.put(new Point(1, 2)), (e: Error) => {
    equal(e.name, "DataCloneError");
    match(e.message, REFUSED);
    return true;
  });
  equal(await q.qsize(), 0);
  q.close();
});
