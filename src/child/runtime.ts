/**
 * The code that runs inside every child, shared by both entry files: it
 * receives protocol messages, runs targets, and answers.
 *
 * @module
 */

import { currentProcess, enterChild } from "../context.ts";
import type { CallMessage, ChildMessage, ParentMessage, RunMessage } from "../protocol.ts";
import { serializeError } from "./serialize_error.ts";
import { defineMethods, resolveTarget } from "./resolve.ts";

/** What an entry file provides to the runtime. */
export interface ChildHost {
  /** Sends a message to the parent. */
  send(message: ChildMessage): void;
  /** Ends the child with `code` once everything sent has left. */
  exit(code: number): void;
}

/** Prints an error that ended a child, as Python prints a child's traceback. */
export function reportUncaught(error: unknown): void {
  console.error(`Process ${currentProcess().name}:`);
  console.error(error);
}

/**
 * Ends the child with exit code 1 on an uncaught error or unhandled
 * rejection, printing it first.
 */
export function exitOnUncaught(exit: (code: number) => void): void {
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    reportUncaught(event.error ?? event.message);
    exit(1);
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    reportUncaught(event.reason);
    exit(1);
  });
}

/** Dispatches parent messages inside a child. */
export class ChildRuntime {
  #host: ChildHost;

  /** @param host The entry file's transport hooks. */
  constructor(host: ChildHost) {
    this.#host = host;
  }

  /** Handles one message from the parent. */
  receive(message: ParentMessage): void {
    switch (message.t) {
      case "run":
        this.#run(message);
        break;
      case "call":
        this.#call(message);
        break;
    }
  }

  async #run(message: RunMessage): Promise<void> {
    enterChild(message.self, message.parent);
    let code: number;
    try {
      await runBody(message);
      code = Deno.exitCode;
    } catch (error) {
      reportUncaught(error);
      code = 1;
    }
    this.#host.exit(code);
  }

  async #call(message: CallMessage): Promise<void> {
    let value: unknown;
    try {
      const fn = await resolveTarget(message.target);
      value = await fn(...message.args);
    } catch (error) {
      this.#host.send({ t: "error", id: message.id, error: serializeError(error) });
      return;
    }
    try {
      this.#host.send({ t: "result", id: message.id, value });
    } catch (error) {
      this.#host.send({
        t: "error",
        id: message.id,
        error: serializeError(
          new DOMException(
            `The task's result could not be cloned: ${(error as Error).message}`,
            "DataCloneError",
          ),
        ),
      });
    }
  }
}

/** Runs a `Process` body: the target, or a subclass's `run()`. */
async function runBody(message: RunMessage): Promise<void> {
  const { target, args, subclass } = message;
  const runTarget = async () => {
    if (target !== null) await (await resolveTarget(target))(...args);
  };
  if (subclass === null) return await runTarget();
  // The instance is rebuilt from its methods' source and its own fields, on
  // top of a base that answers for the Process API inside the child.
  const base = {
    get name() {
      return currentProcess().name;
    },
    get pid() {
      return currentProcess().pid;
    },
    get ident() {
      return currentProcess().ident;
    },
    get daemon() {
      return currentProcess().daemon;
    },
    run: runTarget,
  };
  const instance = Object.create(base);
  defineMethods(instance, [...subclass.methods].reverse());
  Object.assign(instance, subclass.fields);
  await instance.run();
}
