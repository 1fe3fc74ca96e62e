// Seed 003 ("进程同步"): ten children print a message the user typed, one at a
// time under a Lock, so the shared screen is never garbled. The message is
// taken from the command line, or else read from stdin (Python's input()):
// typed at the prompt or piped in.
//
//   deno run -A examples/lock_print.ts "进程之间加锁的目的是防止屏幕打印错乱"
import * as mp from "../mod.ts";

async function func(lock: mp.Lock, mess: string) {
  await lock.acquire();
  try {
    console.log(`\x1b[31m打印用户输入:${mess}\x1b[0m`);
  } finally {
    lock.release();
  }
}

/** Python's input(): prompt() on a terminal, the first line of piped stdin otherwise. */
async function input(question: string): Promise<string> {
  if (Deno.stdin.isTerminal()) return prompt(question) ?? "";
  const text = await new Response(Deno.stdin.readable).text();
  return text.split("\n")[0];
}

if (import.meta.main) {
  const lock = new mp.Lock();
  const mess = Deno.args[0] ?? await input("请输入您要让子线程打印的消息>>:");
  const children = [];
  for (let i = 0; i < 10; i++) {
    const p = new mp.Process({ target: func, args: [lock, mess], backend: "subprocess" });
    p.start();
    children.push(p);
  }
  for (const p of children) await p.join();
}
