// Seed 001, way one: create Process objects with a target and args.
// start() returns at once and the main program goes on printing (a child
// that starts quickly may print before it); the children end 1–4 s later.
//
//   deno run -A examples/process_target.ts
import * as mp from "../mod.ts";

async function piao(name: string) {
  console.log(`${name} piaoing`);
  const seconds = 1 + Math.floor(Math.random() * 4); // random.randrange(1, 5)
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  console.log(`${name} piao end`);
}

if (import.meta.main) {
  const p1 = new mp.Process({ target: piao, args: ["egon"] });
  const p2 = new mp.Process({ target: piao, args: ["alex"] });
  p1.start();
  p2.start();
  console.log("主.....");
}
