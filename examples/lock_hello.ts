// Seed 004 (5: synchronization): ten children each print "hello world i"
// holding the same Lock.
//
//   deno run -A examples/lock_hello.ts
import * as mp from "../mod.ts";

async function f(l: mp.Lock, i: number) {
  await l.acquire();
  console.log("hello world", i);
  l.release();
}

if (import.meta.main) {
  const lock = new mp.Lock();
  const children = [];
  for (let num = 0; num < 10; num++) {
    const p = new mp.Process({ target: f, args: [lock, num] });
    p.start();
    children.push(p);
  }
  for (const p of children) await p.join();
}
