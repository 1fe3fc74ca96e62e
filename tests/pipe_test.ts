// Pipe and Connection: in the parent and moved to children on both backends.
import * as mp from "../mod.ts";
import { deepEqual, equal, ok, rejects, throws } from "./_assert.ts";
import { BACKENDS, deadline, finish, spawn } from "./_helpers.ts";

Deno.test("Pipe() ends exchange messages both ways, in order", async () => {
  const [a, b] = mp.Pipe<unknown>();
  await a.send([1, "hello", null]);
  await a.send({ n: 2 });
  deepEqual(await b.recv(), [1, "hello", null]);
  deepEqual(await b.recv(), { n: 2 });
  await b.send("back");
  equal(await a.recv(), "back");
  await a.send("");
  equal(await b.recv(), "");
});

Deno.test("Connection.recv() drains what was sent, then rejects EOFError once the other end closed", async () => {
  const [a, b] = mp.Pipe<number>();
  await a.send(1);
  await a.send(2);
  a.close();
  equal(await b.recv(), 1);
  equal(await b.recv(), 2);
  await rejects(b.recv(), mp.EOFError);
  ok(await b.poll(), "poll() is true at EOF");
  await rejects(a.send(3), mp.StateError);
  await rejects(a.recv(), /is closed/);
});

Deno.test("Connection.poll() waits up to its timeout for a message", async () => {
  const [a, b] = mp.Pipe<number>();
  equal(await b.poll(), false);
  const t0 = performance.now();
  equal(await b.poll(60), false);
  ok(performance.now() - t0 >= 55);
  setTimeout(() => a.send(1), 20);
  equal(await b.poll(5000), true);
  equal(await b.recv({ timeout: 10 }), 1);
  await rejects(b.recv({ timeout: 30 }), mp.EmptyError);
});

Deno.test("Pipe({ duplex: false }) gives [receiveOnly, sendOnly]", async () => {
  const [r, w] = mp.Pipe<string>({ duplex: false });
  await w.send("one way");
  equal(await r.recv(), "one way");
  await rejects(r.send("x"), /cannot send/);
  await rejects(w.recv(), /cannot receive/);
  throws(() => mp.Pipe({ duplex: "yes" as unknown as boolean }), TypeError);
  throws(() => new mp.Connection(), /mp\.Pipe\(\)/);
});

Deno.test("recvBytes(maxlength) on a longer message rejects ValueError and the message stays", async () => {
  const [a, b] = mp.Pipe();
  await a.sendBytes(new TextEncoder().encode("thank you"));
  await rejects(
    b.recvBytes(4),
    (e: Error) => e instanceof mp.ValueError && /9 bytes/.test(e.message),
  );
  equal(new TextDecoder().decode(await b.recvBytes(9)), "thank you");
  await a.send({ not: "bytes" });
  await rejects(b.recvBytes(), /sent with send\(\)/);
  deepEqual(await b.recv(), { not: "bytes" });
  await a.sendBytes(new Uint8Array([1, 2]));
  deepEqual(await b.recv(), new Uint8Array([1, 2]));
});

Deno.test("sendBytes/recvBytesInto copy the right bytes and check offset and size", async () => {
  const [a, b] = mp.Pipe();
  const source = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]);
  await a.sendBytes(source, 2, 3);
  source.fill(9); // the message was copied when sent
  deepEqual(await b.recvBytes(), new Uint8Array([2, 3, 4]));
  await rejects(a.sendBytes(source, 9), mp.ValueError);
  await rejects(a.sendBytes(source, -1), /`offset`/);
  await rejects(a.sendBytes(source, 4, 5), /`size`.*from 0 to 4/);
  await rejects(a.sendBytes("text" as unknown as Uint8Array), TypeError);
  const arr1 = new Int32Array([0, 1, 2, 3, 4]);
  await a.sendBytes(arr1);
  const small = new Int32Array(4);
  await rejects(b.recvBytesInto(small), /20 bytes but the buffer has 16/);
  await rejects(b.recvBytesInto(small, 17), /`offset`/);
  const arr2 = new Int32Array(10);
  equal(await b.recvBytesInto(arr2), 20);
  deepEqual(Array.from(arr2), [0, 1, 2, 3, 4, 0, 0, 0, 0, 0]);
  await a.sendBytes(new Uint8Array([7, 7]));
  const into = new Uint8Array(4);
  equal(await b.recvBytesInto(into.buffer, 2), 2);
  deepEqual(into, new Uint8Array([0, 0, 7, 7]));
});

Deno.test("Connection views: 10 000 messages through writable → TransformStream → readable, ending at EOF", async () => {
  const [a, b] = mp.Pipe<number>();
  const writing = ReadableStream.from(Array.from({ length: 10_000 }, (_, i) => i)).pipeTo(
    a.writable,
  );
  const got = await Array.fromAsync(
    b.readable.pipeThrough(
      new TransformStream<unknown, number>({ transform: (x, c) => c.enqueue(x as number + 1) }),
    ),
  );
  await writing;
  equal(got.length, 10_000);
  ok(got.every((x, i) => x === i + 1));
  await b.send(5);
  equal(await a.recv(), 5, "a's receiving side is still open");
});

for (const backend of BACKENDS) {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`[${backend}] ${name}`, () => deadline(fn(), 30_000, name));

  test("a child sends on its end and the parent receives (seed example)", async () => {
    const [parentEnd, childEnd] = mp.Pipe<unknown>();
    const p = spawn(backend, async (conn: mp.Connection<unknown>) => {
      await conn.send([42, null, "hello"]);
      conn.close();
    }, [childEnd]);
    deepEqual(await parentEnd.recv(), [42, null, "hello"]);
    await rejects(parentEnd.recv(), mp.EOFError);
    await finish(p);
  });

  test("a passed end is moved: the parent cannot use it, but can pass it on again", async () => {
    const [a, b] = mp.Pipe<string>();
    const echo = async (conn: mp.Connection<string>) => {
      await conn.send(`echo ${await conn.recv()}`);
    };
    const p = spawn(backend, echo, [b]);
    ok(b.closed);
    await rejects(b.send("x"), /moved to Process-\d+/);
    await a.send("hi");
    equal(await a.recv({ timeout: 10_000 }), "echo hi");
    await finish(p);
    const q = spawn(backend, echo, [b]);
    await a.send("again");
    equal(await a.recv({ timeout: 10_000 }), "echo again");
    await finish(q);
    b.close();
    throws(() => spawn(backend, echo, [b]), mp.StateError);
  });

  test("an end passed to a child that exits reads EOFError at the other end after draining", async () => {
    const [a, b] = mp.Pipe<number>();
    const p = spawn(backend, async (conn: mp.Connection<number>) => {
      for (let i = 0; i < 3; i++) await conn.send(i);
    }, [b]);
    await finish(p);
    deepEqual([await a.recv(), await a.recv(), await a.recv()], [0, 1, 2]);
    await rejects(a.recv({ timeout: 5000 }), mp.EOFError);
  });

  test("a child receives bytes: recvBytes(maxlength) leaves a long message, recvBytesInto fills an array", async () => {
    const [a, b] = mp.Pipe<unknown>();
    const p = spawn(backend, async (conn: mp.Connection<unknown>) => {
      const tooLong = await conn.recvBytes(4).catch((e) => e.name);
      const text = new TextDecoder().decode(await conn.recvBytes(9));
      const arr2 = new Int32Array(10);
      const count = await conn.recvBytesInto(arr2);
      await conn.send({ tooLong, text, count, arr2: Array.from(arr2) });
      await conn.sendBytes(new Float64Array([1.5, 2.5]));
    }, [b]);
    await a.sendBytes(new TextEncoder().encode("thank you"));
    await a.sendBytes(new Int32Array([0, 1, 2, 3, 4]));
    deepEqual(await a.recv({ timeout: 10_000 }), {
      tooLong: "ValueError",
      text: "thank you",
      count: 20,
      arr2: [0, 1, 2, 3, 4, 0, 0, 0, 0, 0],
    });
    const bytes = await a.recvBytes();
    deepEqual(Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, 2)), [1.5, 2.5]);
    await finish(p);
  });

  test("pool tasks get a Connection, again and again", async () => {
    const [a, b] = mp.Pipe<number>();
    const pool = new mp.Pool({ processes: 1, backend });
    try {
      for (const n of [7, 8]) {
        await pool.apply(async (conn: mp.Connection<number>, n: number) => await conn.send(n), [
          b,
          n,
        ]);
        equal(await a.recv({ timeout: 10_000 }), n);
      }
    } finally {
      pool.close();
      await deadline(pool.join(), 10_000, "pool join");
    }
  });

  test("a Connection in initargs reaches every pool worker", async () => {
    const [a, b] = mp.Pipe<string>();
    const pool = new mp.Pool({
      processes: 2,
      backend,
      initializer: async (conn: mp.Connection<string>) => {
        await conn.send(`ready ${Deno.pid}`);
      },
      initargs: [b],
    });
    try {
      await pool.map((x: number) => x, [1, 2, 3, 4]);
      const got = [await a.recv({ timeout: 10_000 }), await a.recv({ timeout: 10_000 })];
      ok(got.every((m) => typeof m === "string" && m.startsWith("ready ")), String(got));
    } finally {
      pool.close();
      await deadline(pool.join(), 10_000, "pool join");
    }
    b.close();
    await rejects(a.recv({ timeout: 10_000 }), mp.EOFError);
  });

  test("40 × 1 MiB sendBytes to a child arrive whole and in order, the sender's buffer reused each time", async () => {
    const [a, b] = mp.Pipe<unknown>();
    const p = spawn(backend, async (conn: mp.Connection<unknown>) => {
      let good = 0;
      for (let i = 0; i < 40; i++) {
        const block = await conn.recvBytes();
        if (block.length === 1 << 20 && block.every((x) => x === (i * 7) % 256)) good++;
        // A slow reader: the sender gets ahead, then waits for room.
        if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await conn.send(good);
    }, [b]);
    const buffer = new Uint8Array(1 << 20);
    for (let i = 0; i < 40; i++) {
      buffer.fill((i * 7) % 256);
      await a.sendBytes(buffer);
    }
    equal(await a.recv({ timeout: 20_000 }), 40);
    await finish(p);
  });

  test("sendBytes to a child that ended without reading does not wait", async () => {
    const [a, b] = mp.Pipe<unknown>();
    const p = spawn(backend, (_conn: mp.Connection<unknown>) => {}, [b]);
    await finish(p);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) await a.sendBytes(new Uint8Array(1 << 20));
    ok(
      performance.now() - t0 < 5000,
      "no reader left: nothing to wait for (1 s per call past 8 MiB if it did)",
    );
  });

  test("a child writes 10 000 messages to its end's writable; the parent's readable ends at EOF", async () => {
    const [a, b] = mp.Pipe<number>();
    const p = spawn(backend, async (conn: mp.Connection<number>) => {
      await ReadableStream.from(Array.from({ length: 10_000 }, (_, i) => i)).pipeTo(conn.writable);
    }, [b]);
    const got = await Array.fromAsync(
      a.readable.pipeThrough(
        new TransformStream<unknown, number>({ transform: (x, c) => c.enqueue(x as number * 2) }),
      ),
    );
    equal(got.length, 10_000);
    ok(got.every((x, i) => x === i * 2));
    await finish(p);
  });
}
