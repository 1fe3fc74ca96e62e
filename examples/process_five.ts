// Seed 003: start five processes that each sleep 2 s and greet.
// They run at the same time, so the whole program takes about 2 s.
//
//   deno run -A examples/process_five.ts
import * as mp from "../mod.ts";

async function run(name: string) {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  console.log("hello", name);
}

if (import.meta.main) {
  for (let i = 0; i < 5; i++) {
    const p = new mp.Process({ target: run, args: ["alex"] });
    p.start();
  }
  // No join(): non-daemon children keep the program running until they end.
}
