/**
 * The "subprocess" transport: a child is a `deno run` OS process.
 *
 * The child's stdout and stderr are the parent's own, untouched: whatever it
 * prints (console, `Deno.stdout`, its own children) reaches the parent's
 * streams directly, in order, and can never reach the protocol. Frames to the
 * child go down its stdin, a pipe only this parent holds: the child exits
 * when it ends, which is how it follows a parent that dies, even by SIGKILL.
 * Frames from the child come back on a socket handed to it as fd 3, created
 * only for children that answer (`duplex`): the extra pipe costs ~1 ms of
 * start-up that a one-shot `Process` child has no use for.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import type { Socket } from "node:net";
import * as v8 from "node:v8";
import { BytesJoiner, decodeFrame, FrameDecoder, FrameWriter } from "../codec.ts";
import { ProtocolError } from "../errors.ts";
import type { ChildMessage, ParentMessage } from "../protocol.ts";
import type { Channel, ExitStatus, StopSignal } from "./channel.ts";

/** The module `deno run` starts a child from. */
export const ENTRY = new URL("../child/subprocess_entry.ts", import.meta.url).href;

/*
 * Deno's node:child_process rewrites the arguments of a command equal to
 * Deno.execPath() and adds --allow-all, which would silently undo narrowed
 * permissions. The same binary, spelled `dir/./deno`, is left alone; the
 * child still verifies its permissions (see subprocess_entry.ts).
 */
function unrewritten(command: string): string {
  return command.replace(/([\\/])([^\\/]+)$/, "$1.$1$2");
}

// The OS delivers a signal to a process whatever it is doing.
const STOPPED = Promise.resolve(true);

/** How long to wait for the last bytes of a child that has exited. */
const DRAIN_AFTER_EXIT_MS = 200;

/** Options for {@linkcode SubprocessChannel}. */
export interface SubprocessChannelOptions {
  /** Used in diagnostics. */
  name: string;
  /**
   * The command that starts the child, up to the arguments the entry reads:
   * `[deno, "run", ...flags, ENTRY]`, or a compiled program and its child flag.
   */
  command: readonly string[];
  /** Permission names the child must not hold; it checks and refuses to run otherwise. */
  denied: readonly string[];
  /** Whether the child sends messages back (needs the fd 3 socket). */
  duplex: boolean;
  /**
   * Largest frame payload either side may send: a larger one from the child
   * kills it; one to the child is refused before it is written.
   */
  maxFrameBytes: number;
}

/*
 * The shape the parent's handlers rely on before they look deeper: an object
 * whose `t` is a known kind, with the fields that kind's handler reads first.
 */
function checkMessage(message: unknown): ChildMessage {
  const m = message as Record<string, unknown>;
  const kind = typeof m === "object" && m !== null && !Array.isArray(m) ? m.t : undefined;
  const object = (v: unknown) => typeof v === "object" && v !== null;
  const results = (v: unknown) => Array.isArray(v) || v instanceof Float64Array;
  let ok: boolean;
  switch (kind) {
    case "ready":
      ok = true;
      break;
    case "exit":
      ok = Number.isInteger(m.code);
      break;
    case "initFailed":
      ok = object(m.error);
      break;
    case "item":
    case "value":
      ok = Number.isInteger(m.id);
      break;
    case "done":
      ok = Number.isInteger(m.id) && results(m.results);
      break;
    case "fail":
      ok = Number.isInteger(m.id) && Number.isInteger(m.index) && object(m.error) &&
        results(m.results);
      break;
    case "h":
      ok = Number.isInteger(m.k) && object(m.m);
      break;
    case "hd":
      ok = Number.isInteger(m.k) && Number.isInteger(m.of) && Number.isInteger(m.g) &&
        typeof m.mem === "boolean" && (m.me === undefined || Number.isInteger(m.me));
      break;
    default:
      throw new ProtocolError(
        `Expected a message whose \`t\` is a known kind, got ${
          typeof kind === "string" ? JSON.stringify(kind.slice(0, 40)) : "none"
        }`,
      );
  }
  if (!ok) throw new ProtocolError(`A "${kind}" message is missing fields or has the wrong types`);
  return message as ChildMessage;
}

/** A child running as its own `deno run` process. */
export class SubprocessChannel implements Channel {
  readonly pid: number;
  readonly sharesMemory = false;
  readonly exited: Promise<ExitStatus>;
  onMessage: (message: ChildMessage) => void = () => {};
  #child: ChildProcess;
  #socket: Socket | null;
  #writer: FrameWriter;
  #refed = true;
  #gone = false;
  #fault: ProtocolError | null = null;

  /**
   * Spawns the child.
   *
   * @throws {Deno.errors.NotCapable} When this process may not run subprocesses.
   */
  constructor(options: SubprocessChannelOptions) {
    const [command, ...args] = options.command;
    args.push(
      options.duplex ? "duplex" : "oneway",
      options.denied.join(","),
      String(options.maxFrameBytes),
    );
    this.#child = spawn(unrewritten(command), args, {
      stdio: options.duplex
        ? ["pipe", "inherit", "inherit", "pipe"]
        : ["pipe", "inherit", "inherit"],
    });
    this.pid = this.#child.pid ?? -1;
    const stdin = this.#child.stdin!;
    stdin.on("error", () => {});
    const socket = options.duplex ? this.#child.stdio[3] as Socket : null;
    this.#socket = socket;
    // A child that answers reads its frames from the socket too (see subprocess_child.ts).
    const out = socket ?? stdin;
    this.#writer = new FrameWriter((bytes) => out.write(bytes), () => v8, options.maxFrameBytes);
    let socketClosed = socket === null;
    const closed = new Promise<void>((resolve) => {
      socket?.on("close", () => {
        socketClosed = true;
        resolve();
      });
    });
    const decoder = new FrameDecoder(options.maxFrameBytes);
    const joiner = new BytesJoiner();
    socket?.on("error", () => {});
    socket?.on("data", (chunk: Uint8Array) => {
      // After a bad frame the stream cannot be resynchronised: nothing more
      // from this child is read while it dies.
      if (this.#fault !== null) return;
      try {
        for (const frame of decoder.push(chunk)) {
          const message = joiner.accept(decodeFrame(frame, v8));
          if (message === undefined) continue;
          const checked = checkMessage(message);
          try {
            this.onMessage(checked);
          } catch (error) {
            // Fields deeper than checkMessage() looks can still be wrong, and a
            // throw here would end the parent: the child that sent it goes.
            throw new ProtocolError(
              `Its "${checked.t}" message could not be handled: ${String(error)}`,
              { cause: error },
            );
          }
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        this.#fault = new ProtocolError(
          `Child ${options.name} (pid ${this.pid}) broke the frame protocol: ${error.message}`,
          { cause: error },
        );
        console.error(`${this.#fault.message}; killing it`);
        this.kill("SIGKILL");
      }
    });
    this.exited = new Promise((resolve) => {
      this.#child.on("exit", (code: number | null, signal: string | null) => {
        this.#gone = true;
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

  /** Why the parent killed this child: a protocol error it sent, or `null`. */
  get fault(): ProtocolError | null {
    return this.#fault;
  }

  send(message: ParentMessage): void {
    this.#writer.send(message);
  }

  kill(signal: StopSignal): Promise<boolean> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill(signal);
    }
    return STOPPED;
  }

  unref(): void {
    this.#setRef(false);
  }

  ref(): void {
    this.#setRef(true);
  }

  /*
   * The child's status and its fd-3 socket are what keep the program alive
   * (an idle stdin write stream holds nothing; ref'ing it only piles up
   * listeners). A child that is gone needs no ref: its process resource may
   * already be closed before node:child_process reports the exit.
   */
  #setRef(ref: boolean): void {
    if (this.#refed === ref || this.#gone) return;
    this.#refed = ref;
    try {
      if (ref) {
        this.#child.ref();
        this.#socket?.ref();
      } else {
        this.#child.unref();
        this.#socket?.unref();
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
      this.#gone = true;
    }
  }
}
