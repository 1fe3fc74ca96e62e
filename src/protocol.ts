/**
 * The wire protocol between a parent and its children: every message either
 * side can send, as typed discriminated unions on `t`. Both transports (Web
 * Worker `postMessage` and subprocess frames) carry exactly these shapes;
 * nothing else in the library defines a message.
 *
 * @module
 */

/** An error flattened to structured-clone- and JSON-safe data. */
export interface SerializedError {
  /** The error's `name`. */
  name: string;
  /** The error's `message`. */
  message: string;
  /** The stack as printed in the child, if any. */
  stack?: string;
  /** The serialized `cause`, if the error had one. */
  cause?: { error: SerializedError } | { value: unknown };
  /** Own enumerable fields such as `code` or `exitCode`. */
  fields?: Record<string, unknown>;
  /** Errors of an `AggregateError`. */
  errors?: SerializedError[];
}

/**
 * Who a process is, as `currentProcess()` and `parentProcess()` report it.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const me: mp.ProcessInfo = mp.currentProcess();
 * console.log(me.name, me.ident); // "MainProcess" "main"
 * ```
 */
export interface ProcessInfo {
  /** Human-readable name, `"MainProcess"` for the main program. */
  name: string;
  /** OS process id; a worker shares its parent's. */
  pid: number;
  /** Unique identity in the process tree: `"main"`, `"1"`, `"1:2"`, ... */
  ident: string;
  /** Whether the process is a daemon (ended with its parent, childless). */
  daemon: boolean;
}

/** A target as it travels: function source text or a module export. */
export type TargetSpec =
  | { kind: "source"; source: string }
  | { kind: "export"; module: string; name: string };

/** A `Process` subclass as it travels: its methods as source, its own fields. */
export interface SubclassSpec {
  /** Source text of each method, getter and setter, most derived class first. */
  methods: string[];
  /** The instance's own enumerable fields. */
  fields: Record<string, unknown>;
}

/**
 * Where a shareable handle (Queue, Connection) sits inside a message: `at` is
 * the path of keys from the message itself (`["args", 0]`,
 * `["items", 3, "queue"]`); the value there travels as `null` and the child
 * puts the revived handle back in its place.
 */
export interface HandlePlace {
  at: (string | number)[];
  d: HandleDescriptor;
}

/**
 * A handle as it travels. `k` numbers are link ids on this child's channel:
 * the child talks to the handle's owner by sending `h` messages with them.
 */
export type HandleDescriptor =
  | {
    kind: "queue";
    k: number;
    maxsize: number;
    /** `"joinable"` for a JoinableQueue. */
    flavor: "queue" | "joinable";
  }
  | {
    kind: "simple";
    k: number;
  }
  | {
    kind: "conn";
    /** Link this end reads from, or `null` for a send-only end. */
    r: number | null;
    /** Link this end writes to, or `null` for a receive-only end. */
    w: number | null;
  }
  | SyncDescriptor
  | {
    kind: "managed";
    /** Link to the owner's store. */
    k: number;
    type: "dict" | "list";
  };

/** Which synchronisation or shared-memory object a `SyncDescriptor` carries. */
export type SyncType =
  | "lock"
  | "rlock"
  | "semaphore"
  | "event"
  | "condition"
  | "barrier"
  | "value"
  | "array";

/**
 * A lock, semaphore, event, condition, barrier or shared value as it travels.
 * Its state is a `SharedArrayBuffer` in the owner: a holder that shares the
 * owner's memory (a worker) gets the buffer itself; any other holder (a
 * subprocess) gets a copy to read from and asks the owner, on link `k`, to
 * do every change and every wait for it.
 */
export interface SyncDescriptor {
  kind: "sync";
  type: SyncType;
  /** Link to the owner; the owner also learns from it when the holder ends. */
  k: number;
  /**
   * The holder's identity in lock words, for a holder on the memory itself
   * (never 0, unique per owner); 0 for one that asks the owner, which then
   * acts under an identity it keeps.
   */
  id: number;
  /** The state itself, for a holder that shares the owner's memory. */
  sab?: SharedArrayBuffer;
  /**
   * With `sab`: the owner's counter of holder identities, so a holder that
   * passes the object on to a child of its own in the same memory gives it an
   * identity no other holder has.
   */
  ids?: SharedArrayBuffer;
  /** Otherwise a copy of the state as it was when sent. */
  copy?: Uint8Array;
  /** A semaphore's bound (0: unbounded) or a barrier's parties. */
  n?: number;
  /** A `Value`'s or `SharedArray`'s typecode. */
  code?: string;
  /** The lock of a `Condition`, `Value` or `SharedArray`, if it has one. */
  lock?: SyncDescriptor;
}

/**
 * A holder's request to a handle's owner (the process that created it).
 *
 * Waits are timed by the owner, which answers every request with an `id`
 * exactly once, so a holder never waits on a reply that cannot come.
 * `a` acknowledges how many received items the holder has consumed.
 */
export type HolderRequest =
  /** Unbounded puts, coalesced; `b` lists the indexes of `sendBytes` payloads. */
  | { op: "f"; items: unknown[]; b?: number[]; a?: number; d?: number }
  /** One put into a bounded queue: admitted now, within `wait` ms (-1: no limit), or refused. */
  | { op: "p"; id: number; item: unknown; bytes?: boolean; wait: number }
  /** Up to `n` items, waiting at most `wait` ms (-1: no limit) for the first. */
  | { op: "w"; id: number; n: number; wait: number; a?: number; d?: number }
  /** Abandon request `id` (its signal fired); the owner still answers it. */
  | { op: "x"; id: number }
  /**
   * Consumed-count acknowledgement alone. On this and on `f`, `w` and `c`,
   * `d` counts `taskDone()` calls for items this holder took itself (so
   * surely unfinished): they need no answer.
   */
  | { op: "a"; a?: number; d?: number }
  /** `taskDone()` `n` times, answered: more than this holder took itself. */
  | { op: "td"; id: number; n: number }
  /** Answer once every item put so far is done, or after `wait` ms. */
  | { op: "j"; id: number; wait: number }
  /** The number of items not yet taken. */
  | { op: "s"; id: number }
  /** The holder closes: what it received and did not acknowledge goes back. */
  | { op: "c"; a?: number; d?: number }
  /** The holder passed its end on: what it received and did not acknowledge goes back; it stays a holder. */
  | { op: "b" };

/**
 * A subprocess holder's request to the owner of a lock, semaphore, event,
 * condition, barrier or shared value. Waits are done, and timed, by the
 * owner, which answers every request with an `id` exactly once.
 */
export type SyncRequest =
  /** Acquire a lock or semaphore within `wait` ms (-1: no limit). */
  | { op: "acq"; id: number; wait: number }
  /** Release a lock or semaphore once. */
  | { op: "rel" }
  /** Wait for an event to be set, for a condition's notify, or at a barrier. */
  | { op: "wait"; id: number; wait: number }
  /** Notify `n` condition waiters (-1: all). */
  | { op: "notify"; n: number }
  /** Break (`abort`) or reset a barrier. */
  | { op: "abort" }
  | { op: "reset" }
  /** Write element `i` of a shared value or array (an event's flag: 1 set, 0 clear). */
  | { op: "put"; i: number; v: number | bigint }
  /** Abandon request `id` (its signal fired); the owner still answers it. */
  | { op: "x"; id: number }
  /** Send the state (an `m` message): the holder's copy is getting old. */
  | { op: "look" }
  /** The holder is gone (a relaying child says so for its own child). */
  | { op: "c" };

/** An owner's answer to a `SyncRequest`, or news of the state. */
export type SyncReply =
  /** Request `id` succeeded; `value` is a barrier index or an event's state. */
  | { op: "ok"; id: number; value?: number }
  /** Request `id` failed. */
  | {
    op: "no";
    id: number;
    why: "timeout" | "aborted" | "broken" | "error";
    error?: SerializedError;
  }
  /** The state now, with `n` of this holder's `put`s applied. */
  | { op: "m"; b: Uint8Array; n: number };

/** A proxy's call to the owner of a `Manager` dict or list. */
export type ManagerRequest =
  /** A call whose result the holder awaits. */
  | { op: "call"; id: number; method: string; args: unknown[] }
  /** A write whose result is nothing: sent in order, not awaited. */
  | { op: "send"; method: string; args: unknown[] }
  /** The holder is gone (a relaying child says so for its own child). */
  | { op: "c" };

/** The owner's answer to a `ManagerRequest` call. */
export type ManagerReply =
  | { op: "ok"; id: number; value: unknown }
  | { op: "no"; id: number; error: SerializedError };

/** Any request a holder sends on a link. */
export type AnyRequest = HolderRequest | SyncRequest | ManagerRequest;

/** Any message an owner sends on a link. */
export type AnyReply = OwnerReply | SyncReply | ManagerReply;

/** An owner's answer to a holder's request. */
export type OwnerReply =
  /** Items for want `id`; `b` lists the indexes of `sendBytes` payloads. */
  | { op: "i"; id: number; items: unknown[]; b?: number[] }
  /** Request `id` succeeded, with a value for `s`. */
  | { op: "ok"; id: number; value?: number }
  /** Request `id` failed: `empty`, `full`, `eof`, `timeout`, `aborted`, or a thrown error. */
  | {
    op: "no";
    id: number;
    why: "empty" | "full" | "eof" | "timeout" | "aborted" | "closed" | "error";
    error?: SerializedError;
  };

/** Parent ↔ child: a message between a handle's holder and its owner, on link `k`. */
export interface HandleMessage<M> {
  t: "h";
  k: number;
  m: M;
}

/** Parent → child: run a `Process` body, then exit. */
export interface RunMessage {
  t: "run";
  /** The child's own identity (its `pid` is filled in by the child). */
  self: ProcessInfo;
  /** The identity of the process that started it. */
  parent: ProcessInfo;
  /** What to run, or `null` for a subclass whose `run()` does it. */
  target: TargetSpec | null;
  /** Arguments for the target. */
  args: unknown[];
  /** Set when a `Process` subclass overrides `run()`. */
  subclass: SubclassSpec | null;
  /** Handles inside `args` or `subclass.fields`. */
  hs?: HandlePlace[];
}

/** Parent → child: become a pool worker; run the initializer before any task. */
export interface InitMessage {
  t: "init";
  self: ProcessInfo;
  parent: ProcessInfo;
  initializer: TargetSpec | null;
  initargs: unknown[];
  /** Handles inside `initargs`. */
  hs?: HandlePlace[];
}

/**
 * Parent → child: run a target over a chunk of items, in order.
 *
 * Items are a `Float64Array` when every one is a number (a transfer instead
 * of a clone), otherwise an array; with `star`, each item is an argument list.
 */
export interface TaskMessage {
  t: "task";
  /** Correlates the answers with this task. */
  id: number;
  /** Identifies the target on this child; `target` is sent with its first use only. */
  fn: number;
  target?: TargetSpec;
  items: unknown[] | Float64Array;
  star: boolean;
  /** Answer each item with an `item` message as it completes (for per-item timeouts). */
  stream: boolean;
  /** Handles inside `items`. */
  hs?: HandlePlace[];
}

/**
 * Parent → child: call a target once (a pool `apply`): a `task` trimmed to
 * what one call needs, since its cloning is most of an apply's cost.
 */
export interface CallMessage {
  t: "call";
  id: number;
  /** As in `TaskMessage`. */
  fn: number;
  target?: TargetSpec;
  args: unknown[];
  /** Handles inside `args`. */
  hs?: HandlePlace[];
}

/** Parent → child: finish and exit with code 0. */
export interface StopMessage {
  t: "stop";
}

/** Every message a parent sends to a child. */
export type ParentMessage =
  | RunMessage
  | InitMessage
  | TaskMessage
  | CallMessage
  | StopMessage
  | HandleMessage<AnyReply>;

/** Child → parent: the child is about to end with this exit code. */
export interface ExitMessage {
  t: "exit";
  code: number;
}

/**
 * Worker child → its transport, first of all (Linux, where the child may read
 * `/proc`): the OS thread it runs on, so the parent can tell whether it really
 * stopped when told to (Deno cannot interrupt a worker in synchronous code).
 * The transport keeps it; it is not a `ChildMessage`.
 */
export interface ThreadMessage {
  t: "thread";
  tid: number;
}

/**
 * Parent → worker child, first of all: the counter its posts take their
 * numbers from (see `transport/order.ts`). The transport keeps it; it is not
 * a `ParentMessage`.
 */
export interface OrderMessage {
  t: "order";
  counter: SharedArrayBuffer;
}

/**
 * Worker child → parent: number `n` was taken for a post that failed; the
 * parent stops waiting for it. Every post a worker child makes after the
 * `order` message carries its number as `n`.
 */
export interface SkipMessage {
  t: "skip";
  n: number;
}

/** Child → parent: the pool worker is initialized and takes tasks. */
export interface ReadyMessage {
  t: "ready";
}

/** Child → parent: the pool initializer threw; the child exits next. */
export interface InitFailedMessage {
  t: "initFailed";
  error: SerializedError;
}

/** Child → parent: one item of a streaming task completed with `value`. */
export interface ItemMessage {
  t: "item";
  id: number;
  value: unknown;
}

/** Child → parent: a task completed; `results` holds those not already streamed. */
export interface DoneMessage {
  t: "done";
  id: number;
  results: unknown[] | Float64Array;
}

/** Child → parent: a `call` returned `value` (a failed call answers `fail`). */
export interface ValueMessage {
  t: "value";
  id: number;
  value: unknown;
}

/**
 * Child → parent: item `index` of a task failed and the rest were skipped;
 * `results` holds the earlier items' values not already streamed.
 */
export interface FailMessage {
  t: "fail";
  id: number;
  index: number;
  error: SerializedError;
  results: unknown[] | Float64Array;
}

/**
 * Child → parent: a handle this child holds on link `of` was passed to a
 * child of its own. Open link `k` (negative: the child numbers these) to the
 * same owner, for that grandchild: its requests come on `k`, relayed as they
 * are, and a `c` on `k` says it is gone. `g` tells the relaying child's
 * children apart (one identity per grandchild for every object it holds);
 * `mem` says whether the grandchild shares the owner's memory, and `me` is
 * the holder identity it was given there (sync objects only).
 */
export interface DupMessage {
  t: "hd";
  k: number;
  of: number;
  g: number;
  mem: boolean;
  me?: number;
}

/**
 * Worker ⇄ parent, either way: handle messages (`h`, `hd`) sent in one turn,
 * posted as one (see `transport/batch.ts`); delivered in order.
 */
export interface BatchMessage<M> {
  t: "batch";
  ms: M[];
}

/** Every message a child sends to its parent. */
export type ChildMessage =
  | DupMessage
  | ExitMessage
  | ReadyMessage
  | InitFailedMessage
  | ItemMessage
  | DoneMessage
  | ValueMessage
  | FailMessage
  | HandleMessage<AnyRequest>;
