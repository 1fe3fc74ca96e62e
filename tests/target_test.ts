import * as mp from "../mod.ts";
import { compileFunction } from "../src/resolve.ts";
import { isTaskRef, toTargetSpec } from "../src/target.ts";
import { deepEqual, equal, match, ok, throws } from "./_assert.ts";
import { T } from "./fixtures/tasks.ts";

Deno.test("tasks() makes plain, cloneable, typed references", () => {
  equal(T.add.kind, "mp.task");
  equal(T.add.name, "add");
  ok(T.add.module.endsWith("/tests/fixtures/tasks.ts"));
  const clone = structuredClone(T.add);
  ok(isTaskRef(clone));
  deepEqual(toTargetSpec(clone), { kind: "export", module: T.add.module, name: "add" });
});

Deno.test("tasks() rejects a bad module URL or a non-function", () => {
  throws(() => mp.tasks("not a url", { f: () => 1 }), /Expected `moduleUrl` to be a module URL/);
  throws(
    () => mp.tasks(import.meta.url, { f: 3 as never }),
    (e: Error) => e instanceof TypeError && /`functions.f`.*got 3/.test(e.message),
  );
});

Deno.test("function targets compile back from every source form", async () => {
  const forms: ((...args: number[]) => unknown)[] = [
    function named(a: number) {
      return a + 1;
    },
    (a: number) => a + 1,
    async (a: number) => await Promise.resolve(a + 1),
    {
      method(a: number) {
        return a + 1;
      },
    }.method,
    {
      async method(a: number) {
        return await Promise.resolve(a + 1);
      },
    }.method,
  ];
  for (const fn of forms) {
    const spec = toTargetSpec(fn);
    if (spec.kind !== "source") throw new Error("expected source");
    equal(await compileFunction(spec.source)(1), 2, spec.source);
  }
});

Deno.test("targets that cannot travel are refused with a TypeError that says why", () => {
  throws(() => toTargetSpec("fn"), /function or a TaskRef from mp.tasks\(\), got "fn"/);
  throws(() => toTargetSpec(null), /got null/);
  throws(() => toTargetSpec(Math.max.bind(null)), /bound function/);
  throws(() => toTargetSpec(class A {}), /got the class/);
  match(String(toTargetSpec(() => 1).kind), /source/);
});
