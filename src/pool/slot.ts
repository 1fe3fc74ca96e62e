/**
 * A slot is one of a pool's workers: a child (worker or subprocess) that
 * takes chunks over the protocol, or an inline runner on this event loop.
 * Slots report what happens to a {@linkcode SlotEvents}; the scheduler
 * decides what it means.
 *
 * @module
 */

import { resolveTarget } from "../resolve.ts";
import { currentProcess, nextChildIdent } from "../context.ts";
import { extractHandles, type Found, shareHandles } from "../handles/share.ts";
import type {
  CallMessage,
  ChildMessage,
  InitMessage,
  TargetSpec,
  TaskMessage,
} from "../protocol.ts";
import { deserializeError } from "../remote_error.ts";
import type { ChildChannel } from "../backend.ts";
import { spawnChannel } from "../spawn.ts";
import type { ExitStatus } from "../transport/channel.ts";
import { packItems } from "./chunker.ts";
import type { Chunk } from "./job.ts";
import type { PoolBackend } from "./options.ts";
import type { Permissions } from "../permissions.ts";

/** What a chunk's items become once sent and never needed again. */
const SENT: unknown[] = [];

/** What a slot reports. */
export interface SlotEvents {
  ready(slot: Slot): void;
  item(slot: Slot, value: unknown): void;
  done(slot: Slot, results: ArrayLike<unknown>): void;
  fail(slot: Slot, index: number, error: unknown, results: ArrayLike<unknown>): void;
  timeout(slot: Slot): void;
  initFailed(slot: Slot, error: unknown): void;
  exit(slot: Slot, status: ExitStatus): void;
}

/** How every slot of a pool is made. */
export interface SlotConfig {
  backend: PoolBackend;
  initializer: TargetSpec | null;
  initializerFn: ((...args: unknown[]) => unknown) | null;
  initargs: unknown[];
  permissions: Permissions | undefined;
  modules: readonly string[];
  maxFrameBytes: number | undefined;
  maxHeapMb: number | undefined;
}

/** The life of a slot: starting → idle ⇄ busy → stopping → dead. */
export type SlotState = "starting" | "idle" | "busy" | "stopping" | "dead";

/** One worker of a pool. */
export interface Slot {
  readonly name: string;
  readonly state: SlotState;
  /** The chunk it runs, while busy. */
  chunk: Chunk | null;
  /** Tasks (chunks) it has completed. */
  readonly tasks: number;
  /** Why the parent killed its child (a protocol error it sent), or `null`. */
  readonly fault: Error | null;
  /** Starts `chunk`. @throws {DOMException} `DataCloneError`: nothing was sent. */
  run(chunk: Chunk): void;
  /** Exits once idle (the scheduler stops idle slots only). */
  stop(): void;
  /**
   * Ends now. Resolves `false` when its child still runs after the grace (a
   * worker thread in synchronous code, see `Channel.kill`): the slot has then
   * reported its exit already, so the pool goes on without it.
   *
   * @param told Whether the caller tells the user so itself (a timeout's
   * error does); otherwise a warning goes to stderr.
   */
  kill(told?: boolean): Promise<boolean>;
  /** Whether it keeps the program alive. */
  ref(on: boolean): void;
}

const STOPPED = Promise.resolve(true);

/** Makes a slot for `config`. */
export function createSlot(config: SlotConfig, events: SlotEvents): Slot {
  const name = `PoolWorker-${nextChildIdent()}`;
  return config.backend === "inline"
    ? new InlineSlot(name, config, events)
    : new ChildSlot(name, config, events);
}

class ChildSlot implements Slot {
  readonly name: string;
  state: SlotState = "starting";
  chunk: Chunk | null = null;
  tasks = 0;
  #channel: ChildChannel;
  #events: SlotEvents;
  // Keyed by the target's text, so a child compiles or imports each one once.
  #targets = new Map<string, number>();
  #taskId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(name: string, config: SlotConfig, events: SlotEvents) {
    this.name = name;
    this.#events = events;
    const ident = name.slice("PoolWorker-".length);
    this.#channel = spawnChannel({
      backend: config.backend as "worker" | "subprocess",
      name,
      daemon: false,
      permissions: config.permissions,
      modules: config.modules,
      duplex: true,
      maxFrameBytes: config.maxFrameBytes,
      maxHeapMb: config.maxHeapMb,
    });
    this.#channel.onMessage = (message) => this.#receive(message);
    const found: Found[] = [];
    const message: InitMessage = {
      t: "init",
      self: { name, pid: 0, ident, daemon: false },
      parent: currentProcess(),
      initializer: config.initializer,
      initargs: extractHandles(config.initargs, ["initargs"], found) as unknown[],
    };
    if (found.length > 0) message.hs = shareHandles(found, this.#channel, name);
    this.#channel.send(message);
    this.#channel.exited.then((status) => this.#dead(status));
  }

  #dead(status: ExitStatus): void {
    clearTimeout(this.#timer);
    if (this.state === "dead") return;
    this.state = "dead";
    this.#events.exit(this, status);
  }

  run(chunk: Chunk): void {
    const { target, star, timeout, single } = chunk.job.spec;
    const key = target.kind === "source" ? target.source : `${target.module}#${target.name}`;
    const known = this.#targets.get(key);
    const fn = known ?? this.#targets.size;
    const id = ++this.#taskId;
    let message: TaskMessage | CallMessage;
    let transfer: Transferable[] | undefined;
    const found: Found[] = [];
    if (single) {
      const args = extractHandles(chunk.items[0], ["args"], found) as unknown[];
      message = { t: "call", id, fn, args };
    } else {
      const items = star ? chunk.items : packItems(chunk.items);
      message = { t: "task", id, fn, items, star, stream: timeout !== undefined };
      if (items instanceof Float64Array) transfer = [items.buffer as ArrayBuffer];
      else message.items = extractHandles(items, ["items"], found) as unknown[];
    }
    if (found.length > 0) message.hs = shareHandles(found, this.#channel, this.name);
    if (known === undefined) message.target = target;
    this.#channel.send(message, transfer);
    if (known === undefined) this.#targets.set(key, fn);
    // A chunk may run again after a timeout, or (its items after one that
    // failed) in an imap, which goes on past a failed item.
    if (timeout === undefined && chunk.job.spec.delivery === "collect") chunk.items = SENT;
    this.chunk = chunk;
    this.state = "busy";
    this.#arm();
  }

  get fault(): Error | null {
    return this.#channel.fault ?? null;
  }

  stop(): void {
    if (this.state === "dead" || this.state === "stopping") return;
    this.state = "stopping";
    this.#channel.send({ t: "stop" });
  }

  kill(told = false): Promise<boolean> {
    if (this.state === "dead") return STOPPED;
    this.state = "stopping";
    clearTimeout(this.#timer);
    return this.#channel.kill("SIGKILL").then((stopped) => {
      if (!stopped) {
        if (!told) {
          console.error(
            `${this.name}: its worker thread is running synchronous code, which Deno cannot interrupt, so it was left running (it no longer keeps the program alive) and the pool goes on without it; use backend: "subprocess" for tasks that may never yield`,
          );
        }
        this.#dead({ code: null, signal: "SIGKILL" });
      }
      return stopped;
    });
  }

  ref(on: boolean): void {
    if (on) this.#channel.ref();
    else this.#channel.unref();
  }

  #arm(): void {
    const timeout = this.chunk?.job.spec.timeout;
    if (timeout === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#events.timeout(this), timeout);
  }

  #receive(message: ChildMessage): void {
    if (this.state === "stopping" && this.chunk === null && message.t !== "exit") return;
    switch (message.t) {
      case "ready":
        this.state = "idle";
        this.#events.ready(this);
        return;
      case "initFailed":
        this.#events.initFailed(this, deserializeError(message.error));
        return;
      case "item":
        if (message.id !== this.#taskId || this.chunk === null) return;
        this.#arm();
        this.#events.item(this, message.value);
        return;
      case "done":
      case "value":
      case "fail":
        if (message.id !== this.#taskId || this.chunk === null) return;
        clearTimeout(this.#timer);
        this.tasks++;
        if (this.state === "busy") this.state = "idle";
        if (message.t === "done") this.#events.done(this, message.results);
        else if (message.t === "value") this.#events.done(this, [message.value]);
        else {
          this.#events.fail(this, message.index, deserializeError(message.error), message.results);
        }
        return;
      case "exit":
        return;
    }
  }
}

/**
 * Runs chunks as async calls on this event loop. "Killing" one abandons it:
 * a timed-out call cannot be stopped, so its eventual result is ignored.
 */
class InlineSlot implements Slot {
  readonly name: string;
  readonly fault = null;
  state: SlotState = "starting";
  chunk: Chunk | null = null;
  tasks = 0;
  #events: SlotEvents;
  #run = 0;

  constructor(name: string, config: SlotConfig, events: SlotEvents) {
    this.name = name;
    this.#events = events;
    this.#start(config);
  }

  async #start(config: SlotConfig): Promise<void> {
    // Report nothing before the scheduler has this slot in hand.
    await null;
    try {
      if (config.initializer !== null) {
        const init = config.initializerFn ?? await resolveTarget(config.initializer);
        await init(...config.initargs);
      }
    } catch (error) {
      if (this.state === "dead") return;
      this.#events.initFailed(this, error);
      this.#end({ code: 1, signal: null });
      return;
    }
    if (this.state !== "starting") return;
    this.state = "idle";
    this.#events.ready(this);
  }

  run(chunk: Chunk): void {
    this.chunk = chunk;
    this.state = "busy";
    this.#execute(chunk, ++this.#run);
  }

  async #execute(chunk: Chunk, run: number): Promise<void> {
    await null; // never report from inside the scheduler's dispatch loop
    const { target, direct, star, timeout } = chunk.job.spec;
    const current = () => this.#run === run && this.state === "busy";
    let fn: (...args: unknown[]) => unknown;
    try {
      fn = direct ?? await resolveTarget(target);
    } catch (error) {
      if (current()) this.#finish(() => this.#events.fail(this, 0, error, []));
      return;
    }
    const results: unknown[] = [];
    for (let i = 0; i < chunk.items.length; i++) {
      const item = chunk.items[i];
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (timeout !== undefined) {
        timer = setTimeout(() => current() && this.#events.timeout(this), timeout);
      }
      let value: unknown;
      try {
        value = await (star ? fn(...(item as unknown[])) : fn(item));
      } catch (error) {
        clearTimeout(timer);
        if (current()) this.#finish(() => this.#events.fail(this, i, error, results));
        return;
      } finally {
        clearTimeout(timer);
      }
      if (!current()) return;
      if (timeout !== undefined) this.#events.item(this, value);
      else results.push(value);
    }
    this.#finish(() => this.#events.done(this, results));
  }

  #finish(report: () => void): void {
    this.tasks++;
    this.state = "idle";
    report();
  }

  stop(): void {
    if (this.state === "dead") return;
    this.#end({ code: 0, signal: null });
  }

  kill(): Promise<boolean> {
    if (this.state !== "dead") this.#end({ code: null, signal: "SIGKILL" });
    return STOPPED;
  }

  ref(): void {}

  #end(status: ExitStatus): void {
    this.state = "dead";
    this.#run++;
    queueMicrotask(() => this.#events.exit(this, status));
  }
}
