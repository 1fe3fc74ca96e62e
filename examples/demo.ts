// `deno task demo`: a CPU-heavy job — counting the primes below 8 000 000 —
// run once in this process and once on a Pool, with a live progress line,
// ending with the measured speedup.
import * as mp from "../mod.ts";

const LIMIT = 8_000_000;
const BLOCKS = 64;

/** Counts the primes in [from, to) by trial division: deliberately CPU-bound. */
export function countPrimes([from, to]: [number, number]): number {
  let count = 0;
  for (let n = Math.max(from, 2); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

export const T = mp.tasks(import.meta.url, { countPrimes });

function bar({ done, total }: mp.Progress): string {
  const width = 30;
  const filled = Math.round((done / (total ?? done)) * width);
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total ?? "?"}`;
}

if (import.meta.main) {
  const step = LIMIT / BLOCKS;
  const blocks = Array.from({ length: BLOCKS }, (_, i) => [i * step, (i + 1) * step]) as [
    number,
    number,
  ][];
  const encoder = new TextEncoder();
  const line = (text: string) => Deno.stdout.writeSync(encoder.encode(`\r${text}`));
  console.log(`Counting the primes below ${LIMIT.toLocaleString("en")} in ${BLOCKS} blocks.`);

  let t0 = performance.now();
  let sequentialTotal = 0;
  for (let i = 0; i < blocks.length; i++) {
    sequentialTotal += countPrimes(blocks[i]);
    line(`sequential   ${bar({ done: i + 1, total: BLOCKS })}`);
  }
  const sequentialMs = performance.now() - t0;
  console.log(`  ${sequentialTotal} primes in ${(sequentialMs / 1000).toFixed(2)} s`);

  const processes = mp.cpuCount();
  await using pool = new mp.Pool({ processes });
  await pool.apply(T.countPrimes, [[0, 10]]); // start-up is not part of the race
  t0 = performance.now();
  const counts = await pool.map(T.countPrimes, blocks, {
    chunksize: 1,
    onProgress: (progress) => line(`Pool(${processes})      ${bar(progress)}`),
  });
  const poolMs = performance.now() - t0;
  const poolTotal = counts.reduce((a, b) => a + b, 0);
  console.log(`  ${poolTotal} primes in ${(poolMs / 1000).toFixed(2)} s`);
  if (poolTotal !== sequentialTotal) throw new Error("the two counts differ");
  console.log(
    `\nSpeedup on ${processes} CPU${processes === 1 ? "" : "s"}: ${
      (sequentialMs / poolMs).toFixed(2)
    }×  (${pool.stats().completed} tasks, 0 lost)`,
  );
}
