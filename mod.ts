/**
 * `@mp/multiprocessing`: Python's `multiprocessing`, made natively for Deno.
 *
 * Run functions in parallel children — Web Workers in this process or
 * `deno run` subprocesses — with Python's names in TypeScript's camelCase,
 * typed from end to end.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * if (import.meta.main) {
 *   const p = new mp.Process({ target: (n: number) => console.log(n * 2), args: [21] });
 *   p.start();
 *   await p.join();
 *   console.log(p.exitcode); // 0
 * }
 * ```
 *
 * @module
 */

// First: in a program started as its own child, this becomes the child.
import "./src/child/bootstrap.ts";
// Static, so the child entries are in the module graph wherever this library
// is installed (`deno cache`, `--cached-only`, JSR); each starts a child only
// as the main module of a worker or of `deno run`.
import "./src/child/worker_entry.ts";
import "./src/child/subprocess_entry.ts";

export {
  BrokenBarrierError,
  CancelledError,
  type CrashInfo,
  EmptyError,
  EOFError,
  FullError,
  ProtocolError,
  StateError,
  TaskTimeoutError,
  TimeoutError,
  ValueError,
  WorkerCrashedError,
} from "./src/errors.ts";
export { activeChildren, cpuCount, currentProcess, isMain, parentProcess } from "./src/context.ts";
export type { ProcessInfo } from "./src/protocol.ts";
export { Process, type ProcessOptions } from "./src/process.ts";
export {
  getAllStartMethods,
  getContext,
  getStartMethod,
  setStartMethod,
  type StartContext,
  type StartMethod,
} from "./src/start_method.ts";
export { Pool } from "./src/pool.ts";
export { AsyncResult } from "./src/pool/async_result.ts";
export { ThreadPool, type ThreadPoolOptions } from "./src/pool/thread_pool.ts";
export type {
  CallOptions,
  Items,
  MapOptions,
  PoolBackend,
  PoolOptions,
  Progress,
  ResultCallbacks,
  ResultIterator,
} from "./src/pool/options.ts";
export type { PoolStats } from "./src/pool/scheduler.ts";
export type { Backend } from "./src/spawn.ts";
export type { Permissions } from "./src/permissions.ts";
export {
  type AnyFunction,
  type ArgsOf,
  type ResultOf,
  type Target,
  type TargetArgs,
  type TargetResult,
  type TaskRef,
  tasks,
} from "./src/target.ts";
export { JoinableQueue, Queue, type QueueOptions } from "./src/queue.ts";
export { SimpleQueue } from "./src/simple_queue.ts";
export { Connection } from "./src/connection.ts";
export { Pipe, type PipeOptions } from "./src/pipe.ts";
export type { WaitOptions } from "./src/ipc/options.ts";
export {
  asCompleted,
  type ExecutorMapOptions,
  type ExecutorOptions,
  ProcessPoolExecutor,
  type ShutdownOptions,
  ThreadPoolExecutor,
} from "./src/executor.ts";
export { Future } from "./src/executor/future.ts";
export {
  ALL_COMPLETED,
  type DoneAndNotDone,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type FuturesWaitOptions,
  type ReturnWhen,
  wait,
} from "./src/executor/wait.ts";
export { DictProxy, ListProxy, Manager, type ManagerKey } from "./src/manager.ts";
export {
  Barrier,
  type BigIntCode,
  BoundedSemaphore,
  Condition,
  type ElementOf,
  Event,
  Lock,
  type NumberCode,
  RLock,
  Semaphore,
  SharedArray,
  type SharedOptions,
  type Typecode,
  Value,
} from "./src/sync.ts";
