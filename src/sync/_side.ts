/**
 * Where a process's handle on a sync object works: on the shared memory
 * itself (the owner and worker children, as holder `me`) or through a
 * subprocess holder's client.
 *
 * @module
 */

import type { SyncClient } from "./_client.ts";

/** The memory (as holder `me`) or a client; never both. */
export type Side<C> =
  | { core: C; me: number; client?: undefined }
  | { client: SyncClient; core?: undefined };
