// Seed 004 lists JoinableQueue's task_done() and join() without a program;
// this is one: producers put work, consumers take it and call taskDone() for
// each item; join() returns once every item is done.
//
//   deno run -A examples/joinable_queue.ts
import * as mp from "../mod.ts";

export async function consumer(q: mp.JoinableQueue<string>) {
  for (;;) {
    const item = await q.get();
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    console.log(`${mp.currentProcess().name} ate ${item}`);
    await q.taskDone();
  }
}

export async function producer(q: mp.JoinableQueue<string>, food: string) {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
    await q.put(`${food}${i}`);
    console.log(`${mp.currentProcess().name} made ${food}${i}`);
  }
  await q.join(); // a producer ends once everything it made was eaten
}

// The targets use `mp`, so they run from this module (a TaskRef), not as source.
const T = mp.tasks(import.meta.url, { consumer, producer });

if (import.meta.main) {
  const q = new mp.JoinableQueue<string>();
  const producers = ["包子", "骨头", "泔水"].map((food) =>
    new mp.Process({ target: T.producer, args: [q, food], name: `producer-${food}` })
  );
  // Consumers loop forever: as daemons they end with the main program.
  const consumers = [1, 2].map((i) =>
    new mp.Process({
      target: T.consumer,
      args: [q],
      daemon: true,
      name: `consumer-${i}`,
      backend: "subprocess",
    })
  );
  for (const p of [...producers, ...consumers]) p.start();
  for (const p of producers) await p.join();
  console.log("主: every item made was eaten");
}
