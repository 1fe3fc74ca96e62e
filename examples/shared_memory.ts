// Seed 004 (6: shared memory): a child writes a shared Value and negates a
// shared Array in place; the parent sees both changes.
//
//   deno run -A examples/shared_memory.ts
import * as mp from "../mod.ts";

function f(n: mp.Value<"d">, a: mp.SharedArray<"i">) {
  n.value = 3.1415927;
  for (let i = 0; i < a.length; i++) a.set(i, -a.get(i));
}

if (import.meta.main) {
  for (const backend of ["worker", "subprocess"] as const) {
    const num = new mp.Value("d", 0.0);
    const arr = new mp.SharedArray("i", Array.from({ length: 10 }, (_, i) => i));
    const p = new mp.Process({ target: f, args: [num, arr], backend });
    p.start();
    await p.join();
    console.log(num.value); // 3.1415927
    console.log(arr.toArray()); // [ 0, -1, -2, ..., -9 ]
  }
}
