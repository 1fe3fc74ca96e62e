// Seed 000: the child and the main program each print in a loop, at the same
// time. The seed loops forever; this twin stops after `rounds` (default 3)
// and then terminates the child.
//
//   deno run -A examples/process_loop.ts [rounds]
import * as mp from "../mod.ts";

async function test() {
  while (true) {
    console.log("test");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 3);
  const p = new mp.Process({ target: test });
  p.start();
  for (let i = 0; i < rounds; i++) {
    console.log("main");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  p.terminate();
  await p.join();
  console.log(`child ended with exitcode ${p.exitcode}`);
}
