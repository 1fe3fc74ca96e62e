/**
 * The code of a "subprocess" child, run by `subprocess_entry.ts` (or by
 * `bootstrap.ts` in a compiled program started as its own child).
 *
 * A child that answers (`duplex`) exchanges frames with its parent on fd 3,
 * a socket shared with the parent only; a one-shot run gets its one message
 * on stdin. When that stream ends the parent is gone (possibly SIGKILLed)
 * and the child exits at once, so no child outlives its parent.
 *
 * Start-up is kept at the cost of a bare `deno run`: `node:net` (needed for
 * fd 3, ~15 ms to load) and `node:v8` (~3 ms) are loaded only when a message
 * needs them, so a `Process` whose run message is plain JSON never pays.
 *
 * @module
 */

import type { Socket } from "node:net";
import { setImmediate } from "node:timers";
import {
  BytesJoiner,
  decodeFrame,
  DEFAULT_MAX_FRAME_BYTES,
  FrameDecoder,
  FrameWriter,
  needsV8,
  type V8Serializer,
} from "../codec.ts";
import type { ChildMessage, ParentMessage } from "../protocol.ts";
import { ChildExit, ChildRuntime, exitOnUncaught, flushBeforeExit } from "./runtime.ts";

/** Unsent bytes past which a holder's put waits (a producer must not outrun the socket). */
const HIGH_WATER = 8 * 1024 * 1024;

/**
 * Turns this process into a child of the parent that writes to its stdin;
 * returns only by exiting.
 *
 * @param args `duplex` or `oneway`, the permission names it must not hold,
 * and the frame cap both sides keep to (the parent's `maxFrameBytes`).
 * @param after Messages wait until it settles (see `bootstrap.ts`).
 */
export async function runSubprocessChild(
  args: readonly string[],
  after?: Promise<unknown>,
): Promise<void> {
  const duplex = args[0] === "duplex";
  const maxFrameBytes = Number(args[2]) || DEFAULT_MAX_FRAME_BYTES;

  // Defence in depth: never run user code with a permission the parent did not
  // mean to give (a launcher that widened the flags, say).
  for (const name of (args[1] ?? "").split(",").filter(Boolean)) {
    const state = Deno.permissions.querySync({ name } as Deno.PermissionDescriptor).state;
    if (state === "granted") {
      console.error(
        `This child holds ${name} permission its parent did not give it; refusing to run. Report this as a bug in @mp/multiprocessing`,
      );
      Deno.exit(70);
    }
  }
  let v8: V8Serializer | null = null;
  let socket: Socket | null = null;
  let opening: Promise<Socket> | null = null;
  const backlog: Uint8Array[] = [];

  async function loadV8(): Promise<void> {
    v8 ??= await import("node:v8");
  }

  function openSocket(): Promise<Socket> {
    if (!duplex) throw new Error("This child was started without a channel back to its parent");
    opening ??= import("node:net").then(({ Socket }) => {
      const s = new Socket({ fd: 3, readable: true, writable: true });
      s.on("error", () => realExit(1));
      for (const bytes of backlog.splice(0)) s.write(bytes);
      socket = s;
      return s;
    });
    return opening;
  }

  const writer = new FrameWriter(
    (bytes) => {
      if (socket !== null) socket.write(bytes);
      else {
        backlog.push(bytes);
        openSocket();
      }
    },
    () => v8,
    maxFrameBytes,
    setImmediate,
  );

  const realExit: (code?: number) => never = Deno.exit;
  let exiting = false;

  async function exit(code: number): Promise<void> {
    if (exiting) return;
    exiting = true;
    flushBeforeExit();
    writer.flush();
    if (opening === null) realExit(code);
    // A parent that stopped reading must not keep this child alive.
    setTimeout(() => realExit(code), 2000);
    const s = await opening;
    s.end(() => realExit(code));
  }

  // Deno.exit() would drop frames still being written (a Queue's last puts):
  // with some pending, the exit waits for them, and ChildExit stops the caller.
  Deno.exit = (code?: number): never => {
    code ??= Deno.exitCode;
    if (exiting) throw new ChildExit(code);
    flushBeforeExit();
    writer.flush();
    if (opening === null || (socket !== null && socket.writableLength === 0)) return realExit(code);
    exit(code);
    throw new ChildExit(code);
  };

  exitOnUncaught(exit);

  function congestion(): Promise<void> | undefined {
    if (socket === null || writer.pending + socket.writableLength < HIGH_WATER) return undefined;
    const s = socket;
    writer.flush();
    return new Promise((resolve) => s.once("drain", () => resolve()));
  }

  /** Writes `message` now; resolves once the socket has taken every byte written so far. */
  async function sendNow(message: ChildMessage): Promise<void> {
    writer.send(message);
    writer.flush();
    const s = socket ?? await openSocket();
    await new Promise<void>((resolve) => s.write(new Uint8Array(0), () => resolve()));
  }

  const runtime = new ChildRuntime({
    sharesMemory: false,
    send: (message, _transfer, now) => writer.send(message, now),
    exit,
    backlog: congestion,
    sendNow,
  });

  const decoder = new FrameDecoder(maxFrameBytes);
  const joiner = new BytesJoiner();
  if (duplex) {
    // Both ways on the fd-3 socket: its reads go through the event loop, where
    // a read of stdin waits on a thread of its own (~17 µs a message here). A
    // child that answers loads node:net and node:v8 on its first message
    // anyway, so it loads them now, while the parent prepares that message.
    const s = await Promise.all([loadV8(), openSocket()]).then(([, s]) => s);
    await after;
    s.on("data", (chunk: Uint8Array) => {
      for (const frame of decoder.push(chunk)) {
        const message = joiner.accept(decodeFrame(frame, v8)) as ParentMessage | undefined;
        if (message !== undefined) runtime.receive(message);
      }
    });
    // The parent is gone (possibly SIGKILLed): its end of the socket closed.
    s.on("end", () => realExit(0));
    return;
  }
  await after;
  for (;;) {
    // A fresh buffer per read: the decoder keeps views of unfinished frames.
    const buffer = new Uint8Array(64 * 1024);
    const n = await Deno.stdin.read(buffer);
    if (n === null) break;
    for (const frame of decoder.push(buffer.subarray(0, n))) {
      if (needsV8(frame)) await loadV8();
      const message = joiner.accept(decodeFrame(frame, v8)) as ParentMessage | undefined;
      if (message === undefined) continue;
      // A one-shot run carrying no handles: nothing goes back to the parent.
      runtime.receive(message);
    }
  }
  realExit(0);
}
