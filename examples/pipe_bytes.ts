// Seed 004: the Connection tour — send/recv, sendBytes/recvBytes, and
// recvBytesInto an array, here with the receiving end in a child process.
//
//   deno run -A examples/pipe_bytes.ts
import * as mp from "../mod.ts";

async function child(b: mp.Connection<unknown>) {
  console.log(await b.recv()); // [ 1, "hello", null ]
  await b.sendBytes(new TextEncoder().encode("thank you"));
  const arr2 = new Int32Array(10);
  const count = await b.recvBytesInto(arr2);
  console.log(count === 5 * Int32Array.BYTES_PER_ELEMENT, count); // true 20
  console.log(arr2); // Int32Array(10) [ 0, 1, 2, 3, 4, 0, 0, 0, 0, 0 ]
}

if (import.meta.main) {
  const [a, b] = mp.Pipe<unknown>();
  const p = new mp.Process({ target: child, args: [b] });
  p.start();
  await a.send([1, "hello", null]);
  console.log(new TextDecoder().decode(await a.recvBytes())); // thank you
  const arr1 = new Int32Array([0, 1, 2, 3, 4]);
  await a.sendBytes(arr1);
  await p.join();
}
