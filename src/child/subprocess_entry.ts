/**
 * Entry point of a "subprocess" child, run as `deno run ... subprocess_entry.ts`.
 *
 * Frames arrive and leave on fd 3, a socket shared with the parent only.
 * When it closes, the parent is gone (possibly SIGKILLed) and the child
 * exits at once, so no child outlives its parent.
 *
 * @module
 */

import { Socket } from "node:net";
import { FrameDecoder, FrameWriter } from "../codec.ts";
import type { ParentMessage } from "../protocol.ts";
import { ChildRuntime } from "./runtime.ts";

const socket = new Socket({ fd: 3, readable: true, writable: true });
const writer = new FrameWriter((bytes) => socket.write(bytes));
const decoder = new FrameDecoder();

const runtime = new ChildRuntime({
  send: (message) => writer.send(message),
  exit: (code) => {
    writer.flush();
    socket.end(() => Deno.exit(code));
    // A parent that stopped reading must not keep this child alive.
    setTimeout(() => Deno.exit(code), 2000);
  },
});

socket.on("data", (chunk: Uint8Array) => {
  for (const message of decoder.push(chunk)) runtime.receive(message as ParentMessage);
});
socket.on("end", () => Deno.exit(0));
socket.on("error", () => Deno.exit(1));
