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

/** Who a process is, as `currentProcess()` and `parentProcess()` report it. */
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
}

/** Parent → child: call a target and answer with `result` or `error`. */
export interface CallMessage {
  t: "call";
  /** Correlates the answer with this call. */
  id: number;
  target: TargetSpec;
  args: unknown[];
}

/** Every message a parent sends to a child. */
export type ParentMessage = RunMessage | CallMessage;

/** Child → parent: the child is about to end with this exit code. */
export interface ExitMessage {
  t: "exit";
  code: number;
}

/** Child → parent: a call returned (or its promise fulfilled) with `value`. */
export interface ResultMessage {
  t: "result";
  id: number;
  value: unknown;
}

/** Child → parent: a call threw (or its promise rejected). */
export interface ErrorMessage {
  t: "error";
  id: number;
  error: SerializedError;
}

/** Every message a child sends to its parent. */
export type ChildMessage = ExitMessage | ResultMessage | ErrorMessage;
