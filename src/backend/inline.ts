/**
 * The `"inline"` pool backend: async calls on this event loop, no children.
 *
 * @module
 */

import type { BackendOptions, BackendRules } from "../backend.ts";

/** Tasks on this event loop: nothing to start, and nothing a child could narrow or cap. */
export const inlineBackend: BackendRules = {
  name: "inline",
  children: false,
  checkOptions({ maxHeapMb, permissions }: BackendOptions): void {
    if (maxHeapMb !== undefined) {
      throw new TypeError(
        'The "inline" backend runs tasks in this process, so `maxHeapMb` cannot cap them: use backend: "subprocess"',
      );
    }
    if (permissions !== undefined && permissions !== "inherit") {
      throw new TypeError(
        'The "inline" backend runs tasks in this process, so it cannot narrow their permissions: use backend "worker" or "subprocess" with `permissions`',
      );
    }
  },
};
