/**
 * Subprocess frames: how a protocol message becomes bytes on the child
 * channel and back.
 *
 * A frame is `[u32 LE payload length][u8 tag][payload]`. Tag 0 is UTF-8 JSON,
 * used whenever the value survives JSON exactly (the common case, and ~10×
 * cheaper than V8 serialization here); tag 1 is `node:v8` structured-clone
 * data for everything JSON would change (`Map`, `Date`, `bigint`, typed
 * arrays, `undefined`, `-0`, shared or cyclic references, ...).
 *
 * Frames sent in the same turn of the event loop are packed into one write.
 *
 * The V8 serializer is passed in rather than imported: loading `node:v8`
 * costs a subprocess child ~3 ms of start-up, which a child whose messages are
 * all JSON never has to pay.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import { isJsonSafe, jsonWithTexts, markJsonSafe } from "./json.ts";

/** The two functions of `node:v8` the codec uses. */
export interface V8Serializer {
  serialize(value: unknown): Uint8Array;
  deserialize(bytes: Uint8Array): unknown;
}

const TAG_JSON = 0;
const TAG_V8 = 1;
const TAG_BYTES = 2;
const HEADER = 5;
/** Frames are packed into writes of about this size. */
const BATCH_BYTES = 64 * 1024;
/**
 * The default cap on one frame's payload (512 MiB): the most a subprocess
 * child can make its parent buffer for one message.
 */
export const DEFAULT_MAX_FRAME_BYTES = 512 * 1024 * 1024;

/** The largest payload a frame's u32 length header can announce. */
export const MAX_FRAME_LIMIT = 0xffff_ffff;

/**
 * A message too large for the frame cap of the channel it was to go on,
 * refused before any of it was written. A `RangeError`, so it reads as the
 * bad size it is; the message names the size, the cap and the option.
 */
export class FrameTooLargeError extends RangeError {
  /**
   * @param size The payload's bytes.
   * @param cap The channel's `maxFrameBytes`.
   */
  constructor(size: number, cap: number) {
    super(
      `A message of ${size} bytes is over this channel's frame cap of ${cap} bytes and was not sent: raise \`maxFrameBytes\` on the Process or Pool (up to ${MAX_FRAME_LIMIT}), or send less at once`,
    );
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Encodes one message as a frame.
 *
 * @param v8 The serializer for values JSON cannot carry; `null` when it is not
 * loaded (then only JSON-safe messages can be encoded).
 * @throws {DOMException} `DataCloneError` when the value cannot be cloned.
 */
export function encodeFrame(message: unknown, v8: V8Serializer | null): Uint8Array {
  let tag = TAG_JSON;
  let payload: Uint8Array;
  if (isJsonSafe(message, true)) {
    payload = encoder.encode(jsonWithTexts(message));
  } else {
    if (v8 === null) throw new Error("Encoding this message needs node:v8, which is not loaded");
    tag = TAG_V8;
    try {
      payload = v8.serialize(message);
    } catch (error) {
      throw new DOMException(
        `Value could not be cloned: ${(error as Error).message}`,
        "DataCloneError",
      );
    }
  }
  const frame = new Uint8Array(HEADER + payload.byteLength);
  new DataView(frame.buffer).setUint32(0, payload.byteLength, true);
  frame[4] = tag;
  frame.set(payload, HEADER);
  return frame;
}

/** A handle message carrying `sendBytes()` payloads: `items[i]` is bytes for each `i` in `b`. */
interface BytesMessage {
  t: "h";
  m: { items: unknown[]; b: number[] };
}

function hasBytes(message: unknown): message is BytesMessage {
  if (typeof message !== "object" || message === null) return false;
  const m = (message as { t?: unknown; m?: { b?: unknown } }).m;
  return (message as { t?: unknown }).t === "h" && typeof m === "object" && m !== null &&
    Array.isArray(m.b);
}

/*
 * A peer's bytes message must say exactly where each payload goes: integer
 * slots of its item array, each `null`, each named once. Anything else would
 * make the joiner write outside the array or wait for payloads forever.
 */
function wantsBytes(message: BytesMessage): boolean {
  const { items, b } = message.m;
  if (!Array.isArray(items) || b.length === 0) return false;
  const seen = new Set<number>();
  for (const i of b) {
    if (!Number.isInteger(i) || i < 0 || i >= items.length || items[i] !== null || seen.has(i)) {
      return false;
    }
    seen.add(i);
  }
  return true;
}

/** A `sendBytes()` payload decoded from its own frame (tag 2). */
class RawBytes {
  constructor(readonly data: Uint8Array) {}
}

/**
 * Puts back the `sendBytes()` payloads of handle messages. A writer sends
 * such a message with `null` in each payload's place, then each payload as a
 * frame of its own (tag 2): written as is, never serialized, and read back
 * into a buffer of its own.
 */
export class BytesJoiner {
  #waiting: BytesMessage | null = null;
  #next = 0;

  /**
   * Takes each decoded frame in order.
   *
   * @returns The complete message, or `undefined` while payloads are due.
   * @throws {ProtocolError} When payload frames and messages do not match.
   */
  accept(value: unknown): unknown {
    if (value instanceof RawBytes) {
      const waiting = this.#waiting;
      if (waiting === null) {
        throw new ProtocolError("A bytes frame arrived with no message to attach it to");
      }
      waiting.m.items[waiting.m.b[this.#next++]] = value.data;
      if (this.#next < waiting.m.b.length) return undefined;
      this.#waiting = null;
      return waiting;
    }
    if (this.#waiting !== null) {
      throw new ProtocolError("A message arrived before the bytes frames of the previous one");
    }
    if (hasBytes(value) && wantsBytes(value)) {
      this.#waiting = value;
      this.#next = 0;
      return undefined;
    }
    return value;
  }
}

/** One frame cut from the stream, not yet decoded. */
export interface RawFrame {
  /** 0: JSON, 1: V8, 2: raw bytes. */
  tag: number;
  payload: Uint8Array;
}

/** True when decoding `frame` needs the V8 serializer. */
export function needsV8(frame: RawFrame): boolean {
  return frame.tag === TAG_V8;
}

/**
 * Decodes a frame's payload.
 *
 * @throws {ProtocolError} On an unknown tag or a payload that does not decode.
 */
export function decodeFrame(frame: RawFrame, v8: V8Serializer | null): unknown {
  try {
    if (frame.tag === TAG_JSON) return markItems(JSON.parse(decoder.decode(frame.payload)));
    if (frame.tag === TAG_V8 && v8 !== null) return v8.deserialize(frame.payload);
    if (frame.tag === TAG_BYTES) return new RawBytes(frame.payload);
  } catch (error) {
    throw new ProtocolError(`Frame payload does not decode: ${(error as Error).message}`);
  }
  throw new ProtocolError(
    frame.tag === TAG_V8
      ? "Frame needs node:v8, which is not loaded"
      : `Unknown frame tag ${frame.tag}; expected 0 (JSON), 1 (V8) or 2 (bytes)`,
  );
}

/**
 * A handle message's items, decoded from JSON, are JSON-safe if passed on (a
 * queue's items are), until they are handed to user code (`handOut`).
 */
function markItems(message: unknown): unknown {
  if (typeof message !== "object" || message === null) return message;
  const { t, m } = message as { t?: unknown; m?: unknown };
  const items = t === "h" && typeof m === "object" && m !== null
    ? (m as { items?: unknown }).items
    : undefined;
  if (Array.isArray(items)) {
    // Only lists: a small item is quicker to check again than to record.
    for (const item of items) {
      if (
        Array.isArray(item) && item.length >= 16 && Object.getPrototypeOf(item) === Array.prototype
      ) {
        markJsonSafe(item);
      }
    }
  }
  return message;
}

/**
 * Reassembles frames from a byte stream cut at arbitrary points. A length
 * header over the cap is refused as soon as its 5 header bytes are in, before
 * any of its payload is kept: what the decoder holds after a `push` is always
 * less than one header plus the cap.
 */
export class FrameDecoder {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #maxFrameBytes: number;

  /**
   * @param maxFrameBytes Largest payload accepted; a larger one is a protocol error.
   * @throws {RangeError} When `maxFrameBytes` is not an integer from 1 to 2³² − 1.
   */
  constructor(maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES) {
    if (
      !Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1 || maxFrameBytes > MAX_FRAME_LIMIT
    ) {
      throw new RangeError(
        `Expected \`maxFrameBytes\` to be a positive integer up to ${MAX_FRAME_LIMIT}, got ${maxFrameBytes}`,
      );
    }
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.#buffered;
  }

  /**
   * Feeds bytes in; returns every frame completed by them, in order.
   *
   * @throws {ProtocolError} On a frame longer than the cap. The stream cannot
   * be resynchronised after that: the decoder must not be used again.
   */
  push(chunk: Uint8Array): RawFrame[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.byteLength;
    const out: RawFrame[] = [];
    while (this.#buffered >= HEADER) {
      const head = this.#peekHeader();
      const length = head.length;
      if (length > this.#maxFrameBytes) {
        throw new ProtocolError(
          `Frame of ${length} bytes exceeds the ${this.#maxFrameBytes}-byte limit; raise \`maxFrameBytes\` if the peer really sends messages that large`,
        );
      }
      if (this.#buffered < HEADER + length) break;
      if (length >= BATCH_BYTES) {
        // A large payload gets a buffer of exactly its size (no later copy).
        const tag = this.#take(HEADER)[4];
        out.push({ tag, payload: this.#take(length) });
        continue;
      }
      const frame = this.#take(HEADER + length);
      out.push({ tag: frame[4], payload: frame.subarray(HEADER) });
    }
    return out;
  }

  #peekHeader(): { length: number } {
    const first = this.#chunks[0];
    const head = first.byteLength >= HEADER ? first : this.#take(HEADER, true);
    const length = new DataView(head.buffer, head.byteOffset, HEADER).getUint32(0, true);
    return { length };
  }

  /** Removes `n` bytes from the front (or copies them without removing, with `peek`). */
  #take(n: number, peek = false): Uint8Array {
    const first = this.#chunks[0];
    if (first.byteLength >= n) {
      if (peek) return first;
      const out = first.subarray(0, n);
      if (first.byteLength === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const chunk = this.#chunks[i];
      const part = Math.min(chunk.byteLength, n - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (!peek) {
        if (part === chunk.byteLength) {
          this.#chunks.shift();
          continue;
        }
        this.#chunks[0] = chunk.subarray(part);
      }
      i++;
    }
    if (!peek) this.#buffered -= n;
    return out;
  }
}

/**
 * Queues frames and writes them packed: every frame sent during one turn of
 * the event loop leaves in as few writes as possible.
 */
export class FrameWriter {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #scheduled = false;
  #write: (bytes: Uint8Array) => void;
  #v8: () => V8Serializer | null;
  #maxFrameBytes: number;
  #later: (flush: () => void) => void;

  /**
   * @param write Hands bytes to the underlying stream.
   * @param v8 Returns the V8 serializer, or `null` while it is not loaded.
   * @param maxFrameBytes The largest payload the reader at the other end
   * accepts: a larger message is refused here, before anything is written.
   * @param later When queued frames are written: `queueMicrotask` (once this
   * turn's microtasks so far have run), or `setImmediate` (once all of them
   * have: a holder's whole exchange — its put, then its next get — in one
   * write).
   */
  constructor(
    write: (bytes: Uint8Array) => void,
    v8: () => V8Serializer | null,
    maxFrameBytes: number = DEFAULT_MAX_FRAME_BYTES,
    later: (flush: () => void) => void = queueMicrotask,
  ) {
    this.#write = write;
    this.#v8 = v8;
    this.#maxFrameBytes = maxFrameBytes;
    this.#later = later;
  }

  /**
   * Encodes and queues one message; with `now`, writes it (and what was
   * queued before it) at once.
   *
   * @throws {DOMException} `DataCloneError` when the message cannot be cloned;
   * nothing is queued then.
   * @throws {FrameTooLargeError} When a frame of it would be over the cap;
   * nothing is queued then.
   */
  send(message: unknown, now = false): void {
    if (hasBytes(message)) this.#addWithBytes(message);
    else this.#add(this.#capped(encodeFrame(message, this.#v8())));
    if (now || this.#pendingBytes >= BATCH_BYTES) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      this.#later(() => this.flush());
    }
  }

  /** Its message frame, then each payload as a frame of its own (see `BytesJoiner`). */
  #addWithBytes(message: BytesMessage): void {
    const items = message.m.items.slice();
    const payloads = message.m.b.map((i) => {
      const payload = items[i] as Uint8Array;
      items[i] = null;
      return payload;
    });
    const frame = this.#capped(encodeFrame({ ...message, m: { ...message.m, items } }, this.#v8()));
    for (const payload of payloads) {
      if (payload.byteLength > this.#maxFrameBytes) {
        throw new FrameTooLargeError(payload.byteLength, this.#maxFrameBytes);
      }
    }
    this.#add(frame);
    for (const payload of payloads) {
      const head = new Uint8Array(HEADER);
      new DataView(head.buffer).setUint32(0, payload.byteLength, true);
      head[4] = TAG_BYTES;
      this.#add(head);
      this.#add(payload);
    }
  }

  #capped(frame: Uint8Array): Uint8Array {
    const size = frame.byteLength - HEADER;
    if (size > this.#maxFrameBytes) throw new FrameTooLargeError(size, this.#maxFrameBytes);
    return frame;
  }

  #add(bytes: Uint8Array): void {
    this.#pending.push(bytes);
    this.#pendingBytes += bytes.byteLength;
  }

  /** Bytes queued and not yet written. */
  get pending(): number {
    return this.#pendingBytes;
  }

  /** Writes everything queued now. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const frames = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    if (frames.length === 1) {
      this.#write(frames[0]);
      return;
    }
    // Small frames are packed into one write; a large one is written as is.
    let run: Uint8Array[] = [];
    let runBytes = 0;
    const writeRun = () => {
      if (run.length === 1) this.#write(run[0]);
      else if (run.length > 1) {
        const packed = new Uint8Array(runBytes);
        let offset = 0;
        for (const frame of run) {
          packed.set(frame, offset);
          offset += frame.byteLength;
        }
        this.#write(packed);
      }
      run = [];
      runBytes = 0;
    };
    for (const frame of frames) {
      if (frame.byteLength >= BATCH_BYTES) {
        writeRun();
        this.#write(frame);
      } else {
        run.push(frame);
        runBytes += frame.byteLength;
      }
    }
    writeRun();
  }
}
