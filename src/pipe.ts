/**
 * `Pipe()`: Python's `multiprocessing.Pipe`, a pair of connected
 * `Connection`s.
 *
 * @module
 */

import { checkKnownKeys } from "./_options.ts";
import { type Connection, connectionOf } from "./connection.ts";
import { Broker } from "./ipc/broker.ts";
import { LocalEnd } from "./ipc/end.ts";
import { describe } from "./_describe.ts";

/**
 * Options of {@linkcode Pipe}.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const options: mp.PipeOptions = { duplex: false };
 * const [receiver, sender] = mp.Pipe<string>(options);
 * ```
 */
export interface PipeOptions {
  /**
   * Both ends send and receive; `false` makes the first end receive-only and
   * the second send-only.
   * @default {true}
   */
  duplex?: boolean;
}

/**
 * A pair of connected {@linkcode Connection}s: what one end sends, the other
 * receives, in order.
 *
 * @typeParam T The messages.
 * @param options `duplex: false` for a one-way pipe `[receiveOnly, sendOnly]`.
 * @returns The two ends.
 * @throws {TypeError} When `duplex` is not a boolean.
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const [a, b] = mp.Pipe<string>();
 * await a.send("ping");
 * console.log(await b.recv()); // "ping"
 * await b.send("pong");
 * console.log(await a.recv()); // "pong"
 * ```
 */
export function Pipe<T = unknown>(options: PipeOptions = {}): [Connection<T>, Connection<T>] {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected \`options\` to be an object, got ${describe(options)}`);
  }
  checkKnownKeys("Pipe", options, ["duplex"]);
  const duplex = options.duplex ?? true;
  if (typeof duplex !== "boolean") {
    throw new TypeError(`Expected \`duplex\` to be a boolean, got ${describe(duplex)}`);
  }
  const direction = () => new LocalEnd(new Broker({ maxsize: 0, joinable: false, pipe: true }));
  const ab = direction();
  if (!duplex) return [connectionOf<T>(ab, null), connectionOf<T>(null, ab)];
  const ba = direction();
  return [connectionOf<T>(ba, ab), connectionOf<T>(ab, ba)];
}
