/**
 * The "subprocess" transport: a child is a `deno run` OS process.
 *
 * The child's stdin is `/dev/null` and its stdout and stderr are the
 * parent's own, untouched: whatever it prints (console, `Deno.stdout`, its own
 * children) reaches the parent's streams directly, in order. Protocol frames
 * travel on a separate socket pair handed to the child as fd 3, so no output
 * can ever corrupt them. The child exits when that socket closes, which is
 * how it follows a parent that dies, even by SIGKILL.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import { FrameDecoder, FrameWriter } from "../codec.ts";
import type { ChildMessage, ParentMessage } from "../protocol.ts";
import type { Channel, ExitStatus, StopSignal } from "./channel.ts";

const ENTRY = new URL("../child/subprocess_entry.ts", import.meta.url).href;

/** How long to wait for the last bytes of a child that has exited. */
const DRAIN_AFTER_EXIT_MS = 200;

/** Options for {@linkcode SubprocessChannel}. */
export interface SubprocessChannelOptions {
  /** Used in diagnostics. */
  name: string;
  /** `deno run` flags: permissions, config. */
  flags: string[];
}

/** A child running as its own `deno run` process. */
export class SubprocessChannel implements Channel {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  onMessage: (message: ChildMessage) => void = () => {};
  #child: ChildProcess;
  #socket: Socket;
  #writer: FrameWriter;

  /**
   * Spawns the child.
   *
   * @throws {Deno.errors.NotCapable} When this process may not run subprocesses.
   */
  constructor(options: SubprocessChannelOptions) {
    this.#child = spawn(Deno.execPath(), ["run", ...options.flags, ENTRY], {
      stdio: ["ignore", "inherit", "inherit", "pipe"],
    });
    this.pid = this.#child.pid ?? -1;
    this.#socket = this.#child.stdio[3] as Socket;
    this.#writer = new FrameWriter((bytes) => this.#socket.write(bytes));
    const decoder = new FrameDecoder();
    let socketClosed = false;
    const closed = new Promise<void>((resolve) => {
      this.#socket.on("close", () => {
        socketClosed = true;
        resolve();
      });
    });
    this.#socket.on("error", () => {});
    this.#socket.on("data", (chunk: Uint8Array) => {
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        console.error(`Process ${options.name}: ${(error as Error).message}; killing it`);
        this.kill("SIGKILL");
        return;
      }
      for (const message of messages) this.onMessage(message as ChildMessage);
    });
    this.exited = new Promise((resolve) => {
      this.#child.on("exit", (code: number | null, signal: string | null) => {
        const status = { code, signal };
        if (socketClosed) return resolve(status);
        // Messages written just before exit may still be in flight.
        const timer = setTimeout(() => resolve(status), DRAIN_AFTER_EXIT_MS);
        closed.then(() => {
          clearTimeout(timer);
          resolve(status);
        });
      });
      this.#child.on("error", (error: Error) => {
        console.error(`Process ${options.name} could not start: ${error.message}`);
        resolve({ code: 1, signal: null });
      });
    });
  }

  send(message: ParentMessage): void {
    this.#writer.send(message);
  }

  kill(signal: StopSignal): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill(signal);
    }
  }

  unref(): void {
    this.#child.unref();
    this.#socket.unref();
  }
}
