// W7 for Deno: imapUnordered over N items with a slow consumer (2 ms sleep
// every 1000 items); prints the process's peak RSS (VmHWM) at the end and
// after the first million items. Run by run.ts as
// `deno run -A bench/compare/w7.ts N`.
import * as mp from "../../mod.ts";

const total = Number(Deno.args[0] ?? 1_000_000);
function* numbers() {
  for (let i = 0; i < total; i++) yield i;
}

const peakRss = () =>
  1024 * Number(/VmHWM:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))![1]);

await using pool = new mp.Pool(2);
let n = 0;
let atMillion = 0;
for await (const _ of pool.imapUnordered((x: number) => x, numbers())) {
  if (++n % 1000 === 0) await new Promise((r) => setTimeout(r, 2));
  if (n === 1_000_000) atMillion = peakRss();
}
if (n !== total) throw new Error(`got ${n} of ${total} items`);
console.log(JSON.stringify({ items: n, peak_rss: peakRss(), peak_rss_at_1m: atMillion }));
