// What every comparison script does: run Python's side of a workload, and
// run contenders in interleaved rounds (the order flipped every round, so
// none always follows another), keeping each one's median.
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Runs `python3 bench/compare/<script> <args>` and returns the JSON it prints. */
export async function python(script: string, args: string[]): Promise<Record<string, number>> {
  const out = await new Deno.Command("python3", {
    args: [`${here}${script}`, ...args],
    stdout: "piped",
  })
    .output();
  if (!out.success) throw new Error(`python3 bench/compare/${script} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Runs each contender once per round, `rounds` times; returns each one's median. */
export async function interleaved(
  runs: Record<string, () => Promise<number>>,
  rounds: number,
): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = {};
  for (const key in runs) samples[key] = [];
  for (let round = 0; round < rounds; round++) {
    console.error(`round ${round + 1}/${rounds}`);
    const order = Object.entries(runs);
    if (round % 2 === 1) order.reverse();
    for (const [key, fn] of order) samples[key].push(await fn());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}
