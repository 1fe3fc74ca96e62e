/**
 * How a sync object crosses into a child: through the handle layer, as a
 * `SyncDescriptor` made by its owner.
 *
 * @module
 */

import { registerShareable } from "../handles/share.ts";
import type { LinkTable } from "../handles/links.ts";
import type { SyncDescriptor } from "../protocol.ts";
import type { SyncOwner } from "./_owner.ts";

/**
 * Marks `object` as shareable. `owner` is `null` for an object this process
 * received, which its adoption marks instead (see `_adopt.ts`); `more` adds
 * to the descriptor (a condition's lock, a typecode).
 */
export function shareSync(
  object: object,
  owner: SyncOwner | null,
  more?: (d: SyncDescriptor, links: LinkTable) => void,
): void {
  if (owner === null) return;
  registerShareable(object, {
    check: () => {},
    share: (links) => {
      const d = owner.describe(links);
      more?.(d, links);
      return d;
    },
  });
}
