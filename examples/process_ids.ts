// Seed 004 (seed 003 has the same program with other labels): who am I and who
// started me — process ids in the main program and in a child, via
// currentProcess() and parentProcess().
//
//   deno run -A examples/process_ids.ts
import * as mp from "../mod.ts";

export function info(title: string) {
  const me = mp.currentProcess();
  console.log(title);
  console.log("process name:", me.name);
  console.log("parent process:", mp.parentProcess()?.pid ?? Deno.ppid);
  console.log("process id:", me.pid);
  console.log();
}

export function f(name: string) {
  info("function f");
  console.log("hello", name);
}

// Task references: the child imports this module and calls the export, so
// f may use imports (mp) and other functions of the module (info).
export const tasks = mp.tasks(import.meta.url, { f });

if (import.meta.main) {
  info("main line");
  const p = new mp.Process({ target: tasks.f, args: ["bob"], backend: "subprocess" });
  p.start();
  await p.join();
}
