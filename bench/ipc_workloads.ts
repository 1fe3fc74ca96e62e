// The IPC workloads shared by bench/ipc_bench.ts and bench/compare/ipc.ts.
// Each returns the consumer's time from its first item to its last: the
// transport's throughput, without the children's start-up (~40 ms for a
// `deno run` child, ~5 ms for a forked Python one), which deno bench's figure
// for the whole call includes.
import * as mp from "../mod.ts";

/** W4: items through a Queue from one child to another. */
export const W4_ITEMS = 200_000;
/** W5 small: messages through a Pipe from a child to the parent. */
export const W5_MESSAGES = 200_000;
/** W5 bytes: messages of 1 MiB. */
export const W5_MIB = 1 << 20;
/** W5 bytes: how many. */
export const W5_BLOCKS = 200;

const RAW = new URL("./fixtures/ipc_worker.ts", import.meta.url);
const raw = () => new Worker(RAW, { type: "module" });

/** W4 producer: puts n small objects. */
export async function produce(q: mp.Queue<{ i: number; s: string }>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await q.put({ i, s: "hello" });
}

/** W4 consumer: gets n items, then reports their sum and the time from the first to the last. */
export async function consume(
  q: mp.Queue<{ i: number; s: string }>,
  n: number,
  done: mp.Queue<{ sum: number; ms: number }>,
): Promise<void> {
  let sum = (await q.get()).i;
  const first = performance.now();
  for (let i = 1; i < n; i++) sum += (await q.get()).i;
  await done.put({ sum, ms: performance.now() - first });
}

/** W5 sender: n small objects on a connection. */
export async function sendSmall(
  conn: mp.Connection<{ i: number; s: string }>,
  n: number,
): Promise<void> {
  for (let i = 0; i < n; i++) await conn.send({ i, s: "hello" });
}

/** W5 sender: k blocks of `size` bytes, reusing one buffer as Python's does. */
export async function sendBlocks(
  conn: mp.Connection<unknown>,
  k: number,
  size: number,
): Promise<void> {
  const buffer = new Uint8Array(size);
  for (let i = 0; i < k; i++) {
    buffer[0] = i;
    await conn.sendBytes(buffer);
  }
}

// Passed as source (self-contained functions): a child then loads only the
// library's child runtime, as a raw worker loads only its script.
const expectedSum = (n: number) => (n * (n - 1)) / 2;

function check(got: number, want: number, what: string): void {
  if (got !== want) throw new Error(`${what}: got ${got}, want ${want}`);
}

/** W4 with mp: a producer child and a consumer child on `backend`. */
export async function w4Queue(backend: mp.Backend, n = W4_ITEMS): Promise<number> {
  const q = new mp.Queue<{ i: number; s: string }>();
  const done = new mp.Queue<{ sum: number; ms: number }>();
  const consumer = new mp.Process({ target: consume, args: [q, n, done], backend });
  const producer = new mp.Process({ target: produce, args: [q, n], backend });
  consumer.start();
  producer.start();
  const { sum, ms } = await done.get();
  check(sum, expectedSum(n), "W4 sum");
  await Promise.all([producer.join(), consumer.join()]);
  return ms;
}

/** W4 raw: two workers joined by a MessageChannel, one postMessage per item. */
export async function w4Raw(n = W4_ITEMS): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const producer = raw();
  const consumer = raw();
  const done = new Promise<{ sum: number; ms: number }>((resolve) =>
    consumer.onmessage = (e) => resolve(e.data)
  );
  consumer.postMessage({ role: "consume", port: port2, n }, [port2]);
  producer.postMessage({ role: "produce", port: port1, n }, [port1]);
  const { sum, ms } = await done;
  check(sum, expectedSum(n), "W4 raw sum");
  producer.terminate();
  consumer.terminate();
  return ms;
}

/** W5 small with mp: a child sends, the parent receives. */
export async function w5Pipe(backend: mp.Backend, n = W5_MESSAGES): Promise<number> {
  const [mine, theirs] = mp.Pipe<{ i: number; s: string }>();
  const p = new mp.Process({ target: sendSmall, args: [theirs, n], backend });
  p.start();
  let sum = ((await mine.recv()) as { i: number }).i;
  const first = performance.now();
  for (let i = 1; i < n; i++) sum += ((await mine.recv()) as { i: number }).i;
  const ms = performance.now() - first;
  check(sum, expectedSum(n), "W5 sum");
  await p.join();
  return ms;
}

/** W5 small raw: a worker posts each message to the parent. */
export async function w5Raw(n = W5_MESSAGES): Promise<number> {
  const w = raw();
  let got = 0;
  let sum = 0;
  let first = 0;
  await new Promise<void>((resolve) => {
    w.onmessage = (e: MessageEvent<{ i: number }>) => {
      if (got === 0) first = performance.now();
      sum += e.data.i;
      if (++got === n) resolve();
    };
    w.postMessage({ role: "small", n });
  });
  const ms = performance.now() - first;
  check(sum, expectedSum(n), "W5 raw sum");
  w.terminate();
  return ms;
}

/** W5 bytes with mp: a child sends k MiB with sendBytes, the parent recvBytes. */
export async function w5Bytes(backend: mp.Backend, k = W5_BLOCKS): Promise<number> {
  const [mine, theirs] = mp.Pipe<unknown>();
  const p = new mp.Process({ target: sendBlocks, args: [theirs, k, W5_MIB], backend });
  p.start();
  let first = 0;
  for (let i = 0; i < k; i++) {
    const bytes = await mine.recvBytes();
    if (i === 0) first = performance.now();
    check(bytes[0] + bytes.length, (i & 255) + W5_MIB, "W5 block");
  }
  const ms = performance.now() - first;
  await p.join();
  return ms;
}

/** W5 bytes raw: a worker posts k copies (structured clone) of a 1 MiB buffer. */
export async function w5BytesRaw(k = W5_BLOCKS): Promise<number> {
  const w = raw();
  let got = 0;
  let first = 0;
  await new Promise<void>((resolve) => {
    w.onmessage = (e: MessageEvent<Uint8Array>) => {
      if (got === 0) first = performance.now();
      check(e.data[0] + e.data.length, (got & 255) + W5_MIB, "W5 raw block");
      if (++got === k) resolve();
    };
    w.postMessage({ role: "bytes", k, size: W5_MIB });
  });
  w.terminate();
  return performance.now() - first;
}

/** Lists: how many puts, of how many `{ i, s }` items each. */
export const LIST_PUTS = 200;
export const LIST_LEN = 1000;

/** Lists producer: puts `puts` lists of `len` items. */
export async function produceLists(
  q: mp.Queue<{ i: number; s: string }[]>,
  puts: number,
  len: number,
): Promise<void> {
  for (let p = 0; p < puts; p++) {
    await q.put(Array.from({ length: len }, (_, j) => ({ i: p * len + j, s: "hello" })));
  }
}

/** Lists consumer: gets `puts` lists, then reports the items' sum and the time from the first to the last. */
export async function consumeLists(
  q: mp.Queue<{ i: number; s: string }[]>,
  puts: number,
  done: mp.Queue<{ sum: number; ms: number }>,
): Promise<void> {
  const add = (list: { i: number }[]) => list.reduce((s, x) => s + x.i, 0);
  let sum = add(await q.get());
  const first = performance.now();
  for (let p = 1; p < puts; p++) sum += add(await q.get());
  await done.put({ sum, ms: performance.now() - first });
}

/** Lists with mp: a producer child and a consumer child on `backend`. */
export async function listsQueue(
  backend: mp.Backend,
  puts = LIST_PUTS,
  len = LIST_LEN,
): Promise<number> {
  const q = new mp.Queue<{ i: number; s: string }[]>();
  const done = new mp.Queue<{ sum: number; ms: number }>();
  const consumer = new mp.Process({ target: consumeLists, args: [q, puts, done], backend });
  const producer = new mp.Process({ target: produceLists, args: [q, puts, len], backend });
  consumer.start();
  producer.start();
  const { sum, ms } = await done.get();
  check(sum, expectedSum(puts * len), "lists sum");
  await Promise.all([producer.join(), consumer.join()]);
  return ms;
}

/** Lists raw: two workers joined by a MessageChannel, one postMessage per list. */
export async function listsRaw(puts = LIST_PUTS, len = LIST_LEN): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const producer = raw();
  const consumer = raw();
  const done = new Promise<{ sum: number; ms: number }>((resolve) =>
    consumer.onmessage = (e) => resolve(e.data)
  );
  consumer.postMessage({ role: "consumeLists", port: port2, n: puts }, [port2]);
  producer.postMessage({ role: "produceLists", port: port1, n: puts, size: len }, [port1]);
  const { sum, ms } = await done;
  check(sum, expectedSum(puts * len), "lists raw sum");
  producer.terminate();
  consumer.terminate();
  return ms;
}

/** Bytes down, child side: says it is ready, takes k blocks, answers how many bytes came. */
export async function receiveBlocks(conn: mp.Connection<unknown>, k: number): Promise<void> {
  await conn.send("ready");
  let total = 0;
  for (let i = 0; i < k; i++) total += (await conn.recvBytes()).byteLength;
  await conn.send(total);
}

/** Bytes down with mp: the parent awaits each `sendBytes` of k MiB to a ready child, until it has them all. */
export async function bytesDown(backend: mp.Backend, k = W5_BLOCKS): Promise<number> {
  const [mine, theirs] = mp.Pipe<unknown>();
  const p = new mp.Process({ target: receiveBlocks, args: [theirs, k], backend });
  p.start();
  await mine.recv();
  const buffer = new Uint8Array(W5_MIB);
  const first = performance.now();
  for (let i = 0; i < k; i++) {
    buffer[0] = i;
    await mine.sendBytes(buffer);
  }
  check((await mine.recv()) as number, k * W5_MIB, "bytes down total");
  const ms = performance.now() - first;
  await p.join();
  return ms;
}

/** Bytes down raw: the parent posts k copies (structured clone) of a 1 MiB buffer to a worker. */
export async function bytesDownRaw(k = W5_BLOCKS): Promise<number> {
  const w = raw();
  const ready = new Promise((resolve) => (w.onmessage = resolve));
  w.postMessage({ role: "sink", k });
  await ready;
  const got = new Promise<MessageEvent<number>>((resolve) => (w.onmessage = resolve));
  const buffer = new Uint8Array(W5_MIB);
  const first = performance.now();
  for (let i = 0; i < k; i++) {
    buffer[0] = i;
    w.postMessage(buffer);
  }
  check((await got).data, k * W5_MIB, "bytes down raw total");
  const ms = performance.now() - first;
  w.terminate();
  return ms;
}
