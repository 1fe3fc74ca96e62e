/**
 * Deno reports a missing permission deep inside the start of a child, as a
 * bare "Requires env access" or as a child that dies with exit code 1; asked
 * up front, a backend's error can name the flag to add.
 *
 * @module
 */

/** Whether this program holds `descriptor` now (never prompts). */
export function granted(descriptor: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(descriptor).state === "granted";
}
