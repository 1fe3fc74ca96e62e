/**
 * `Process`: one child running one target, as Python's
 * `multiprocessing.Process`.
 *
 * @module
 */

import { checkKnownKeys } from "./_options.ts";
import { assertCloneable } from "./clone.ts";
import { extractHandles, type Found, shareHandles } from "./handles/share.ts";
import {
  currentProcess,
  defaultBackend,
  nextChildIdent,
  trackChild,
  untrackChild,
} from "./context.ts";
import { StateError } from "./errors.ts";
import type { Permissions } from "./permissions.ts";
import type { RunMessage, SubclassSpec, TargetSpec } from "./protocol.ts";
import { resolveTarget } from "./resolve.ts";
import { backendOf } from "./backend.ts";
import { type Backend, checkMaxFrameBytes, checkMaxHeapMb, spawnChannel } from "./spawn.ts";
import { describe } from "./_describe.ts";
import { type Target, toTargetSpec } from "./target.ts";
import { type Channel, exitcodeOf, type ExitStatus } from "./transport/channel.ts";

/**
 * Options of a {@linkcode Process}.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const options: mp.ProcessOptions<[number]> = {
 *   target: (n: number) => console.log(n),
 *   args: [1],
 *   name: "printer",
 *   backend: "subprocess",
 * };
 * const p = new mp.Process(options);
 * p.start();
 * await p.join();
 * ```
 */
export interface ProcessOptions<A extends unknown[] = unknown[]> {
  /**
   * What the child runs: a self-contained function (sent as source text) or
   * a `TaskRef` from `mp.tasks()`. Omit it in a subclass that overrides
   * `run()`.
   * @default {undefined}
   */
  target?: Target<A>;
  /**
   * Arguments for `target`; structured-cloneable values.
   * @default {[]}
   */
  args?: A;
  /**
   * The process name.
   * @default {"Process-N"}
   */
  name?: string;
  /**
   * A daemon child is stopped when the parent program ends and may not start
   * children of its own; a non-daemon child keeps the parent running.
   * @default {false}
   */
  daemon?: boolean;
  /**
   * `"worker"` runs the child as a Web Worker in this process;
   * `"subprocess"` as its own `deno run` OS process.
   * Unset, the backend `mp.setStartMethod()` chose, else `"worker"`.
   * @default {"worker"}
   */
  backend?: Backend;
  /**
   * What the child may do. Omitted, the child has the parent's permissions;
   * it can never have more. Narrowing a worker child needs Deno's
   * `--unstable-worker-options`.
   * @default {"inherit"}
   */
  permissions?: Permissions;
  /**
   * Largest message frame, in bytes, a `"subprocess"` child may send back
   * (only a child holding a `Queue`, `Connection`, sync object or manager
   * proxy sends any). A child that announces a larger frame — or sends bytes
   * that are not frames at all — is killed with SIGKILL (`exitcode` `-9`) and
   * the protocol error is printed to stderr; the parent never buffers more
   * than one frame of this size for it. Ignored with `backend: "worker"`:
   * `postMessage` has no frames to cap.
   * @default {536870912}
   */
  maxFrameBytes?: number;
  /**
   * Caps a `"subprocess"` child's V8 heap at this many MiB (V8's
   * `--max-old-space-size`). A child that needs more dies of V8's fatal
   * out-of-memory error (SIGTRAP, `exitcode` `-5`). Not available with
   * `backend: "worker"`, since Deno cannot cap a worker's heap: passing it
   * there throws.
   * @default {V8's own limit}
   */
  maxHeapMb?: number;
}

const PROCESS_OPTIONS = [
  "target",
  "args",
  "name",
  "daemon",
  "backend",
  "permissions",
  "maxFrameBytes",
  "maxHeapMb",
] as const satisfies readonly (keyof ProcessOptions)[];

type State = "initial" | "started" | "exited";

/**
 * A child process running one target, on a Web Worker or a `deno run`
 * subprocess. The Python `multiprocessing.Process` API in TypeScript:
 * `start()`, `join(timeout)`, `isAlive()`, `terminate()`, `kill()`,
 * `exitcode`, `pid`, `name`, `daemon`, and subclassing with `run()`.
 *
 * @typeParam A The target's argument list.
 *
 * @example Run a function in a child
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * const p = new mp.Process({
 *   target: (name: string) => console.log(`hello ${name}`),
 *   args: ["bob"],
 * });
 * p.start();
 * await p.join();
 * console.log(p.exitcode); // 0
 * ```
 *
 * @example Subclass and override run()
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * class Greeter extends mp.Process {
 *   greeting = "hello";
 *   override run() {
 *     console.log(`${this.greeting} from ${this.name}`);
 *   }
 * }
 * const p = new Greeter({ name: "greeter" });
 * p.start();
 * await p.join();
 * ```
 */
export class Process<A extends unknown[] = unknown[]> {
  #target: TargetSpec | null;
  #args: A;
  #name: string;
  #ident: string;
  #daemon: boolean;
  #backend: Backend;
  #permissions: Permissions | undefined;
  #maxFrameBytes: number | undefined;
  #maxHeapMb: number | undefined;
  #state: State = "initial";
  #channel: Channel | null = null;
  #status: ExitStatus | null = null;
  #exited: Promise<void> | null = null;

  /**
   * Describes a child; nothing runs until {@linkcode Process.start}.
   *
   * @param options The target, its arguments and how to run it.
   * @throws {TypeError} When `target` is neither a function nor a TaskRef,
   * `args` is not an array, an option has the wrong type, or `maxHeapMb` is
   * given with `backend: "worker"`; in a compiled program, when `permissions`
   * or `maxHeapMb` would narrow a subprocess child.
   * @throws {RangeError} When `maxFrameBytes` or `maxHeapMb` is not a
   * positive integer.
   */
  constructor(options: ProcessOptions<A> = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
    }
    checkKnownKeys("Process", options, PROCESS_OPTIONS);
    const { target, args = [] as unknown as A, name, daemon, backend = defaultBackend() } = options;
    this.#target = target === undefined ? null : toTargetSpec(target);
    if (!Array.isArray(args)) {
      throw new TypeError(`Expected \`args\` to be an array of arguments, got ${describe(args)}`);
    }
    const rules = backendOf(backend, ["worker", "subprocess"]);
    if (options.maxFrameBytes !== undefined) checkMaxFrameBytes(options.maxFrameBytes);
    if (options.maxHeapMb !== undefined) checkMaxHeapMb(options.maxHeapMb);
    rules.checkOptions(options);
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#maxHeapMb = options.maxHeapMb;
    this.#args = args;
    this.#backend = backend;
    this.#permissions = options.permissions;
    this.#ident = nextChildIdent();
    this.#name = `Process-${this.#ident}`;
    if (name !== undefined) this.name = name;
    this.#daemon = false;
    this.daemon = daemon ?? currentProcess().daemon;
  }

  /** The process name, `Process-N` unless set. */
  get name(): string {
    return this.#name;
  }

  /**
   * Renames the child; the new name reaches the child only if set before
   * `start()`.
   *
   * @param value The new name.
   * @throws {TypeError} When not given a string.
   */
  set name(value: string) {
    if (typeof value !== "string") {
      throw new TypeError(`Expected \`name\` to be a string, got ${describe(value)}`);
    }
    this.#name = value;
  }

  /** Whether this is a daemon child. */
  get daemon(): boolean {
    return this.#daemon;
  }

  /**
   * Makes the child a daemon or not; only before `start()`.
   *
   * @param value Whether the child is a daemon.
   * @throws {StateError} After `start()`.
   * @throws {TypeError} When not given a boolean.
   */
  set daemon(value: boolean) {
    if (this.#state !== "initial") {
      throw new StateError(
        `Cannot set \`daemon\` of process ${this.#name}: it is already started; set it before start()`,
      );
    }
    if (typeof value !== "boolean") {
      throw new TypeError(`Expected \`daemon\` to be a boolean, got ${describe(value)}`);
    }
    this.#daemon = value;
  }

  /** The backend the child runs on. */
  get backend(): Backend {
    return this.#backend;
  }

  /** A unique identity in the process tree: `"1"`, `"2"`, ... (`"1:1"` for a grandchild). */
  get ident(): string {
    return this.#ident;
  }

  /**
   * The child's OS process id once started (a worker shares its parent's),
   * `null` before.
   */
  get pid(): number | null {
    return this.#channel?.pid ?? null;
  }

  /**
   * `null` while the child runs (or before it starts); then `0` after a normal
   * end, `1` after an uncaught error, `n` after `Deno.exit(n)`, and `-N` when
   * signal N stopped it (`-15` after `terminate()`, `-9` after `kill()`).
   */
  get exitcode(): number | null {
    return this.#status === null ? null : exitcodeOf(this.#status);
  }

  /**
   * Starts the child.
   *
   * @throws {StateError} When already started; when called inside a daemon
   * child (daemons may not have children); for a daemon `"worker"` child on a
   * Deno that cannot unref workers; for narrowed worker permissions without
   * `--unstable-worker-options`; in a program's unguarded main code run in a
   * child.
   * @throws {DOMException} `DataCloneError` naming the argument or field that
   * cannot be sent; nothing is started then.
   * @throws {RangeError} When the arguments of a `"subprocess"` child are
   * over its `maxFrameBytes` (the message names the size and the cap); the
   * child is killed before it reads anything.
   * @throws {Deno.errors.NotCapable} When `permissions` asks for more than
   * this process has, or this program lacks a permission the backend needs
   * (the message names the flag).
   */
  start(): void {
    if (this.#state !== "initial") {
      throw new StateError(
        `Process ${this.#name} is already started: a Process starts once; create a new one to run again`,
      );
    }
    const self = currentProcess();
    if (self.daemon) {
      throw new StateError(
        `Process ${self.name} is a daemon and daemons may not start children: make it non-daemon to start ${this.#name}`,
      );
    }
    const found: Found[] = [];
    const args = extractHandles(this.#args, ["args"], found) as unknown[];
    assertCloneable(args, (i) => `Argument ${i} of process ${this.#name}`);
    const subclass = this.#subclassSpec(found);
    const message: RunMessage = {
      t: "run",
      self: { name: this.#name, pid: 0, ident: this.#ident, daemon: this.#daemon },
      parent: self,
      target: this.#target,
      args,
      subclass,
    };
    const channel = spawnChannel({
      backend: this.#backend,
      name: this.#name,
      daemon: this.#daemon,
      permissions: this.#permissions,
      modules: this.#target?.kind === "export" ? [this.#target.module] : [],
      // Handle holders talk to their owners.
      duplex: found.length > 0,
      maxFrameBytes: this.#maxFrameBytes,
      maxHeapMb: this.#maxHeapMb,
    });
    if (found.length > 0) message.hs = shareHandles(found, channel, this.#name);
    try {
      channel.send(message);
    } catch (error) {
      // Over the frame cap, say: the child got nothing and must not linger.
      channel.kill("SIGKILL");
      throw error;
    }
    this.#channel = channel;
    this.#state = "started";
    trackChild(this);
    this.#exited = channel.exited.then((status) => {
      this.#status = status;
      this.#state = "exited";
      untrackChild(this);
    });
  }

  /**
   * Waits for the child to end, or at most `timeout` ms. Resolves either way:
   * check {@linkcode Process.exitcode} or {@linkcode Process.isAlive} after.
   *
   * @param timeout Longest wait in milliseconds; omitted, waits for the end.
   * @returns A promise that resolves when the child has ended or `timeout`
   * has passed, whichever comes first; it never rejects.
   * @throws {StateError} Before `start()`.
   * @throws {RangeError} When `timeout` is negative or not a number.
   */
  join(timeout?: number): Promise<void> {
    if (this.#exited === null) {
      throw new StateError(`Cannot join process ${this.#name}: it has not been started`);
    }
    if (timeout === undefined) return this.#exited;
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      throw new RangeError(
        `Expected \`timeout\` to be a non-negative number of milliseconds, got ${
          describe(timeout)
        }`,
      );
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)));
    return Promise.race([this.#exited, expired]).finally(() => clearTimeout(timer));
  }

  /**
   * Whether the child is running.
   *
   * @returns `true` from `start()` until the child has ended, `false` before
   * `start()` and after the end.
   */
  isAlive(): boolean {
    return this.#state === "started";
  }

  /**
   * Stops the child as SIGTERM does; `exitcode` becomes `-15`. Does nothing
   * once the child has ended.
   *
   * @throws {StateError} Before `start()`.
   */
  terminate(): void {
    this.#stop("SIGTERM");
  }

  /**
   * Stops the child as SIGKILL does; `exitcode` becomes `-9`. Does nothing
   * once the child has ended.
   *
   * @throws {StateError} Before `start()`.
   */
  kill(): void {
    this.#stop("SIGKILL");
  }

  /**
   * The child's body. The default calls `target(...args)`; a subclass
   * overrides it (its methods and own fields are sent to the child as source
   * and data, so they must be self-contained). Called directly, it runs here,
   * in the calling process.
   *
   * @returns Nothing without a target; otherwise a promise that resolves when
   * the target (awaited if async) has returned and rejects with what it threw.
   */
  run(): void | Promise<void> {
    const target = this.#target;
    if (target === null) return;
    return resolveTarget(target).then(async (fn) => {
      await fn(...this.#args);
    });
  }

  #stop(signal: "SIGTERM" | "SIGKILL"): void {
    if (this.#channel === null) {
      throw new StateError(`Cannot stop process ${this.#name}: it has not been started`);
    }
    if (this.#state !== "started") return;
    this.#channel.kill(signal).then((stopped) => {
      if (stopped) return;
      console.error(
        `Process ${this.#name}: its worker thread is running synchronous code, which Deno cannot interrupt, so it did not stop: it runs on until that code yields (it no longer keeps the program alive), and exitcode stays null until then. Use backend: "subprocess" for children that may never yield`,
      );
    });
  }

  #subclassSpec(found: Found[]): SubclassSpec | null {
    if (this.run === Process.prototype.run) return null;
    const methods: string[] = [];
    for (
      let proto = Object.getPrototypeOf(this);
      proto !== null && proto !== Process.prototype;
      proto = Object.getPrototypeOf(proto)
    ) {
      for (const key of Object.getOwnPropertyNames(proto)) {
        if (key === "constructor") continue;
        const d = Object.getOwnPropertyDescriptor(proto, key)!;
        for (const fn of [d.value, d.get, d.set]) {
          if (typeof fn === "function") methods.push(Function.prototype.toString.call(fn));
        }
      }
    }
    let fields: Record<string, unknown> = {};
    for (const key of Object.keys(this)) fields[key] = (this as Record<string, unknown>)[key];
    fields = extractHandles(fields, ["subclass", "fields"], found) as Record<string, unknown>;
    assertCloneable(fields, (key) => `Field "${key}" of process ${this.#name}`);
    return { methods, fields };
  }
}
