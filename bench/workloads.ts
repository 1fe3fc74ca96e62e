// The workloads shared by bench/pool_bench.ts and bench/compare/run.ts.
import { spawn } from "node:child_process";
import type { Socket } from "node:net";
import { fileURLToPath } from "node:url";
import * as mp from "../mod.ts";

/** W1 input: 1 000 000 numbers. */
export const W1_ITEMS: number[] = Array.from({ length: 1_000_000 }, (_, i) => i);

/** W3: a CPU-bound task: count primes below `n` by trial division. */
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
  return count;
}

/** W3 input: 16 tasks of ~20 ms each here. */
export const W3_ITEMS: number[] = Array(16).fill(400_000);

export const W = mp.tasks(import.meta.url, { countPrimes });

/** The hand-written W1 baseline: two workers, one cloned `number[]` half each. */
export class SquareWorkers {
  #workers = [0, 1].map(() =>
    new Worker(new URL("./fixtures/square_worker.ts", import.meta.url), { type: "module" })
  );

  async map(xs: number[]): Promise<number[]> {
    const half = Math.ceil(xs.length / 2);
    const parts = await Promise.all(this.#workers.map((w, i) =>
      new Promise<number[]>((resolve) => {
        w.onmessage = (e: MessageEvent<number[]>) => resolve(e.data);
        w.postMessage(xs.slice(i * half, (i + 1) * half));
      })
    ));
    return parts[0].concat(parts[1]);
  }
}

/** The W2 worker baseline: a raw postMessage ping-pong. */
export class EchoWorker {
  #worker = new Worker(new URL("./fixtures/echo_worker.ts", import.meta.url), { type: "module" });

  ping(): Promise<unknown> {
    return new Promise((resolve) => {
      this.#worker.onmessage = resolve;
      this.#worker.postMessage(null);
    });
  }
}

/**
 * 8-byte frames ping-ponged over the transport a subprocess child that
 * answers uses: node:child_process's fd-3 socket, node:net in the child.
 */
export class EchoSocketProcess {
  #child = spawn(Deno.execPath(), [
    "run",
    "-A",
    "--no-config",
    fileURLToPath(new URL("./fixtures/echo_socket.ts", import.meta.url)),
  ], { stdio: ["pipe", "inherit", "inherit", "pipe"] });
  #socket = this.#child.stdio[3] as Socket;
  #pending: (() => void) | null = null;
  #have = 0;
  #frame = new Uint8Array(8);

  constructor() {
    this.#socket.on("data", (chunk: Uint8Array) => {
      this.#have += chunk.byteLength;
      if (this.#have >= 8 && this.#pending !== null) {
        this.#have -= 8;
        const resolve = this.#pending;
        this.#pending = null;
        resolve();
      }
    });
  }

  ping(): Promise<void> {
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#socket.write(this.#frame);
    });
  }

  close(): void {
    this.#socket.end();
    this.#child.stdin?.end();
  }
}

/** The W2 subprocess baseline: 8-byte frames ping-ponged over a child's stdio. */
export class EchoProcess {
  #child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-config",
      fileURLToPath(new URL("./fixtures/echo_stdio.ts", import.meta.url)),
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  #writer = this.#child.stdin.getWriter();
  #reader = this.#child.stdout.getReader({ mode: "byob" });
  #frame = new Uint8Array(8);

  async ping(): Promise<void> {
    await this.#writer.write(this.#frame);
    let got = 0;
    while (got < 8) {
      const { value } = await this.#reader.read(new Uint8Array(8 - got));
      got += value!.byteLength;
    }
  }
}
