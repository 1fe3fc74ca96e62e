import * as v8 from "node:v8";
import * as mp from "../mod.ts";
import {
  BytesJoiner,
  decodeFrame,
  encodeFrame,
  FrameDecoder,
  FrameWriter,
  needsV8,
} from "../src/codec.ts";
import { isJsonSafe, isSmallJsonSafe, JsonText } from "../src/json.ts";
import { ProtocolError } from "../src/errors.ts";
import { deepEqual, equal, ok, throws } from "./_assert.ts";

function roundTrip(value: unknown, chunkSize?: number): unknown[] {
  const frame = encodeFrame(value, v8);
  const decoder = new FrameDecoder();
  const out: unknown[] = [];
  const step = chunkSize ?? frame.byteLength;
  for (let i = 0; i < frame.byteLength; i += step) {
    for (const f of decoder.push(frame.slice(i, i + step))) out.push(decodeFrame(f, v8));
  }
  return out;
}

Deno.test("isJsonSafe() accepts only values JSON rebuilds exactly", () => {
  for (const value of [null, true, "s", 1.5, [1, "a", [null]], { a: { b: [1, 2] } }, []]) {
    ok(isJsonSafe(value), JSON.stringify(value));
  }
  const shared = { x: 1 };
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (
    const value of [
      undefined,
      -0,
      NaN,
      Infinity,
      1n,
      new Date(0),
      new Map(),
      new Uint8Array(2),
      [1, , 3],
      [undefined],
      { a: undefined },
      [shared, shared],
      cyclic,
      () => 1,
      Object.create({ inherited: 1 }),
    ]
  ) {
    ok(!isJsonSafe(value), String(value));
  }
});

Deno.test("isSmallJsonSafe() agrees with isJsonSafe() up to its bound of objects, and refuses past it", () => {
  const three = { a: [{ b: 1 }] };
  ok(isSmallJsonSafe(three, 3));
  ok(!isSmallJsonSafe(three, 2));
  ok(!isSmallJsonSafe({ a: new Map() }, 10));
  ok(isSmallJsonSafe("text", 0));
  // The bound of one walk does not leak into the next.
  ok(isJsonSafe(Array.from({ length: 100 }, () => ({}))));
});

Deno.test("values JSON would change reach a worker child and come back intact", async () => {
  const [mine, theirs] = mp.Pipe<unknown>();
  const sent = [{ a: undefined }, -0, new Map([[1, 2]]), [1, , 3], { d: new Date(5) }];
  const p = new mp.Process({
    target: async (conn: mp.Connection<unknown>) => {
      for (let i = 0; i < 5; i++) await conn.send(await conn.recv());
    },
    args: [theirs],
    backend: "worker",
  });
  p.start();
  const back = [];
  for (const v of sent) {
    await mine.send(v);
    back.push(await mine.recv({ timeout: 10_000 }));
  }
  await p.join();
  mine.close();
  deepEqual(back, sent);
  ok(Object.is(back[1], -0));
  ok(Object.hasOwn(back[0] as object, "a"));
});

Deno.test("a frame writes each JsonText as the JSON it holds", () => {
  const list = [{ i: 1, s: "a" }, { i: 2, s: "b" }];
  const message = {
    t: "h",
    k: 3,
    m: { op: "f", items: [new JsonText(JSON.stringify(list)), "plain", new JsonText("[]")] },
  };
  ok(isJsonSafe(message, true));
  ok(!isJsonSafe(message));
  deepEqual(roundTrip(message), [{ t: "h", k: 3, m: { op: "f", items: [list, "plain", []] } }]);
});

Deno.test("large items a subprocess child puts arrive as they were at put, shared objects still shared", async () => {
  const q = new mp.Queue<unknown>();
  const p = new mp.Process({
    target: async (q: mp.Queue<unknown>) => {
      const list = Array.from({ length: 200 }, (_, i) => ({ i, s: `item ${i}` }));
      await q.put(list);
      list[0].s = "changed after put";
      const shared = { x: 1 };
      await q.put(Array.from({ length: 100 }, () => shared));
      await q.put(Array.from({ length: 100 }, (_, i) => ({ i, d: new Date(i) })));
    },
    args: [q],
    backend: "subprocess",
  });
  p.start();
  const list = await q.get({ timeout: 20_000 }) as { i: number; s: string }[];
  const shared = await q.get({ timeout: 20_000 }) as object[];
  const dates = await q.get({ timeout: 20_000 }) as { d: Date }[];
  await p.join();
  q.close();
  equal(list.length, 200);
  equal(list[0].s, "item 0");
  equal(list[199].s, "item 199");
  ok(shared.every((x) => x === shared[0]));
  ok(dates[5].d instanceof Date);
});

Deno.test("frames round-trip JSON-safe and structured-clone values exactly", () => {
  const shared = { s: 1 };
  const cyclic: Record<string, unknown> = { name: "c" };
  cyclic.self = cyclic;
  const values: unknown[] = [
    { t: "run", args: [1, "x", [true, null]] },
    new Map<unknown, unknown>([[1, "a"], ["k", new Set([1n])]]),
    new Date(1234),
    123n,
    new Float64Array([1.5, -0, NaN]),
    [undefined, -0, Infinity],
    { nested: [shared, shared] },
    "unicode ✓ \ud800 lone surrogate",
  ];
  for (const value of values) {
    const [back] = roundTrip(value);
    deepEqual(back, value);
  }
  const [back] = roundTrip(cyclic) as [Record<string, unknown>];
  equal(back.self, back);
  const [pair] = roundTrip([shared, shared]) as [unknown[]];
  equal(pair[0], pair[1]);
});

Deno.test("FrameDecoder reassembles frames cut at every byte boundary", () => {
  const messages = [{ a: 1 }, new Map([[1, 2]]), "x".repeat(300), { big: new Uint8Array(70_000) }];
  const bytes = new Uint8Array(
    messages.flatMap((m) => [...encodeFrame(m, v8)]),
  );
  for (const step of [1, 2, 3, 5, 7, 64, 4096, bytes.byteLength]) {
    const decoder = new FrameDecoder();
    const out: unknown[] = [];
    for (let i = 0; i < bytes.byteLength; i += step) {
      for (const f of decoder.push(bytes.slice(i, i + step))) out.push(decodeFrame(f, v8));
    }
    deepEqual(out, messages, `step ${step}`);
  }
});

Deno.test("JSON frames decode without node:v8; V8 frames say they need it", () => {
  const json = new FrameDecoder().push(encodeFrame({ a: [1] }, null))[0];
  ok(!needsV8(json));
  deepEqual(decodeFrame(json, null), { a: [1] });
  const binary = new FrameDecoder().push(encodeFrame(new Map(), v8))[0];
  ok(needsV8(binary));
  throws(() => decodeFrame(binary, null), ProtocolError);
  throws(() => encodeFrame(new Map(), null), /needs node:v8/);
});

Deno.test("a frame over the size cap or with an unknown tag is a ProtocolError", () => {
  const frame = encodeFrame({ data: "x".repeat(100) }, v8);
  throws(() => new FrameDecoder(50).push(frame), (e: Error) => {
    ok(e instanceof ProtocolError);
    return /exceeds the 50-byte limit/.test(e.message);
  });
  const bad = frame.slice();
  bad[4] = 9;
  throws(() => decodeFrame(new FrameDecoder().push(bad)[0], v8), /Unknown frame tag 9/);
  const garbage = frame.slice();
  garbage[5] = 0xff;
  throws(() => decodeFrame(new FrameDecoder().push(garbage)[0], v8), /does not decode/);
});

Deno.test("FrameDecoder rejects an oversized frame (and decodeFrame a bad tag) with ProtocolError from mod.ts", () => {
  equal(mp.ProtocolError, ProtocolError);
  const frame = encodeFrame({ data: "x".repeat(100) }, v8);
  throws(() => new FrameDecoder(50).push(frame), mp.ProtocolError);
  const bad = frame.slice();
  bad[4] = 9;
  throws(() => decodeFrame(new FrameDecoder().push(bad)[0], v8), (e: Error) => {
    ok(e instanceof mp.ProtocolError);
    return e.name === "ProtocolError";
  });
});

Deno.test("encodeFrame() throws DataCloneError for a value that cannot be cloned", () => {
  throws(() => encodeFrame({ f: () => 1 }, v8), (e: Error) => e.name === "DataCloneError");
});

Deno.test("FrameWriter packs frames sent in one turn into one write", async () => {
  const writes: Uint8Array[] = [];
  const writer = new FrameWriter((bytes) => writes.push(bytes), () => v8);
  for (let i = 0; i < 100; i++) writer.send({ i });
  equal(writes.length, 0);
  await Promise.resolve();
  equal(writes.length, 1);
  const decoder = new FrameDecoder();
  const out = decoder.push(writes[0]).map((f) => decodeFrame(f, v8));
  deepEqual(out, Array.from({ length: 100 }, (_, i) => ({ i })));
  writer.send({ big: "y".repeat(70_000) });
  equal(writes.length, 2, "a batch past 64 KiB is written at once");
});

Deno.test("sendBytes payloads travel as raw frames and are joined back into their message", () => {
  const big = new Uint8Array(300_000).map((_, i) => i % 251);
  const small = new Uint8Array([1, 2, 3]);
  const message = { t: "h", k: 1, m: { op: "f", items: ["a", big, { n: 1 }, small], b: [1, 3] } };
  const writes: Uint8Array[] = [];
  const writer = new FrameWriter((bytes) => writes.push(bytes.slice()), () => v8);
  writer.send(message);
  writer.send({ t: "h", k: 2, m: { op: "a", a: 1 } });
  writer.flush();
  ok(
    writes.some((w) => w.byteLength === big.byteLength),
    "the large payload is written on its own",
  );
  const stream = new Uint8Array(writes.reduce((n, w) => n + w.byteLength, 0));
  let at = 0;
  for (const w of writes) {
    stream.set(w, at);
    at += w.byteLength;
  }
  for (const step of [7, 4096, 65_536, stream.byteLength]) {
    const decoder = new FrameDecoder();
    const joiner = new BytesJoiner();
    const out: unknown[] = [];
    for (let i = 0; i < stream.byteLength; i += step) {
      for (const frame of decoder.push(stream.subarray(i, i + step))) {
        const whole = joiner.accept(decodeFrame(frame, v8));
        if (whole !== undefined) out.push(whole);
      }
    }
    deepEqual(out, [message, { t: "h", k: 2, m: { op: "a", a: 1 } }], `chunks of ${step}`);
    const payload = (out[0] as typeof message).m.items[1] as Uint8Array;
    if (step < big.byteLength) {
      equal(payload.byteOffset, 0);
      equal(payload.buffer.byteLength, big.byteLength, "a large payload gets a buffer of its own");
    }
  }
});

Deno.test("BytesJoiner rejects bytes frames that match no message", () => {
  const joiner = new BytesJoiner();
  const raw = new Uint8Array([3, 0, 0, 0, 2, 9, 9, 9]);
  const [frame] = new FrameDecoder().push(raw);
  throws(() => joiner.accept(decodeFrame(frame, v8)), ProtocolError);
  joiner.accept({ t: "h", k: 1, m: { op: "f", items: [null], b: [0] } });
  throws(() => joiner.accept({ t: "exit", code: 0 }), /before the bytes frames/);
});
