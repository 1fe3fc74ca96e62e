// Frame fuzzing: whatever bytes a subprocess child writes on its channel, the
// parent's decoder yields exactly the frames sent or throws ProtocolError,
// never holds more than one capped frame, and the child that sent them is
// killed while its neighbours carry on.
// A test-only dependency, pinned inline so the published import map stays empty.
// deno-lint-ignore no-import-prefix
import fc from "npm:fast-check@3";
import * as v8 from "node:v8";
import * as mp from "../mod.ts";
import {
  BytesJoiner,
  decodeFrame,
  encodeFrame,
  FrameDecoder,
  type RawFrame,
} from "../src/codec.ts";
import { ProtocolError } from "../src/errors.ts";
import { deepEqual, equal, match, ok, rejects } from "./_assert.ts";
import { deadline } from "./_helpers.ts";
import { H } from "./fixtures/hostile_tasks.ts";

const HEADER = 5;
const RUNS = { numRuns: 300 };

function frame(tag: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.byteLength);
  new DataView(out.buffer).setUint32(0, payload.byteLength, true);
  out[4] = tag;
  out.set(payload, HEADER);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** `bytes` cut at the given points (sorted, deduplicated, in range). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.byteLength]) {
    out.push(bytes.slice(last, p));
    last = p;
  }
  return out;
}

/**
 * Feeds `chunks`; returns the frames, or the error thrown. Fails the property
 * on any error but ProtocolError and whenever the decoder holds a frame's
 * worth past the cap.
 */
function feed(decoder: FrameDecoder, chunks: Uint8Array[], cap: number) {
  const frames: RawFrame[] = [];
  for (const chunk of chunks) {
    let got: RawFrame[];
    try {
      got = decoder.push(chunk);
    } catch (error) {
      ok(error instanceof ProtocolError, `threw ${error}`);
      return { frames, error: error as ProtocolError };
    }
    for (const f of got) ok(f.payload.byteLength <= cap, "a payload past the cap");
    ok(decoder.buffered < HEADER + cap, `holds ${decoder.buffered} bytes with a cap of ${cap}`);
    frames.push(...got);
  }
  return { frames, error: null };
}

/** Decodes and joins frames; only ProtocolError may escape. */
function decodeAll(frames: RawFrame[]): void {
  const joiner = new BytesJoiner();
  for (const f of frames) {
    try {
      joiner.accept(decodeFrame(f, v8));
    } catch (error) {
      ok(error instanceof ProtocolError, `decoding threw ${error}`);
      return;
    }
  }
}

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const cuts = fc.array(fc.nat(), { maxLength: 12 });
const cap = fc.integer({ min: 1, max: 4096 });

Deno.test("fuzz: random bytes yield frames or ProtocolError, never more than the cap", () => {
  fc.assert(
    fc.property(bytes(8192), cuts, cap, (data, at, max) => {
      const { frames } = feed(new FrameDecoder(max), split(data, at), max);
      decodeAll(frames);
    }),
    RUNS,
  );
});

const payload = fc.oneof(
  // JSON-like values still take node:v8 where JSON would not rebuild them
  // exactly (-0), so the serializer is passed here too.
  fc.jsonValue().map((v) => encodeFrame(v, v8)),
  fc.anything().map((v) => {
    try {
      return encodeFrame(v, v8);
    } catch {
      return encodeFrame(null, null);
    }
  }),
  bytes(300).map((b) => frame(2, b)),
);

Deno.test("fuzz: valid frames split at random points come out exactly as sent", () => {
  fc.assert(
    fc.property(fc.array(payload, { maxLength: 20 }), cuts, (sent, at) => {
      const stream = concat(sent);
      const decoder = new FrameDecoder();
      const { frames, error } = feed(decoder, split(stream, at), 1 << 20);
      equal(error, null);
      equal(frames.length, sent.length);
      for (let i = 0; i < sent.length; i++) {
        equal(frames[i].tag, sent[i][4]);
        deepEqual(frames[i].payload, sent[i].subarray(HEADER));
      }
      equal(decoder.buffered, 0);
    }),
    RUNS,
  );
});

Deno.test("fuzz: a truncated stream yields the whole frames and keeps only the rest", () => {
  fc.assert(
    fc.property(
      fc.array(payload, { minLength: 1, maxLength: 10 }),
      fc.nat(),
      cuts,
      (sent, k, at) => {
        const stream = concat(sent);
        const last = sent[sent.length - 1].byteLength;
        const keep = stream.byteLength - 1 - (k % last); // cut inside the last frame
        const decoder = new FrameDecoder();
        const { frames, error } = feed(decoder, split(stream.slice(0, keep), at), 1 << 20);
        equal(error, null);
        equal(frames.length, sent.length - 1);
        equal(decoder.buffered, keep - (stream.byteLength - last));
      },
    ),
    RUNS,
  );
});

Deno.test("fuzz: a length over the cap is refused as soon as its header is in", () => {
  fc.assert(
    fc.property(cap, fc.nat(), bytes(64), cuts, (max, extra, tail, at) => {
      const length = max + 1 + (extra % (0xffff_ffff - max));
      const head = new Uint8Array(HEADER);
      new DataView(head.buffer).setUint32(0, length, true);
      const stream = concat([head, tail]);
      const decoder = new FrameDecoder(max);
      const { frames, error } = feed(decoder, split(stream, at), max);
      equal(frames.length, 0);
      ok(error !== null, "an oversized frame was accepted");
      match(error!.message, new RegExp(`Frame of ${length} bytes exceeds the ${max}-byte limit`));
    }),
    RUNS,
  );
});

Deno.test("fuzz: a 4 GiB header under a 4 GiB cap allocates nothing up front", () => {
  const decoder = new FrameDecoder(0xffff_ffff);
  const before = Deno.memoryUsage().rss;
  equal(decoder.push(new Uint8Array([255, 255, 255, 255, 0, 1, 2])).length, 0);
  equal(decoder.buffered, 7);
  ok(Deno.memoryUsage().rss - before < 64 * 1024 * 1024, "the payload was allocated early");
});

Deno.test("fuzz: bad tags and garbage payloads decode or throw ProtocolError", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), bytes(512), (tag, data) => {
      const { frames } = feed(new FrameDecoder(), [frame(tag, data)], 1 << 20);
      equal(frames.length, 1);
      decodeAll(frames);
      if (tag > 2) {
        let thrown: unknown;
        try {
          decodeFrame(frames[0], v8);
        } catch (error) {
          thrown = error;
        }
        ok(thrown instanceof ProtocolError);
      }
    }),
    RUNS,
  );
});

Deno.test("fuzz: any sequence of messages and bytes frames joins or throws ProtocolError", () => {
  const bytesMessage = fc.record({
    t: fc.constant("h"),
    k: fc.integer(),
    m: fc.record({ items: fc.anything(), b: fc.array(fc.anything(), { maxLength: 4 }) }),
  });
  const piece = fc.oneof(
    fc.anything().map((v) => frame(0, new TextEncoder().encode(JSON.stringify(v) ?? "null"))),
    bytesMessage.map((v) => frame(0, new TextEncoder().encode(JSON.stringify(v)))),
    bytes(16).map((b) => frame(2, b)),
  );
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const { frames } = feed(new FrameDecoder(), [concat(pieces)], 1 << 20);
      decodeAll(frames);
    }),
    RUNS,
  );
});

// End to end: children that write hostile bytes on their frame channel.

const u32 = (n: number) => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24];
const json = (text: string) => [...u32(text.length), 0, ...new TextEncoder().encode(text)];

const HOSTILE: [string, number[], RegExp][] = [
  ["an unknown tag", [...u32(3), 9, 1, 2, 3], /Unknown frame tag 9/],
  ["a payload that is not JSON", json("{nope"), /Frame payload does not decode/],
  ["a message that is not an object", json("null"), /known kind, got none/],
  ["a message of an unknown kind", json('{"t":"boom"}'), /known kind, got "boom"/],
  ["a fail message without its fields", json('{"t":"fail","id":1}'), /"fail" message is missing/],
  ["a bytes frame with no message", [...u32(2), 2, 7, 7], /bytes frame arrived with no message/],
  ["a 4 GiB length", [255, 255, 255, 255, 0], /exceeds the 536870912-byte limit/],
];

/** Collects console.error output while `fn` runs (the parent's report of a killed child). */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<[T, string]> {
  const original = console.error;
  const lines: string[] = [];
  console.error = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  try {
    return [await fn(), lines.join("\n")];
  } finally {
    console.error = original;
  }
}

Deno.test("a pool worker writing hostile bytes is killed with a protocol error; its neighbour finishes", async () => {
  const pool = new mp.Pool({ processes: 2, backend: "subprocess" });
  try {
    await capturingStderr(() =>
      deadline(
        (async () => {
          for (const [what, bytes, reason] of HOSTILE) {
            const neighbour = pool.apply(H.slowEcho, [what, 300]);
            await rejects(pool.apply(H.answerWith, [bytes]), (e: Error) => {
              ok(e instanceof mp.WorkerCrashedError, `${what}: ${e}`);
              match(e.message, /PoolWorker-\d+ was killed for breaking the frame protocol/);
              match(e.message, reason);
              const cause = e.cause as Error;
              equal(cause.name, "ProtocolError");
              match(cause.message, /Child PoolWorker-\d+ \(pid \d+\) broke the frame protocol/);
              equal((e as mp.WorkerCrashedError).signal, "SIGKILL");
              return true;
            });
            equal(await neighbour, what);
          }
          deepEqual(await pool.map((x: number) => x * 2, [1, 2, 3]), [2, 4, 6]);
          equal(pool.stats().crashed, HOSTILE.length);
        })(),
        60_000,
        "hostile pool workers",
      )
    );
  } finally {
    pool.terminate();
    await deadline(pool.join(), 5000, "join()");
  }
});

// A well-behaved child refuses its own over-cap frames (frame_cap_test.ts);
// these children announce one anyway.
Deno.test("a pool worker announcing a frame over a small maxFrameBytes is killed before it is read", async () => {
  const pool = new mp.Pool({ processes: 2, backend: "subprocess", maxFrameBytes: 1024 });
  try {
    const [, stderr] = await capturingStderr(() =>
      deadline(
        (async () => {
          const neighbour = pool.apply(H.slowEcho, ["fine", 300]);
          await rejects(pool.apply(H.answerWith, [[...u32(5000), 0]]), (e: Error) => {
            ok(e instanceof mp.WorkerCrashedError);
            match(e.message, /Frame of \d+ bytes exceeds the 1024-byte limit/);
            match(e.message, /raise `maxFrameBytes`/);
            return true;
          });
          equal(await neighbour, "fine");
          equal(await pool.apply(H.bigResult, [100]), "x".repeat(100));
        })(),
        30_000,
        "capped pool",
      )
    );
    match(stderr, /Child PoolWorker-\d+ \(pid \d+\) broke the frame protocol.*; killing it/);
  } finally {
    pool.terminate();
    await deadline(pool.join(), 5000, "join()");
  }
});

Deno.test("a Process child writing hostile bytes is killed (-9) and reported; another finishes", async () => {
  const queue = new mp.Queue<number>();
  const [, stderr] = await capturingStderr(async () => {
    const hostile = new mp.Process({
      target: H.putWith,
      args: [queue, json("{nope")],
      backend: "subprocess",
      name: "hostile",
    });
    const good = new mp.Process({
      target: H.slowEcho,
      args: ["fine", 500],
      backend: "subprocess",
    });
    hostile.start();
    good.start();
    await deadline(Promise.all([hostile.join(), good.join()]), 20_000, "processes");
    equal(hostile.exitcode, -9);
    equal(good.exitcode, 0);
  });
  match(
    stderr,
    /Child hostile \(pid \d+\) broke the frame protocol: Frame payload does not decode/,
  );
  queue.close();
});

Deno.test("a Process child announcing a frame over its maxFrameBytes is killed (-9)", async () => {
  const queue = new mp.Queue<number>();
  const [, stderr] = await capturingStderr(async () => {
    const p = new mp.Process({
      target: H.putWith,
      args: [queue, [...u32(100_000), 0]],
      backend: "subprocess",
      name: "big",
      maxFrameBytes: 1000,
    });
    p.start();
    await deadline(p.join(), 20_000, "big join");
    equal(p.exitcode, -9);
  });
  match(
    stderr,
    /Child big \(pid \d+\) broke the frame protocol: Frame of \d+ bytes exceeds the 1000-byte limit/,
  );
  equal(await queue.qsize(), 0);
  queue.close();
});

Deno.test("maxFrameBytes is checked on Process and Pool; ignored by the worker backend", () => {
  for (const bad of [0, -1, 1.5, "1024", 2 ** 32, NaN]) {
    const check = (e: Error) =>
      e instanceof RangeError &&
      /Expected `maxFrameBytes` to be a positive integer, got/.test(e.message);
    let thrown: unknown;
    try {
      new mp.Process({ target: () => {}, backend: "subprocess", maxFrameBytes: bad as number });
    } catch (e) {
      thrown = e;
    }
    ok(thrown instanceof Error && check(thrown), `Process with ${bad}: ${thrown}`);
    thrown = undefined;
    try {
      new mp.Pool({ processes: 1, backend: "subprocess", maxFrameBytes: bad as number });
    } catch (e) {
      thrown = e;
    }
    ok(thrown instanceof Error && check(thrown), `Pool with ${bad}: ${thrown}`);
  }
  let message = "";
  try {
    new mp.Process({ target: () => {}, maxFrameBytes: 0 });
  } catch (e) {
    message = (e as Error).message;
  }
  match(message, /^Expected `maxFrameBytes` to be a positive integer, got 0: /);
  new mp.Process({ target: () => {}, backend: "worker", maxFrameBytes: 1024 });
});
