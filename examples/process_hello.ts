// Seed 004: the simplest Process — run f("bob") in a child and wait for it.
//
//   deno run -A examples/process_hello.ts
import * as mp from "../mod.ts";

function f(name: string) {
  console.log("hello", name);
}

if (import.meta.main) {
  const p = new mp.Process({ target: f, args: ["bob"] });
  p.start();
  await p.join();
}
