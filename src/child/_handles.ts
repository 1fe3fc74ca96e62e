/**
 * Everything a child needs to take handles: the link layer's holder side and
 * every shared object type, each registering how it is adopted (see
 * `handles/revive.ts`). Loaded by the child runtime only when a message
 * carries handles.
 *
 * @module
 */

import "../queue.ts";
import "../simple_queue.ts";
import "../connection.ts";
import "../sync.ts";
import "../manager.ts";

export { flushHolders, receiveOnLink, setUpstream } from "../handles/holder.ts";
export { reviveHandles } from "../handles/revive.ts";
