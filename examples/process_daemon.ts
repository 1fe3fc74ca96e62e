// Seed 001, daemon processes: a daemon child ends when the main program ends,
// so this child never gets to print.
//
//   deno run -A examples/process_daemon.ts
import * as mp from "../mod.ts";

async function task(name: string) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`${name} is piaoing`);
  const seconds = 1 + Math.floor(Math.random() * 2);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  console.log(`${name} is piao end`);
}

if (import.meta.main) {
  const p = new mp.Process({ target: task, args: ["egon"] });
  p.daemon = true; // must be set before start()
  p.start();
  console.log("主......"); // once this prints, the program ends and the daemon with it
}
