// W7 for Deno: imapUnordered over N items with a slow consumer (2 ms sleep
// every 1000 items); prints the process's peak RSS. Run by run.ts as
// `deno run -A bench/compare/w7.ts N`.
import * as mp from "../../mod.ts";

const total = Number(Deno.args[0] ?? 1_000_000);
function* numbers() {
  for (let i = 0; i < total; i++) yield i;
}

await using pool = new mp.Pool(2);
let n = 0;
for await (const _ of pool.imapUnordered((x: number) => x, numbers())) {
  if (++n % 1000 === 0) await new Promise((r) => setTimeout(r, 2));
}
if (n !== total) throw new Error(`got ${n} of ${total} items`);
const status = Deno.readTextFileSync("/proc/self/status");
const kb = Number(/VmHWM:\s+(\d+)/.exec(status)![1]);
console.log(JSON.stringify({ items: n, peak_rss: kb * 1024 }));
