/**
 * Which objects are handles (queues, pipes, sync objects, proxies): kept
 * below every layer that checks outgoing values, so those checks can let a
 * handle through while refusing other class instances. `handles/share.ts`
 * marks each handle as it registers it.
 *
 * @module
 */

const marked = new WeakSet<object>();

/** Marks `object` as a handle. */
export function markShareable(object: object): void {
  marked.add(object);
}

/** Whether `value` is a handle. */
export function isShareable(value: object): boolean {
  return marked.has(value);
}
