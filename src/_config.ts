/**
 * Finding the `deno.json(c)` that governs a directory, the way Deno
 * discovers it: the nearest one in the directory or its ancestors.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The nearest `deno.json` or `deno.jsonc` at or above the directory `start`, or `null`. */
export function findConfig(start: string): string | null {
  for (let dir = start;;) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = join(dir, name);
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch {
        // Absent or unreadable: look further up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The config Deno found for this program when given none: the one governing
 * the main module's folder (the working directory for a remote main module).
 */
export function programConfig(): string | null {
  const main = Deno.mainModule;
  return findConfig(main.startsWith("file:") ? dirname(fileURLToPath(main)) : Deno.cwd());
}
