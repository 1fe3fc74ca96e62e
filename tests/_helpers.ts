import { fileURLToPath } from "node:url";
import * as mp from "../mod.ts";
import { equal } from "./_assert.ts";

/** Both child backends; tests loop over them. */
export const BACKENDS: readonly mp.Backend[] = ["worker", "subprocess"];

/** Rejects if `promise` has not settled within `ms`: no test can hang. */
export function deadline<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export interface ProgramOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a Deno program to completion (killed after `timeoutMs`) and captures
 * its output.
 */
export async function runProgram(
  file: string | URL,
  args: string[] = [],
  options: { flags?: string[]; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<ProgramOutput> {
  const path = file instanceof URL && file.protocol === "file:"
    ? fileURLToPath(file)
    : String(file);
  const flags = options.flags ?? ["-A", "--unstable-worker-options"];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-lock", ...flags, path, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** True while `pid` is a live (non-zombie) process. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

export const FIXTURES = new URL("./fixtures/", import.meta.url);
export const PROGRAM = new URL("./fixtures/program.ts", import.meta.url);

/** Any function, as a Process target in tests (parameters typed as the test likes). */
export type AnyTarget = (...args: never[]) => unknown;

/** Starts a Process running `target(...args)` on `backend`. */
export function spawn(backend: mp.Backend, target: AnyTarget, args: unknown[]): mp.Process {
  const p = new mp.Process({ target: target as (...a: unknown[]) => unknown, args, backend });
  p.start();
  return p;
}

/** Joins each process (15 s at most) and checks it exited with code 0. */
export async function finish(...ps: mp.Process[]): Promise<void> {
  for (const p of ps) {
    await deadline(p.join(), 15_000, `${p.name} join`);
    equal(p.exitcode, 0, `${p.name} exit code`);
  }
}

/**
 * Runs `program.ts <args>` until it prints `CHILD_PID=<pid>` or
 * `SPINNING=<pid>,<pid>`, SIGKILLs it, and returns the pids it printed.
 */
export async function pidsOfKilledParent(args: string[]): Promise<number[]> {
  const parent = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-lock", fileURLToPath(PROGRAM), ...args],
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const reader = parent.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const announced = /(?:CHILD_PID|SPINNING)=(\d+(?:,\d+)*)\n/;
  let text = "";
  while (!announced.test(text)) {
    const { value, done } = await deadline(reader.read(), 20_000, "child pids");
    if (done) throw new Error(`program.ts ${args.join(" ")} ended without printing its pids`);
    text += value;
  }
  const pids = announced.exec(text)![1].split(",").map(Number);
  const dead = pids.filter((pid) => !pidAlive(pid));
  if (dead.length > 0) throw new Error(`not running before the parent's SIGKILL: ${dead}`);
  parent.kill("SIGKILL");
  await parent.status;
  await reader.cancel();
  return pids;
}

/** How many threads of this process use over a fifth of a CPU in the next 500 ms. */
export async function busyThreads(): Promise<number> {
  const ticks = () => {
    const out = new Map<string, number>();
    for (const entry of Deno.readDirSync("/proc/self/task")) {
      try {
        const stat = Deno.readTextFileSync(`/proc/self/task/${entry.name}/stat`);
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(entry.name, Number(fields[11]) + Number(fields[12]));
      } catch {
        // The thread ended while we looked.
      }
    }
    return out;
  };
  const before = ticks();
  await new Promise((resolve) => setTimeout(resolve, 500));
  let busy = 0;
  for (const [tid, t] of ticks()) if (t - (before.get(tid) ?? t) > 10) busy++;
  return busy;
}
