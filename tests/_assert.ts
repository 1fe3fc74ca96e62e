// The one place tests get assertions from; switching to @std/assert is one line.
import assert from "node:assert/strict";

export { assert };
export const ok: typeof assert.ok = assert.ok;
export const equal: typeof assert.equal = assert.equal;
export const deepEqual: typeof assert.deepEqual = assert.deepEqual;
export const match: typeof assert.match = assert.match;
export const throws: typeof assert.throws = assert.throws;
export const rejects: typeof assert.rejects = assert.rejects;
