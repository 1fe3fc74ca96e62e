/**
 * Synchronisation and shared state between processes: locks, semaphores,
 * events, conditions, barriers and shared numbers (see `sync/`).
 *
 * @module
 */

// How a child adopts any of them (the handle-type registry, see handles/revive.ts).
import "./sync/_adopt.ts";

export { Barrier } from "./sync/barrier.ts";
export { Condition } from "./sync/condition.ts";
export { Event } from "./sync/event.ts";
export { Lock, RLock } from "./sync/lock.ts";
export { BoundedSemaphore, Semaphore } from "./sync/semaphore.ts";
export { SharedArray, type SharedOptions, Value } from "./sync/shared.ts";
export type { BigIntCode, ElementOf, NumberCode, Typecode } from "./sync/_typecodes.ts";
