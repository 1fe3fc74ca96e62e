// The child runtime over both transports: calls, results, errors, death.
import * as mp from "../mod.ts";
import type { ChildMessage, TargetSpec } from "../src/protocol.ts";
import { deserializeError } from "../src/remote_error.ts";
import { spawnChannel } from "../src/spawn.ts";
import { toTargetSpec } from "../src/target.ts";
import type { Channel } from "../src/transport/channel.ts";
import { deepEqual, equal, match, ok, rejects } from "./_assert.ts";
import { BACKENDS, deadline } from "./_helpers.ts";
import { Ghost, T } from "./fixtures/tasks.ts";

/** A child that answers calls, for testing the runtime under the public API. */
class Caller {
  #channel: Channel;
  #next = 0;
  #pending = new Map<number, PromiseWithResolvers<unknown>>();

  constructor(backend: mp.Backend) {
    this.#channel = spawnChannel({
      backend,
      name: `caller-${backend}`,
      daemon: false,
      permissions: undefined,
      modules: [T.add.module],
      duplex: true,
    });
    this.#channel.onMessage = (message: ChildMessage) => {
      if (message.t === "exit") return;
      const pending = this.#pending.get(message.id)!;
      this.#pending.delete(message.id);
      if (message.t === "result") pending.resolve(message.value);
      else pending.reject(deserializeError(message.error));
    };
    this.#channel.exited.then((status) => {
      for (const p of this.#pending.values()) {
        p.reject(
          new mp.WorkerCrashedError("child died", { exitCode: status.code, signal: status.signal }),
        );
      }
    });
  }

  call(target: unknown, ...args: unknown[]): Promise<unknown> {
    const id = this.#next++;
    const pending = Promise.withResolvers<unknown>();
    this.#pending.set(id, pending);
    this.#channel.send({ t: "call", id, target: toTargetSpec(target) as TargetSpec, args });
    return deadline(pending.promise, 15_000, "call");
  }

  async close(): Promise<void> {
    this.#channel.kill("SIGTERM");
    await deadline(this.#channel.exited, 5000, "exit");
  }
}

for (const backend of BACKENDS) {
  const test = (name: string, fn: (c: Caller) => Promise<void>) =>
    Deno.test(`[${backend}] ${name}`, async () => {
      const caller = new Caller(backend);
      try {
        await fn(caller);
      } finally {
        await caller.close();
      }
    });

  test("a child answers calls to function and TaskRef targets", async (c) => {
    equal(await c.call((a: number, b: number) => a * b, 6, 7), 42);
    equal(await c.call(T.add, 2, 3), 5);
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => c.call(T.add, i, i)));
    deepEqual(many, Array.from({ length: 50 }, (_, i) => 2 * i));
  });

  test("values JSON cannot carry come back as exact structured clones", async (c) => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    const values: unknown[] = [
      new Map<unknown, unknown>([[1, { a: [1n] }]]),
      new Date(5),
      [undefined, -0, NaN],
      new Uint16Array([1, 2, 3]),
      { set: new Set(["x"]) },
    ];
    for (const value of values) deepEqual(await c.call(T.echo, value), value);
    const back = await c.call(T.echo, cyclic) as Record<string, unknown>;
    equal(back.self, back);
  });

  test("errors cross with class, name, message, child stack and cause", async (c) => {
    const error = await c.call(T.failWithCause, "nope").catch((e) => e);
    ok(error instanceof TypeError);
    equal(error.message, "nope");
    match(String(error.stack), /failWithCause/);
    match(String(error.stack), /fixtures\/tasks\.ts/);
    ok(error.cause instanceof RangeError);
    equal(error.cause.message, "inner cause");
    const custom = await c.call(T.failCustom).catch((e) => e) as Error & { code: string };
    equal(custom.name, "CustomError");
    equal(custom.code, "E_CUSTOM");
    equal(await c.call(T.add, 1, 1), 2, "the child still answers after errors");
  });

  test("a missing export rejects naming the module URL and the export", async (c) => {
    await rejects(c.call(Ghost.ghost), (e: Error) => {
      ok(e instanceof TypeError);
      ok(e.message.includes(Ghost.ghost.module), e.message);
      match(e.message, /no export named "ghost"/);
      return true;
    });
  });

  test("a result that cannot be cloned rejects with DataCloneError", async (c) => {
    await rejects(c.call(() => ({ f: () => 1 })), (e: Error) => e.name === "DataCloneError");
    equal(await c.call(T.add, 1, 2), 3);
  });

  test("a child that exits mid-call rejects the call with WorkerCrashedError", async (c) => {
    await rejects(c.call(T.exitWith, 4), (e: Error) => {
      ok(e instanceof mp.WorkerCrashedError);
      equal(e.exitCode, 4);
      return true;
    });
  });
}
