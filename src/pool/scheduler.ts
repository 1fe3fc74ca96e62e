/**
 * The scheduler owns a pool's slots and its calls in flight: it hands ready
 * chunks to idle slots in call order, and turns what slots report — results,
 * failures, timeouts, deaths — into outcomes for the calls, replacing slots
 * as needed. Every death reaches one place, `exit`.
 *
 * @module
 */

import { findUncloneable } from "../clone.ts";
import { FrameTooLargeError } from "../codec.ts";
import { CancelledError, StateError, WorkerCrashedError } from "../errors.ts";
import type { ExitStatus } from "../transport/channel.ts";
import type { Chunk, Job, JobHost } from "./job.ts";
import { ReadyJobs } from "./_ready.ts";
import { createSlot, type Slot, type SlotConfig, type SlotEvents } from "./slot.ts";

/**
 * `Pool.stats()`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * await using pool = new mp.Pool(2);
 * await pool.map((x: number) => x, [1, 2, 3]);
 * const stats: mp.PoolStats = pool.stats();
 * console.log(stats.completed, stats.crashed); // 3 0
 * ```
 */
export interface PoolStats {
  /** Workers the pool keeps. */
  processes: number;
  /** Workers running a task now. */
  busy: number;
  /** Workers ready and waiting. */
  idle: number;
  /** Items waiting for a worker. */
  queued: number;
  /** Items completed successfully. */
  completed: number;
  /** Items that threw. */
  failed: number;
  /** Workers that died while running a task. */
  crashed: number;
  /** Items stopped for running past their timeout. */
  timedOut: number;
}

type State = "run" | "close" | "terminate";

/** Runs a pool's calls on its slots. */
export class Scheduler implements JobHost, SlotEvents {
  readonly processes: number;
  #config: SlotConfig;
  #maxTasks: number | undefined;
  #slots = new Set<Slot>();
  /** Calls not yet finished, in call order. */
  #jobs = new Set<Job>();
  #ready = new ReadyJobs();
  #state: State = "run";
  #spawnBlocked = false;
  #initError: WeakMap<Slot, unknown> = new WeakMap();
  #everReady = new WeakSet<Slot>();
  #stats = { completed: 0, failed: 0, crashed: 0, timedOut: 0 };
  #joined = Promise.withResolvers<void>();
  #kicking = false;
  #kickAgain = false;

  /**
   * Starts `processes` slots.
   *
   * @param processes How many slots to keep.
   * @param config How to make each.
   * @param maxTasks Replace a slot after this many tasks.
   */
  constructor(processes: number, config: SlotConfig, maxTasks: number | undefined) {
    this.processes = processes;
    this.#config = config;
    this.#maxTasks = maxTasks;
    this.#fill();
    this.#updateRefs();
  }

  /** Whether new calls are accepted. */
  get running(): boolean {
    return this.#state === "run";
  }

  /** Resolves once every slot has exited after `close()` or `terminate()`. */
  get joined(): Promise<void> {
    return this.#joined.promise;
  }

  /** Accepts a call. */
  submit(job: Job): void {
    this.#jobs.add(job);
    this.#spawnBlocked = false;
    job.start(); // pulls the first chunks, which calls jobReady()
    if (!job.hasReady()) this.kick();
  }

  jobReady(job: Job): void {
    this.#ready.add(job);
    this.kick();
  }

  release(job: Job): void {
    this.#jobs.delete(job);
  }

  /**
   * Dispatches ready chunks to idle slots; retires slots once closed and done.
   * Jobs call it back while it runs (taking a chunk pulls more input), so a
   * nested call only asks the running one to go round again.
   */
  kick(): void {
    if (this.#kicking) {
      this.#kickAgain = true;
      return;
    }
    this.#kicking = true;
    try {
      do {
        this.#kickAgain = false;
        this.#kickOnce();
      } while (this.#kickAgain);
    } finally {
      this.#kicking = false;
    }
  }

  #kickOnce(): void {
    if (this.#state === "terminate") return this.#checkJoined();
    this.#fill();
    for (const slot of this.#slots) {
      if (slot.state !== "idle") continue;
      const job = this.#nextJob();
      if (job === undefined) break;
      this.#dispatch(slot, job.take());
    }
    // A call paused by back-pressure counts as idle here: should its consumer
    // come back after the workers exited, #fill() starts new ones for it.
    if (this.#state === "close" && !this.#hasWork()) {
      for (const slot of this.#slots) {
        if (slot.state === "idle" || slot.state === "starting") slot.stop();
      }
    }
    this.#updateRefs();
    this.#checkJoined();
  }

  /** Stops the slots running `job`'s chunks. */
  cancelRunning(job: Job): void {
    for (const slot of this.#slots) {
      if (slot.chunk?.job === job) {
        slot.chunk = null;
        slot.kill();
      }
    }
  }

  /** Stops accepting calls; workers exit once the calls in flight are done. */
  close(): void {
    if (this.#state === "run") this.#state = "close";
    this.kick();
  }

  /** Stops every worker now; unfinished calls reject with `CancelledError`. */
  terminate(): void {
    if (this.#state === "terminate") return;
    this.#state = "terminate";
    const error = new CancelledError(
      "Pool was terminated before this call finished; use close() and join() to let calls finish",
    );
    for (const job of this.#jobs) job.abort(error);
    this.#jobs.clear();
    for (const slot of this.#slots) slot.kill();
    this.#checkJoined();
  }

  /** Counts of work and workers. */
  stats(): PoolStats {
    let busy = 0;
    let idle = 0;
    for (const slot of this.#slots) {
      if (slot.state === "busy") busy++;
      else if (slot.state === "idle") idle++;
    }
    let queued = 0;
    for (const job of this.#jobs) queued += job.queued;
    return { processes: this.processes, busy, idle, queued, ...this.#stats };
  }

  ready(slot: Slot): void {
    this.#everReady.add(slot);
    this.kick();
  }

  item(slot: Slot, value: unknown): void {
    const chunk = slot.chunk!;
    this.#stats.completed++;
    chunk.job.itemDone(chunk, value);
  }

  done(slot: Slot, results: ArrayLike<unknown>): void {
    const chunk = this.#release(slot);
    this.#stats.completed += results.length;
    chunk?.job.chunkDone(chunk, results);
    this.kick();
  }

  fail(slot: Slot, index: number, error: unknown, results: ArrayLike<unknown>): void {
    const chunk = this.#release(slot);
    this.#stats.completed += results.length;
    this.#stats.failed++;
    chunk?.job.chunkFailed(chunk, index, error, results);
    this.kick();
  }

  timeout(slot: Slot): void {
    const chunk = slot.chunk;
    if (chunk === null) return;
    slot.chunk = null;
    this.#stats.timedOut++;
    // The error says whether the worker really stopped, so it waits for that.
    slot.kill(true).then((stopped) => {
      chunk.job.chunkTimedOut(chunk, chunk.job.spec.timeout!, stopped);
      this.kick();
    });
  }

  initFailed(slot: Slot, error: unknown): void {
    this.#initError.set(slot, error);
  }

  exit(slot: Slot, status: ExitStatus): void {
    this.#slots.delete(slot);
    const chunk = slot.chunk;
    slot.chunk = null;
    const how = this.#how(slot, status);
    if (chunk !== null) {
      this.#stats.crashed++;
      chunk.job.chunkCrashed(
        chunk,
        new WorkerCrashedError(
          `${slot.name} ${how} while running task ${
            chunk.start + chunk.done
          }; it was replaced and the pool goes on`,
          { exitCode: status.code, signal: status.signal },
          slot.fault === null ? undefined : { cause: slot.fault },
        ),
      );
    } else if (!this.#everReady.has(slot) && this.#state === "run") {
      this.#startFailed(slot, status, how);
    }
    this.kick();
  }

  /*
   * How a slot ended, with the likely reason when the pool knows it: the
   * parent killed it for breaking the protocol, or (a V8 fatal error ends a
   * process with SIGTRAP) it ran past its `maxHeapMb`.
   */
  #how(slot: Slot, status: ExitStatus): string {
    if (slot.fault !== null) {
      const why = (slot.fault.cause as Error | undefined)?.message ?? slot.fault.message;
      return `was killed for breaking the frame protocol (${why})`;
    }
    if (status.signal === null) return `exited with code ${status.code}`;
    const oom = status.signal === "SIGTRAP" && this.#config.maxHeapMb !== undefined
      ? ` (most likely out of memory: its heap is capped at maxHeapMb ${this.#config.maxHeapMb} MiB)`
      : "";
    return `was killed by ${status.signal}${oom}`;
  }

  /*
   * A worker that dies before it is ready (its initializer threw, say) would
   * die again if replaced at once. While no worker is ready, the queued calls
   * fail with the reason instead of waiting forever, and no replacement is
   * started until a new call arrives.
   */
  #startFailed(slot: Slot, status: ExitStatus, how: string): void {
    const cause = this.#initError.get(slot);
    const reason = cause === undefined
      ? `${slot.name} ${how} before it was ready`
      : `the pool's initializer threw in ${slot.name}: ${
        String((cause as Error)?.message ?? cause)
      }`;
    const error = new WorkerCrashedError(
      `Pool worker could not start: ${reason}`,
      { exitCode: status.code, signal: status.signal },
      cause === undefined ? undefined : { cause },
    );
    for (const other of this.#slots) if (this.#everReady.has(other)) return;
    this.#spawnBlocked = true;
    for (const job of this.#jobs) if (job.hasReady()) job.abort(error);
  }

  #dispatch(slot: Slot, chunk: Chunk): void {
    try {
      slot.run(chunk);
    } catch (error) {
      // A handle that cannot be sent (a Connection already moved elsewhere),
      // or a chunk over a subprocess channel's frame cap: nothing was sent.
      if (error instanceof StateError || error instanceof FrameTooLargeError) {
        return chunk.job.abort(error);
      }
      if ((error as Error)?.name !== "DataCloneError") throw error;
      const bad = findUncloneable(chunk.items);
      chunk.job.abort(
        new DOMException(
          `Item ${
            chunk.start + Math.max(bad.index, 0)
          } of the call cannot be sent to a pool worker: ${bad.reason}. Nothing of it was sent; pass structured-cloneable data`,
          "DataCloneError",
        ),
      );
    }
  }

  #release(slot: Slot): Chunk | null {
    const chunk = slot.chunk;
    slot.chunk = null;
    if (this.#maxTasks !== undefined && slot.tasks >= this.#maxTasks) slot.stop();
    return chunk;
  }

  #nextJob(): Job | undefined {
    return this.#ready.peek();
  }

  #hasReady(): boolean {
    return this.#nextJob() !== undefined;
  }

  #hasWork(): boolean {
    for (const slot of this.#slots) if (slot.chunk !== null) return true;
    return this.#hasReady();
  }

  /** Keeps `processes` live slots while the pool runs (or has work left). */
  #fill(): void {
    if (this.#state === "terminate" || this.#spawnBlocked) return;
    if (this.#state === "close" && !this.#hasReady()) return;
    let live = 0;
    for (const slot of this.#slots) if (slot.state !== "stopping" && slot.state !== "dead") live++;
    for (; live < this.processes; live++) {
      const slot = createSlot(this.#config, this);
      this.#slots.add(slot);
    }
  }

  /**
   * Children keep the program alive only while they run a task, while work
   * waits for them, or while the pool shuts down (so an awaited `join()`
   * sees them exit); an idle pool never holds the program open.
   */
  #updateRefs(): void {
    const all = this.#state !== "run" || this.#hasReady();
    for (const slot of this.#slots) slot.ref(all || slot.chunk !== null);
  }

  #checkJoined(): void {
    if (this.#state !== "run" && this.#slots.size === 0) this.#joined.resolve();
  }
}
