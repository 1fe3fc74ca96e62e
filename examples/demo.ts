// A tour of Process on both backends: `deno task demo`.
import * as mp from "../mod.ts";

/** Counts primes below `n` the slow way: CPU work for the children. */
export function countPrimes(n: number): number {
  let count = 0;
  for (let i = 2; i < n; i++) {
    let prime = true;
    for (let d = 2; d * d <= i; d++) {
      if (i % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  console.log(`  [${mp.currentProcess().name} pid ${Deno.pid}] ${count} primes below ${n}`);
  return count;
}

export const T = mp.tasks(import.meta.url, { countPrimes });

class Countdown extends mp.Process {
  from = 3;
  override async run() {
    for (let i = this.from; i > 0; i--) {
      console.log(`  [${this.name}] ${i}...`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function timed(label: string, fn: () => Promise<void> | void) {
  const t0 = performance.now();
  await fn();
  console.log(`  → ${label}: ${(performance.now() - t0).toFixed(0)} ms\n`);
}

if (import.meta.main) {
  console.log(`@mp/multiprocessing demo — ${mp.cpuCount()} CPUs, main pid ${Deno.pid}\n`);

  for (const backend of ["worker", "subprocess"] as const) {
    console.log(`== backend: ${backend}`);
    await timed("2 children counting primes in parallel", async () => {
      const ps = [4_000_000, 4_000_000].map((n) =>
        new mp.Process({ target: T.countPrimes, args: [n], backend })
      );
      for (const p of ps) p.start();
      for (const p of ps) await p.join();
    });

    const thrower = new mp.Process({
      target: () => {
        throw new Error("a child's uncaught error (printed by the child, on purpose)");
      },
      backend,
    });
    thrower.start();
    await thrower.join();
    console.log(`  → throwing child: exitcode ${thrower.exitcode}`);

    const exiter = new mp.Process({ target: () => Deno.exit(3), backend });
    exiter.start();
    await exiter.join();
    console.log(`  → Deno.exit(3) child: exitcode ${exiter.exitcode}`);

    const sleeper = new mp.Process({
      target: () => new Promise((r) => setTimeout(r, 30_000)),
      backend,
    });
    sleeper.start();
    await sleeper.join(200);
    console.log(`  → after join(200): isAlive() = ${sleeper.isAlive()}`);
    sleeper.terminate();
    await sleeper.join();
    console.log(`  → after terminate(): exitcode ${sleeper.exitcode}`);

    const countdown = new Countdown({ backend, name: `countdown-${backend}` });
    countdown.start();
    await countdown.join();
    console.log(`  → subclass with run(): exitcode ${countdown.exitcode}\n`);
  }

  await timed("the same prime count, sequentially in the main program", () => {
    countPrimes(4_000_000);
    countPrimes(4_000_000);
  });
}
