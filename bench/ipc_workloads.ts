// The IPC workloads shared by bench/ipc_bench.ts and bench/compare/ipc.ts.
// Every run starts its children and ends when the last item arrived, so child
// start-up is in every figure, the raw baselines' included.
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

/** W4 consumer: gets n items, then reports their sum. */
export async function consume(
  q: mp.Queue<{ i: number; s: string }>,
  n: number,
  done: mp.Queue<number>,
): Promise<void> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (await q.get()).i;
  await done.put(sum);
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

const T = mp.tasks(import.meta.url, { produce, consume, sendSmall, sendBlocks });
const expectedSum = (n: number) => (n * (n - 1)) / 2;

function check(got: number, want: number, what: string): void {
  if (got !== want) throw new Error(`${what}: got ${got}, want ${want}`);
}

/** W4 with mp: a producer child and a consumer child on `backend`. */
export async function w4Queue(backend: mp.Backend, n = W4_ITEMS): Promise<void> {
  const q = new mp.Queue<{ i: number; s: string }>();
  const done = new mp.Queue<number>();
  const consumer = new mp.Process({ target: T.consume, args: [q, n, done], backend });
  const producer = new mp.Process({ target: T.produce, args: [q, n], backend });
  consumer.start();
  producer.start();
  check(await done.get(), expectedSum(n), "W4 sum");
  await Promise.all([producer.join(), consumer.join()]);
}

/** W4 raw: two workers joined by a MessageChannel, one postMessage per item. */
export async function w4Raw(n = W4_ITEMS): Promise<void> {
  const { port1, port2 } = new MessageChannel();
  const producer = raw();
  const consumer = raw();
  const sum = new Promise<number>((resolve) => (consumer.onmessage = (e) => resolve(e.data)));
  consumer.postMessage({ role: "consume", port: port2, n }, [port2]);
  producer.postMessage({ role: "produce", port: port1, n }, [port1]);
  check(await sum, expectedSum(n), "W4 raw sum");
  producer.terminate();
  consumer.terminate();
}

/** W5 small with mp: a child sends, the parent receives. */
export async function w5Pipe(backend: mp.Backend, n = W5_MESSAGES): Promise<void> {
  const [mine, theirs] = mp.Pipe<{ i: number; s: string }>();
  const p = new mp.Process({ target: T.sendSmall, args: [theirs, n], backend });
  p.start();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((await mine.recv()) as { i: number }).i;
  check(sum, expectedSum(n), "W5 sum");
  await p.join();
}

/** W5 small raw: a worker posts each message to the parent. */
export async function w5Raw(n = W5_MESSAGES): Promise<void> {
  const w = raw();
  let got = 0;
  let sum = 0;
  await new Promise<void>((resolve) => {
    w.onmessage = (e: MessageEvent<{ i: number }>) => {
      sum += e.data.i;
      if (++got === n) resolve();
    };
    w.postMessage({ role: "small", n });
  });
  check(sum, expectedSum(n), "W5 raw sum");
  w.terminate();
}

/** W5 bytes with mp: a child sends k MiB with sendBytes, the parent recvBytes. */
export async function w5Bytes(backend: mp.Backend, k = W5_BLOCKS): Promise<void> {
  const [mine, theirs] = mp.Pipe<unknown>();
  const p = new mp.Process({ target: T.sendBlocks, args: [theirs, k, W5_MIB], backend });
  p.start();
  for (let i = 0; i < k; i++) {
    const bytes = await mine.recvBytes();
    check(bytes[0] + bytes.length, (i & 255) + W5_MIB, "W5 block");
  }
  await p.join();
}

/** W5 bytes raw: a worker posts k copies (structured clone) of a 1 MiB buffer. */
export async function w5BytesRaw(k = W5_BLOCKS): Promise<void> {
  const w = raw();
  let got = 0;
  await new Promise<void>((resolve) => {
    w.onmessage = (e: MessageEvent<Uint8Array>) => {
      check(e.data[0] + e.data.length, (got & 255) + W5_MIB, "W5 raw block");
      if (++got === k) resolve();
    };
    w.postMessage({ role: "bytes", k, size: W5_MIB });
  });
  w.terminate();
}
