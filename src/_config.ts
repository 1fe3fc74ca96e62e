/**
 * Finding the `deno.json(c)` that governs a directory, the way Deno
 * discovers it: the nearest one in the directory or its ancestors.
 *
 * @module
 */

/** The nearest `deno.json` or `deno.jsonc` at or above `start`, or `null`. */
export function findConfig(start: string): string | null {
  for (let dir = start.replace(/\/+$/, "");;) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = `${dir}/${name}`;
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch {
        // Absent or unreadable: look further up.
      }
    }
    if (dir === "") return null;
    dir = dir.slice(0, dir.lastIndexOf("/"));
  }
}
