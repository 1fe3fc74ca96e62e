import * as mp from "../mod.ts";
import { serializeError } from "../src/serialize_error.ts";
import { deserializeError } from "../src/remote_error.ts";
import { deepEqual, equal, match, ok } from "./_assert.ts";

function cross(error: unknown): Error {
  return deserializeError(structuredClone(serializeError(error)));
}

Deno.test("errors cross with their built-in class, message, stack and cause", () => {
  const original = new TypeError("bad type", { cause: new RangeError("inner") });
  const back = cross(original);
  ok(back instanceof TypeError);
  equal(back.name, "TypeError");
  equal(back.message, "bad type");
  equal(back.stack, original.stack);
  ok(back.cause instanceof RangeError);
  equal((back.cause as Error).message, "inner");
});

Deno.test("library errors keep their class; WorkerCrashedError keeps exit info", () => {
  ok(cross(new mp.StateError("s")) instanceof mp.StateError);
  ok(cross(new mp.TaskTimeoutError("t")) instanceof mp.TimeoutError);
  const crashed = cross(new mp.WorkerCrashedError("w", { exitCode: null, signal: "SIGKILL" }));
  ok(crashed instanceof mp.WorkerCrashedError);
  equal((crashed as mp.WorkerCrashedError).signal, "SIGKILL");
});

Deno.test("custom errors keep name, fields and a non-error cause", () => {
  class CustomError extends Error {
    code = "E_X";
    constructor() {
      super("custom", { cause: { detail: 1 } });
      this.name = "CustomError";
    }
  }
  const back = cross(new CustomError());
  equal(back.name, "CustomError");
  equal((back as unknown as { code: string }).code, "E_X");
  deepEqual(back.cause, { detail: 1 });
});

Deno.test("AggregateError, DataCloneError and thrown non-errors cross", () => {
  const agg = cross(new AggregateError([new TypeError("a")], "many"));
  ok(agg instanceof AggregateError);
  ok((agg as AggregateError).errors[0] instanceof TypeError);
  const dce = cross(new DOMException("no clone", "DataCloneError"));
  equal(dce.name, "DataCloneError");
  match(cross("plain string").message, /Non-error value thrown: "plain string"/);
});
