// Seed 004, Manager: a child writes three entries with keys of three types
// into a shared dict and reverses a shared list; the parent sees both changes.
//
//   deno run -A examples/manager_reverse.ts
import * as mp from "../mod.ts";

async function f(d: mp.DictProxy, l: mp.ListProxy<number>) {
  await d.set(1, "");
  await d.set("", 2);
  await d.set(0.25, null); // Python's None
  await l.reverse();
}

if (import.meta.main) {
  const manager = new mp.Manager();
  const d = await manager.dict();
  const l = await manager.list(Array.from({ length: 10 }, (_, i) => i)); // range(10)
  const p = new mp.Process({ target: f, args: [d, l] });
  p.start();
  await p.join();
  console.log(await d.toMap()); // Map(3) { 1 => "", "" => 2, 0.25 => null }
  console.log(Deno.inspect(await l.toArray(), { compact: true, breakLength: Infinity })); // [ 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 ]
  await manager.shutdown();
}
