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
