/**
 * The one interface both transports implement. Backends differ below this
 * line and nowhere else.
 *
 * @module
 */

import type { ChildMessage, ParentMessage } from "../protocol.ts";

/** How a child ended. */
export interface ExitStatus {
  /** Exit code, or `null` when a signal ended the child. */
  code: number | null;
  /** Signal name (`"SIGTERM"`, `"SIGKILL"`, ...), or `null`. */
  signal: string | null;
}

/** The two ways to stop a child from outside. */
export type StopSignal = "SIGTERM" | "SIGKILL";

/** A started child, seen from its parent. */
export interface Channel {
  /** OS process id of the child (the parent's own for a worker). */
  readonly pid: number;
  /** Whether the child shares this process's memory (a worker), so a `SharedArrayBuffer` sent to it is the same memory. */
  readonly sharesMemory: boolean;
  /** Settles once with how the child ended; never rejects. */
  readonly exited: Promise<ExitStatus>;
  /**
   * Sends a message; `transfer` lists buffers that may be moved rather than
   * copied (workers only; a subprocess copies everything anyway).
   *
   * @throws {DOMException} `DataCloneError` when the message cannot be cloned.
   */
  send(message: ParentMessage, transfer?: Transferable[]): void;
  /** Receives every message from the child, in order. */
  onMessage: (message: ChildMessage) => void;
  /**
   * Stops the child; `exited` then settles with the signal once it has
   * really stopped.
   *
   * @returns `true` once the child has stopped (or cannot be watched), `false`
   * when it still runs after a short grace: a worker thread in synchronous
   * code, which Deno cannot interrupt. Such a child no longer keeps the
   * program alive; `exited` settles when the code yields and it ends.
   */
  kill(signal: StopSignal): Promise<boolean>;
  /** Lets the parent program end while this child runs (daemons, idle pool workers). */
  unref(): void;
  /** Undoes `unref()`: the child keeps the parent program running again. */
  ref(): void;
}

const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** Python's `exitcode`: the exit code, or minus the signal number. */
export function exitcodeOf(status: ExitStatus): number {
  if (status.code !== null) return status.code;
  return -(SIGNAL_NUMBERS[status.signal ?? ""] ?? 1);
}
