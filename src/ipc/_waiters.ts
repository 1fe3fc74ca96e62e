/**
 * Who waits on a broker — local callers and holders' requests — and the one
 * way a wait is bounded: its time, its signal, or being served.
 *
 * @module
 */

import type { Link } from "../handles/links.ts";

export type Settle<T> = { resolve: (value: T) => void; reject: (error: unknown) => void };

export interface Waiting {
  timer?: ReturnType<typeof setTimeout>;
  /** Undoes the signal listener. */
  unlisten?: () => void;
}

export interface LocalGetter extends Waiting, Settle<unknown> {
  kind: "local";
  /** Only waits for an item (poll), takes nothing. */
  peek: boolean;
  /** Returns an error to refuse the head item (it then stays). */
  accept?: (item: unknown) => Error | null;
}

export interface LinkGetter extends Waiting {
  kind: "link";
  link: Link;
  id: number;
  n: number;
}

export type Getter = LocalGetter | LinkGetter;

export type Putter =
  & Waiting
  & { item: unknown }
  & ({ kind: "local" } & Settle<void> | { kind: "link"; link: Link; id: number });

export type Joiner =
  & Waiting
  & ({ kind: "local" } & Settle<void> | { kind: "link"; link: Link; id: number });

/** Adds `waiter` to `list` until it is taken off, its time (`wait` ms, -1: none) is up, or `signal` aborts. */
export function enlist<W extends Waiting>(
  waiter: W,
  list: W[],
  wait: number,
  signal: AbortSignal | undefined,
  expire: () => void,
): void {
  const remove = () => {
    const i = list.indexOf(waiter);
    if (i < 0) return false;
    list.splice(i, 1);
    clear(waiter);
    return true;
  };
  if (wait > 0) {
    waiter.timer = setTimeout(() => {
      if (remove()) expire();
    }, wait);
  }
  if (signal !== undefined) {
    const onAbort = () => {
      if (remove()) (waiter as unknown as Settle<unknown>).reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    waiter.unlisten = () => signal.removeEventListener("abort", onAbort);
  }
  list.push(waiter);
}

/** Ends `w`'s timer and signal listener (it was served or gave up). */
export function clear(w: Waiting): void {
  clearTimeout(w.timer);
  w.unlisten?.();
  w.timer = undefined;
  w.unlisten = undefined;
}
