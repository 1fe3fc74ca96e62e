// Seed 001, join(): wait for children before going on. Subprocess children,
// so each has its own pid, as in Python.
//
//   deno run -A examples/process_join.ts
import * as mp from "../mod.ts";

async function task() {
  console.log(`${Deno.pid} is piaoing`);
  const seconds = 1 + Math.floor(Math.random() * 2); // random.randrange(1, 3)
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  console.log(`${Deno.pid} is piao end`);
}

if (import.meta.main) {
  const p1 = new mp.Process({ target: task, backend: "subprocess" });
  const p2 = new mp.Process({ target: task, backend: "subprocess" });
  p1.start();
  p2.start();
  await p1.join(); // wait for p1 to end before the next line
  await p2.join();
  console.log("主");

  // The same with a loop: start them all, then join them all.
  const ps = Array.from(
    { length: 4 },
    () => new mp.Process({ target: task, backend: "subprocess" }),
  );
  for (const p of ps) p.start();
  for (const p of ps) await p.join();
  console.log("主 (4 joined)");
}
