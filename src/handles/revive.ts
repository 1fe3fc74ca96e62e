/**
 * The handle-type registry, used on the child side: each shared object type
 * says how a child adopts its descriptor (`defineHandleType`, called by the
 * module that defines the type), and `reviveHandles` puts a live object back
 * wherever the parent's message had one (see `share.ts` for the other way).
 *
 * @module
 */

import type { HandleDescriptor, HandlePlace } from "../protocol.ts";

/** One kind of shared object, as a child adopts it. */
export interface HandleType<D extends HandleDescriptor> {
  readonly kind: D["kind"];
  /**
   * The object this child uses for `d`: made once per link, so a handle sent
   * twice is the same object. It registers itself as shareable (see
   * `share.ts`) so it can be passed on, through `relayOf()`.
   */
  adopt(d: D): object;
}

const types = new Map<string, HandleType<HandleDescriptor>>();

/** Registers how children adopt descriptors of `type.kind`. */
export function defineHandleType<D extends HandleDescriptor>(type: HandleType<D>): void {
  types.set(type.kind, type as unknown as HandleType<HandleDescriptor>);
}

/** Puts revived handles at their places in `message`. */
export function reviveHandles(message: { hs?: HandlePlace[] }): void {
  for (const { at, d } of message.hs ?? []) {
    let parent = message as Record<string | number, unknown>;
    for (let i = 0; i < at.length - 1; i++) {
      parent = parent[at[i]] as Record<string | number, unknown>;
    }
    parent[at[at.length - 1]] = adoptHandle(d);
  }
}

/** The object for `d`, by its type's `adopt`. */
function adoptHandle(d: HandleDescriptor): object {
  const type = types.get(d.kind);
  if (type === undefined) {
    throw new TypeError(`No handle type "${d.kind}" is loaded in this child`);
  }
  return type.adopt(d);
}

const made = new Map<string, object>();

/** `make()` once per `key` in this child (a handle sent again is the same object). */
export function once(key: string, make: () => object): object {
  let object = made.get(key);
  if (object === undefined) made.set(key, object = make());
  return object;
}
