/**
 * Synchronisation and shared state between processes: locks, semaphores,
 * events, conditions, barriers and shared numbers (see `sync/`).
 *
 * @module
 */

export { Barrier } from "./sync/barrier.ts";
export { Condition } from "./sync/condition.ts";
export { Event } from "./sync/event.ts";
export { Lock, RLock } from "./sync/lock.ts";
export { BoundedSemaphore, Semaphore } from "./sync/semaphore.ts";
export { SharedArray, type SharedOptions, Value } from "./sync/shared.ts";
export type { BigIntCode, ElementOf, NumberCode, Typecode } from "./sync/_typecodes.ts";
