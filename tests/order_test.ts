// Posts from a process's worker children are handled in the order they were
// made (src/transport/order.ts), and a number that never comes holds nothing
// back for long.
import { PostOrder } from "../src/transport/order.ts";
import { deepEqual, ok } from "./_assert.ts";
import { deadline } from "./_helpers.ts";

Deno.test("PostOrder handles posts in number order, whatever order they arrive in", () => {
  const order = new PostOrder();
  const seen: number[] = [];
  for (const n of [2, 0, 3, 1, 5, 4]) order.arrive(n, () => seen.push(n));
  deepEqual(seen, [0, 1, 2, 3, 4, 5]);
});

Deno.test("PostOrder passes over a number that never comes, after a short wait", async () => {
  const order = new PostOrder();
  const seen: number[] = [];
  order.arrive(0, () => seen.push(0));
  const t0 = performance.now();
  const handled = new Promise<void>((resolve) => {
    // Number 1 was taken by a worker that never posted it.
    order.arrive(2, () => {
      seen.push(2);
      resolve();
    });
  });
  deepEqual(seen, [0], "2 waits for 1");
  await deadline(handled, 5000, "the hole is passed over");
  ok(performance.now() - t0 < 5000);
  order.arrive(1, () => seen.push(1));
  deepEqual(seen, [0, 2, 1], "a late post is handled at once");
});
