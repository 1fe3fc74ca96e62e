/**
 * Argument checks of the `Connection` bytes methods.
 *
 * @module
 */

import { ValueError } from "../errors.ts";
import { describe } from "../_describe.ts";
import { Bytes } from "../ipc/snapshot.ts";

/**
 * A plain `Uint8Array` over the bytes of `buffer`.
 *
 * @throws {TypeError} When `buffer` is not binary data.
 */
export function asBytes(buffer: unknown, name: string): Uint8Array {
  if (buffer instanceof ArrayBuffer || buffer instanceof SharedArrayBuffer) {
    return new Uint8Array(buffer);
  }
  if (ArrayBuffer.isView(buffer)) {
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  throw new TypeError(
    `Expected \`${name}\` to be an ArrayBuffer, a typed array or a DataView, got ${
      describe(buffer)
    } (encode text with new TextEncoder().encode(text))`,
  );
}

/** The error for a bytes read that met a `send()` message, or `null`. */
export function notBytes(item: unknown): ValueError | null {
  return item instanceof Bytes ? null : new ValueError(
    "The next message was sent with send(), not sendBytes(); it was left in the pipe: read it with recv()",
  );
}
