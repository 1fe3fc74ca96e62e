/**
 * The one way a handle (a `Queue`, `SimpleQueue`, `JoinableQueue` or
 * `Connection`) crosses into a child: before a message is sent, the values
 * it carries are searched for handles; each is replaced by `null` and listed
 * with its path; once the child's channel exists each is turned into a
 * descriptor with link ids on that channel (see `links.ts`). The child puts a
 * revived handle back at each path (see `revive.ts`).
 *
 * @module
 */

import { markShareable } from "../_shareable.ts";
import type { HandleDescriptor, HandlePlace } from "../protocol.ts";
import type { Channel } from "../transport/channel.ts";
import { LinkTable } from "./links.ts";

/** What a shareable object does when it crosses into a child. */
export interface ShareHooks {
  /**
   * Throws if the object cannot be sent now (a moved or closed connection, a
   * handle this process only holds); no side effect.
   */
  check(): void;
  /** Opens links on `links` and describes the object; a connection is moved here. */
  share(links: LinkTable, holder: string): HandleDescriptor;
}

const hooks = new WeakMap<object, ShareHooks>();
let registered = 0;

/** Marks `object` as a handle. */
export function registerShareable(object: object, share: ShareHooks): void {
  hooks.set(object, share);
  markShareable(object);
  registered++;
}

/** A handle found in outgoing values, and where. */
export interface Found {
  at: (string | number)[];
  handle: object;
}

const MAX_DEPTH = 32;

/**
 * Replaces the handles inside `value` by `null`, listing each in `found`
 * with its path (`at` prefixed). Containers on the way are copied; the
 * caller's values are never changed. Costs nothing until a handle has ever
 * been created in this process.
 *
 * @throws Whatever a handle's `check()` throws (e.g. a moved connection).
 */
export function extractHandles(value: unknown, at: (string | number)[], found: Found[]): unknown {
  if (registered === 0) return value;
  return walk(value, at, found, 0);
}

function walk(value: unknown, at: (string | number)[], found: Found[], depth: number): unknown {
  if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return value;
  const share = hooks.get(value);
  if (share !== undefined) {
    share.check();
    found.push({ at: [...at], handle: value });
    return null;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item !== "object" || item === null) continue;
      at.push(i);
      const replaced = walk(item, at, found, depth + 1);
      at.pop();
      if (replaced !== item) (copy ??= value.slice())[i] = replaced;
    }
    return copy ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item !== "object" || item === null) continue;
    at.push(key);
    const replaced = walk(item, at, found, depth + 1);
    at.pop();
    if (replaced !== item) (copy ??= { ...value })[key] = replaced;
  }
  return copy ?? value;
}

/**
 * Turns the handles `found` for a message into descriptors on `channel`,
 * where the child `holder` reads them.
 */
export function shareHandles(found: Found[], channel: Channel, holder: string): HandlePlace[] {
  const links = LinkTable.of(channel, holder);
  const done = new Map<object, HandleDescriptor>();
  return found.map(({ at, handle }) => {
    let d = done.get(handle);
    if (d === undefined) {
      d = hooks.get(handle)!.share(links, holder);
      done.set(handle, d);
    }
    return { at, d };
  });
}
