/**
 * The "worker" transport: a child is a module Web Worker in this process and
 * messages travel by `postMessage` (native structured clone).
 *
 * @module
 */

import type {
  BatchMessage,
  ChildMessage,
  OrderMessage,
  ParentMessage,
  SkipMessage,
  ThreadMessage,
} from "../protocol.ts";
import { Batcher, unbatch } from "./batch.ts";
import { postOrder } from "./order.ts";
import { fromPost, toPost } from "./post.ts";

/** What a worker child posts: a thread id first, then numbered messages (see `order.ts`). */
type Posted = (ChildMessage | BatchMessage<ChildMessage> | SkipMessage | ThreadMessage) & {
  n?: number;
};
import type { Channel, ExitStatus, StopSignal } from "./channel.ts";

/** The module a worker child starts from. */
export const ENTRY = new URL("../child/worker_entry.ts", import.meta.url).href;

/** Options for {@linkcode WorkerChannel}. */
export interface WorkerChannelOptions {
  /** Used in diagnostics. */
  name: string;
  /**
   * The worker's module and name: the library's entry by default, or a
   * compiled program's main module under a marked name (see `_self_exec.ts`).
   */
  start?: { module: string; name: string };
  /** Narrowed permissions; `undefined` inherits the parent's. */
  permissions?: Deno.PermissionOptionsObject;
}

/*
 * Deno keeps the parent alive while a Worker runs and offers no public
 * `unref()`; its Worker class carries one private symbol-keyed method that
 * adjusts the worker's ref count (the same one `node:worker_threads` uses).
 */
const REF_METHOD: symbol | undefined = Object.getOwnPropertySymbols(Worker.prototype).find(
  (key) => {
    const value = (Worker.prototype as unknown as Record<symbol, unknown>)[key];
    return typeof value === "function" && value.length === 1 && /refCount/.test(String(value));
  },
);

/** True when this Deno lets a worker be unref'd (needed for daemon workers). */
export const canUnrefWorker: boolean = REF_METHOD !== undefined;

const STOPPED = Promise.resolve(true);

/** Whether thread `tid` of this process still exists (Linux). */
function threadExists(tid: number): boolean {
  try {
    Deno.statSync(`/proc/self/task/${tid}`);
    return true;
  } catch {
    return false;
  }
}

/** How long a told-to-stop worker thread may take before it counts as stuck. */
const GRACE_MS = 60;
/** How often a stuck thread is looked at again, without keeping the program alive. */
const STUCK_POLL_MS = 200;

/**
 * Calls `gone` once thread `tid` has exited. Resolves `true` if it did
 * within the grace, `false` if it still runs then; the watch goes on.
 */
function watchThread(tid: number, gone: () => void): Promise<boolean> {
  const start = performance.now();
  return new Promise((resolve) => {
    let delay = 1;
    const look = () => {
      if (!threadExists(tid)) {
        gone();
        return resolve(true);
      }
      if (performance.now() - start < GRACE_MS) {
        setTimeout(look, delay = Math.min(delay * 2, 16));
        return;
      }
      resolve(false);
      Deno.unrefTimer(setTimeout(look, STUCK_POLL_MS));
    };
    look();
  });
}

/** A child running as a module Web Worker. */
export class WorkerChannel implements Channel {
  readonly pid: number = Deno.pid;
  readonly sharesMemory = true;
  readonly exited: Promise<ExitStatus>;
  onMessage: (message: ChildMessage) => void = () => {};
  #worker: Worker;
  #out: Batcher<ParentMessage>;
  #settle!: (status: ExitStatus) => void;
  #done = false;
  #refed = true;
  #tid: number | null = null;

  /** Starts the worker. */
  constructor(options: WorkerChannelOptions) {
    this.exited = new Promise((resolve) => (this.#settle = resolve));
    const init: WorkerOptions & { deno?: { permissions: Deno.PermissionOptionsObject } } = {
      type: "module",
      name: options.start?.name ?? options.name,
    };
    if (options.permissions !== undefined) init.deno = { permissions: options.permissions };
    this.#worker = new Worker(options.start?.module ?? ENTRY, init);
    const worker = this.#worker;
    this.#out = new Batcher<ParentMessage>(
      // An empty transfer list still costs a WebIDL conversion per message.
      (message, transfer) =>
        transfer === undefined
          ? worker.postMessage(toPost(message))
          : worker.postMessage(message, transfer),
      queueMicrotask,
    );
    const deliver = (message: ChildMessage) => this.onMessage(message);
    const handle = (message: ChildMessage | BatchMessage<ChildMessage>) => {
      unbatch(message, deliver);
      if (message.t === "exit") this.#finish({ code: message.code, signal: null });
    };
    const order = postOrder();
    worker.postMessage({ t: "order", counter: order.counter.buffer } as OrderMessage);
    worker.onmessage = (event: MessageEvent<Posted | string>) => {
      const message = fromPost(event.data);
      if (message.t === "thread") {
        this.#tid = message.tid;
        return;
      }
      if (message.n === undefined) return handle(message as ChildMessage);
      if (message.t === "skip") return order.arrive(message.n, () => {});
      order.arrive(message.n, () => handle(message as ChildMessage | BatchMessage<ChildMessage>));
    };
    // An unhandled worker error would otherwise end the whole parent process.
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      console.error(`Process ${options.name}: ${event.message}`);
      this.#finish({ code: 1, signal: null });
    };
    this.#worker.onmessageerror = () => {
      console.error(`Process ${options.name}: a message from the child could not be decoded`);
      this.#finish({ code: 1, signal: null });
    };
  }

  send(message: ParentMessage, transfer?: Transferable[]): void {
    this.#out.send(message, transfer);
  }

  kill(signal: StopSignal): Promise<boolean> {
    if (this.#done) return STOPPED;
    const tid = this.#tid;
    if (tid === null || !threadExists(tid)) {
      this.#finish({ code: null, signal });
      return STOPPED;
    }
    // Deno stops a worker only when its event loop next turns, which a
    // thread in synchronous code never reaches: watch the thread itself, and
    // report the child ended only once it is gone.
    this.#setRef(false);
    this.#done = true;
    this.#worker.terminate();
    return watchThread(tid, () => this.#settle({ code: null, signal }));
  }

  unref(): void {
    this.#setRef(false);
  }

  ref(): void {
    this.#setRef(true);
  }

  // The private method counts: each call must be balanced by its opposite.
  #setRef(ref: boolean): void {
    if (REF_METHOD === undefined || this.#refed === ref || this.#done) return;
    this.#refed = ref;
    (this.#worker as unknown as Record<symbol, (ref: boolean) => void>)[REF_METHOD](ref);
  }

  #finish(status: ExitStatus): void {
    if (this.#done) return;
    this.#done = true;
    this.#worker.terminate();
    this.#settle(status);
  }
}
