/**
 * The code that runs inside every child, shared by both entry files: it
 * receives protocol messages, runs targets, and answers.
 *
 * @module
 */

import { ADVICE, quickUncloneable } from "../clone.ts";
import { FrameTooLargeError } from "../codec.ts";
import { currentProcess, endChildren, enterChild } from "../context.ts";
import type {
  CallMessage,
  ChildMessage,
  InitMessage,
  ParentMessage,
  RunMessage,
  TaskMessage,
} from "../protocol.ts";
import { defineMethods, resolveTarget } from "../resolve.ts";
import { cloneable, serializeError } from "../serialize_error.ts";

type Callable = (...args: unknown[]) => unknown;

/** Fewer results than this travel as a plain array (see `packItems`). */
const PACK_MIN = 32;

/**
 * A task's results so far: in a Float64Array while they are all numbers (it
 * moves to the parent as one transferred buffer instead of n clones), else
 * in an array.
 */
interface TaskState {
  numbers: Float64Array | null;
  values: unknown[] | null;
}

function newState(message: TaskMessage): TaskState {
  const n = message.items.length;
  if (message.stream) return { numbers: null, values: null };
  return n < PACK_MIN
    ? { numbers: null, values: new Array(n) }
    : { numbers: new Float64Array(n), values: null };
}

/** What an entry file provides to the runtime. */
export interface ChildHost {
  /** Whether this child shares its parent's memory (a worker). */
  readonly sharesMemory: boolean;
  /**
   * Sends a message to the parent; `transfer` lists buffers that may be moved
   * rather than copied. A handle message may wait for the turn's others
   * unless `now` is set.
   *
   * @throws {DOMException} `DataCloneError` when the message cannot be cloned.
   */
  send(message: ChildMessage, transfer?: Transferable[], now?: boolean): void;
  /** Ends the child with `code` once everything sent has left. */
  exit(code: number): void;
  /** A promise while the unsent backlog is past its high-water mark. */
  backlog?(): Promise<void> | undefined;
  /**
   * Sends now, writing bytes payloads from the sender's own buffers; resolves
   * once the transport has taken them all (subprocess children only).
   */
  sendNow?(message: ChildMessage): Promise<void>;
}

type Handles = typeof import("./_handles.ts");
let handles: Handles | null = null;
let loadingHandles: Promise<Handles> | null = null;

/**
 * Loads the handle layer (only children given a Queue or Connection pay for
 * it) and lets its holders reach the parent through `host`.
 */
function loadHandles(host: ChildHost): Promise<Handles> {
  return loadingHandles ??= import("./_handles.ts").then((module) => {
    const sendNow = host.sendNow;
    module.setUpstream({
      sharesMemory: host.sharesMemory,
      send: (k, m, transfer, now) => {
        host.send({ t: "h", k, m }, transfer, now);
        return host.backlog?.();
      },
      dup: (m) => host.send(m),
      sendNow: sendNow && ((k, m) => sendNow({ t: "h", k, m })),
    });
    return handles = module;
  });
}

/**
 * Sends what handle holders buffered (puts, acknowledgements). Entry files
 * call it before the child exits, however it exits.
 */
export function flushBeforeExit(): void {
  handles?.flushHolders();
}

/**
 * Thrown by a subprocess child's `Deno.exit()` while its last frames are
 * still being written: the exit completes once they have left, and the code
 * after the call must not run meanwhile. Never reported.
 */
export class ChildExit extends Error {
  /** @param code The exit code under way. */
  constructor(readonly code: number) {
    super(`Exiting with code ${code}`);
  }
}

/** Prints an error that ended a child, as Python prints a child's traceback. */
export function reportUncaught(error: unknown): void {
  if (error instanceof ChildExit) return;
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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

/** Dispatches parent messages inside a child. */
export class ChildRuntime {
  #host: ChildHost;
  #targets = new Map<number, Callable>();
  // Pool messages run one after another (a task waits for the initializer).
  // While nothing is pending a message runs at once, so a synchronous task is
  // answered inside the message event: the parent's thread is still awake.
  #pending = 0;
  #queue: Promise<void> = Promise.resolve();

  /** @param host The entry file's transport hooks. */
  constructor(host: ChildHost) {
    this.#host = host;
  }

  /** Handles one message from the parent. */
  receive(message: ParentMessage): void {
    switch (message.t) {
      case "run":
        this.#run(message);
        return;
      case "init":
        return this.#enqueue(() => this.#init(message));
      case "task":
        return this.#enqueue(() => this.#task(message));
      case "call":
        return this.#enqueue(() => this.#call(message));
      case "stop":
        return this.#enqueue(() => this.#host.exit(0));
      case "h":
        // Never queued: a task may be waiting on this very reply.
        return handles?.receiveOnLink(message.k, message.m);
    }
  }

  #enqueue(step: () => Promise<void> | void): void {
    this.#pending++;
    const done = () => void this.#pending--;
    if (this.#pending === 1) {
      const result = step();
      if (result === undefined) return done();
      this.#queue = result.then(done);
    } else {
      this.#queue = this.#queue.then(step).then(done);
    }
  }

  async #run(message: RunMessage): Promise<void> {
    enterChild(message.self, message.parent);
    let code: number;
    try {
      if (message.hs) (await loadHandles(this.#host)).reviveHandles(message);
      await runBody(message);
      code = Deno.exitCode;
    } catch (error) {
      if (error instanceof ChildExit) return;
      reportUncaught(error);
      code = 1;
    }
    await endChildren();
    this.#host.exit(code);
  }

  async #init(message: InitMessage): Promise<void> {
    enterChild(message.self, message.parent);
    try {
      if (message.hs) (await loadHandles(this.#host)).reviveHandles(message);
      if (message.initializer !== null) {
        await (await resolveTarget(message.initializer))(...message.initargs);
      }
    } catch (error) {
      this.#host.send({ t: "initFailed", error: serializeError(error) });
      this.#host.exit(1);
      return;
    }
    this.#host.send({ t: "ready" });
  }

  #task(message: TaskMessage): Promise<void> | void {
    if (message.hs) return this.#revive(message).then(() => this.#task(message));
    return this.#withTarget(message, (fn) => this.#runTask(message, fn));
  }

  #revive(message: TaskMessage | CallMessage): Promise<void> {
    return loadHandles(this.#host).then((module) => {
      module.reviveHandles(message);
      delete message.hs;
    });
  }

  #call(message: CallMessage): Promise<void> | void {
    if (message.hs) return this.#revive(message).then(() => this.#call(message));
    return this.#withTarget(message, (fn) => {
      let value: unknown;
      try {
        value = fn(...message.args);
      } catch (error) {
        return this.#callFailed(message, error);
      }
      if (!isThenable(value)) return this.#answer(message, value);
      return Promise.resolve(value).then(
        (settled) => this.#answer(message, settled),
        (error) => this.#callFailed(message, error),
      );
    });
  }

  #answer(message: CallMessage, value: unknown): void {
    const refused = this.#send({ t: "value", id: message.id, value });
    if (refused !== null) this.#fail(message.id, 0, why(refused, value), []);
  }

  #callFailed(message: CallMessage, error: unknown): void {
    if (error instanceof ReferenceError && message.target?.kind !== "export") hint(error);
    this.#fail(message.id, 0, error, []);
  }

  /** Runs `then` with the message's target, resolving it on first use. */
  #withTarget(
    message: TaskMessage | CallMessage,
    then: (fn: Callable) => Promise<void> | void,
  ): Promise<void> | void {
    const fn = this.#targets.get(message.fn);
    if (fn !== undefined) return then(fn);
    return resolveTarget(message.target!).then(
      (resolved) => {
        this.#targets.set(message.fn, resolved);
        return then(resolved);
      },
      (error) => this.#fail(message.id, 0, error, []),
    );
  }

  /**
   * Runs the items from `from` on. It stays synchronous until a result is a
   * promise, then resumes after it.
   */
  #runTask(
    message: TaskMessage,
    fn: Callable,
    from = 0,
    state: TaskState = newState(message),
  ): Promise<void> | void {
    const { items, star } = message;
    for (let i = from; i < items.length; i++) {
      let value: unknown;
      try {
        value = star ? fn(...(items[i] as unknown[])) : fn(items[i]);
      } catch (error) {
        return this.#itemFailed(message, i, error, state);
      }
      if (isThenable(value)) {
        return Promise.resolve(value).then(
          (settled) => {
            if (this.#store(message, i, settled, state)) {
              return this.#runTask(message, fn, i + 1, state);
            }
          },
          (error) => this.#itemFailed(message, i, error, state),
        );
      }
      if (!this.#store(message, i, value, state)) return;
    }
    const results = message.stream ? [] : state.values ?? state.numbers!;
    const refused = this.#send({ t: "done", id: message.id, results }, results);
    if (refused === null) return;
    if (refused instanceof FrameTooLargeError) return this.#fail(message.id, 0, refused, []);
    const values = results as unknown[];
    const bad = refused instanceof ResultRefused
      ? quickUncloneable(values)!.index
      : values.findIndex((v) => !cloneable(v));
    this.#fail(message.id, bad, why(refused, values[bad]), values.slice(0, bad));
  }

  /** Keeps (or streams) one result; false when the task had to end. */
  #store(message: TaskMessage, i: number, value: unknown, state: TaskState): boolean {
    if (message.stream) {
      const refused = this.#send({ t: "item", id: message.id, value });
      if (refused === null) return true;
      this.#fail(message.id, i, why(refused, value), []);
      return false;
    }
    if (state.values !== null) state.values[i] = value;
    else if (typeof value === "number") state.numbers![i] = value;
    else {
      const values = Array.from(state.numbers!.subarray(0, i)) as unknown[];
      values.length = message.items.length;
      values[i] = value;
      state.values = values;
      state.numbers = null;
    }
    return true;
  }

  #itemFailed(message: TaskMessage, i: number, error: unknown, state: TaskState): void {
    if (error instanceof ReferenceError && message.target?.kind !== "export") hint(error);
    const before = message.stream ? [] : (state.values ?? state.numbers!).slice(0, i);
    this.#fail(message.id, i, error, before);
  }

  /** Sends; returns why it could not (not cloneable, over the frame cap), or `null`. */
  #send(message: ChildMessage, results?: unknown[] | Float64Array): Error | null {
    // What the task's holders buffered (puts, manager writes) goes first, so
    // whoever awaits this result finds them done.
    handles?.flushHolders();
    const refused = refusedResult(message);
    if (refused !== null) return refused;
    try {
      this.#host.send(
        message,
        results instanceof Float64Array ? [results.buffer as ArrayBuffer] : undefined,
      );
      return null;
    } catch (error) {
      if ((error as Error)?.name === "DataCloneError" || error instanceof FrameTooLargeError) {
        return error as Error;
      }
      throw error;
    }
  }

  #fail(id: number, index: number, error: unknown, results: unknown[] | Float64Array): void {
    if (error instanceof ChildExit) return;
    this.#send({ t: "fail", id, index, error: serializeError(error), results }, results);
  }
}

const HINT =
  " (a function target is sent to the child as source text, so it cannot use variables from around it: pass them as arguments, or export the function and use mp.tasks())";

/** Explains the usual cause of a ReferenceError in a function target. */
function hint(error: ReferenceError): void {
  if (!error.message.endsWith(HINT)) error.message += HINT;
}

/*
 * Structured cloning would send an object of a class as a plain one: a result
 * holding one is refused, as arguments are, rather than silently stripped.
 */
function refusedResult(message: ChildMessage): ResultRefused | null {
  const values = message.t === "value" || message.t === "item"
    ? [message.value]
    : message.t === "done" && Array.isArray(message.results)
    ? message.results
    : null;
  const bad = values === null ? null : quickUncloneable(values);
  if (bad === null) return null;
  return new ResultRefused(`The task's result cannot be sent back: ${bad.reason}. ${ADVICE}`);
}

/** A result refused before sending: a `DataCloneError` that already names what and why. */
class ResultRefused extends DOMException {
  constructor(message: string) {
    super(message, "DataCloneError");
  }
}

/** The error a result fails with when it could not be sent. */
function why(refused: Error, value: unknown): Error {
  return refused instanceof FrameTooLargeError || refused instanceof ResultRefused
    ? refused
    : notCloneable(value);
}

function notCloneable(value: unknown): DOMException {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  let what: string = typeof value;
  if (typeof value === "object" && value !== null) what = value.constructor?.name || tag;
  const generator = tag === "Generator" || tag === "AsyncGenerator"
    ? ": a generator function returns a generator, which cannot travel; return an array (Array.from(...)) instead"
    : "";
  return new DOMException(
    `The task's result could not be cloned to send it back: a value of type ${what} is not structured-cloneable${generator}`,
    "DataCloneError",
  );
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
