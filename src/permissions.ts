/**
 * What a child may do. By default a child inherits what the parent was
 * granted; `permissions` narrows that and can never widen it.
 *
 * @module
 */

import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { programConfig } from "./_config.ts";
import { StateError } from "./errors.ts";

/** Deno's permission descriptors by name, as `deno run --allow-<name>` flags. */
const NAMES = ["read", "write", "net", "env", "sys", "run", "ffi", "import"] as const;
type Name = typeof NAMES[number];

/**
 * Permission options for a child: Deno's own `PermissionOptions`.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const permissions: mp.Permissions = { read: ["./data"], net: false };
 * const p = new mp.Process({ target: () => {}, backend: "subprocess", permissions });
 * p.start();
 * await p.join();
 * ```
 */
export type Permissions = Deno.PermissionOptions;

function descriptor(name: Name, value?: string): Deno.PermissionDescriptor {
  switch (name) {
    case "read":
    case "write":
    case "ffi":
      return value === undefined ? { name } : { name, path: value };
    case "net":
    case "import":
      return value === undefined ? { name } : { name, host: value } as Deno.PermissionDescriptor;
    case "env":
      return value === undefined ? { name } : { name, variable: value };
    case "sys":
      return value === undefined
        ? { name }
        : { name, kind: value as Deno.SysPermissionDescriptor["kind"] };
    case "run":
      return value === undefined ? { name } : { name, command: value };
  }
}

/** Whether this program holds `name` (for `value`, if given) now; never prompts. */
export function granted(name: Name, value?: string): boolean {
  try {
    return Deno.permissions.querySync(descriptor(name, value)).state === "granted";
  } catch {
    return false;
  }
}

/*
 * Paths are resolved against the working directory here, so a relative
 * `read: ["./data"]` means the same on both backends (Deno would resolve it
 * against this library's own file for a worker).
 */
function valuesOf(name: Name, setting: unknown): string[] {
  return (setting as (string | URL)[]).map((v) => {
    const isPath = name === "read" || name === "write" || name === "ffi";
    if (v instanceof URL) return fileURLToPath(v);
    const value = String(v);
    return isPath && !isAbsolute(value) ? resolve(value) : value;
  });
}

/** This library's own folder when it is loaded from local files, else `null`. */
const LIBRARY = import.meta.url.startsWith("file:")
  ? fileURLToPath(new URL("../", import.meta.url))
  : null;

/*
 * A narrowed child still has to read what it imports: the folder of each
 * file: module of its targets (where their own imports usually lie) and,
 * because those import it, this library. Only what this process may read
 * itself is added (a child never gets more).
 */
function importedPaths(modules: readonly string[]): string[] {
  const paths = modules.filter((m) => m.startsWith("file:")).map((m) => dirname(fileURLToPath(m)));
  if (LIBRARY !== null) paths.push(LIBRARY);
  return paths.filter((path) => granted("read", path));
}

/** The permission names `flags` grants nothing of: the child must not hold them. */
export function deniedBy(flags: readonly string[]): string[] {
  return NAMES.filter((name) =>
    !flags.some((f) => f === `--allow-${name}` || f.startsWith(`--allow-${name}=`))
  );
}

/**
 * The `deno run` flags that give a subprocess child `permissions` (or the
 * parent's own grants), plus read access to `modules` the child must import.
 *
 * @throws {Deno.errors.NotCapable} When `permissions` asks for something the
 * parent does not have.
 */
export function subprocessFlags(
  permissions: Permissions | undefined,
  modules: readonly string[],
): string[] {
  const flags: string[] = [];
  const setting = (name: Name): unknown => {
    if (permissions === undefined || permissions === "inherit") return "inherit";
    if (permissions === "none") return false;
    return (permissions as Record<string, unknown>)[name] ?? false;
  };
  for (const name of NAMES) {
    const value = setting(name);
    if (value === "inherit") {
      if (granted(name)) flags.push(`--allow-${name}`);
    } else if (value === true) {
      if (!granted(name)) throw notHeld(name);
      flags.push(`--allow-${name}`);
    } else if (Array.isArray(value) && value.length > 0) {
      const values = valuesOf(name, value);
      for (const v of values) if (!granted(name, v)) throw notHeld(name, v);
      flags.push(`--allow-${name}=${values.join(",")}`);
    }
  }
  const readAll = flags.includes("--allow-read");
  const paths = readAll ? [] : importedPaths(modules);
  if (paths.length > 0) {
    const i = flags.findIndex((f) => f.startsWith("--allow-read="));
    if (i === -1) flags.push(`--allow-read=${paths.join(",")}`);
    else flags[i] += `,${paths.join(",")}`;
  }
  return flags;
}

function notHeld(name: Name, value?: string): Error {
  const what = value === undefined ? `${name} access` : `${name} access to "${value}"`;
  return new Deno.errors.NotCapable(
    `A child cannot be given ${what}: this process does not have it. Grant it to the parent (--allow-${name}) or narrow the child's permissions`,
  );
}

/**
 * The `deno.permissions` option for a worker child, or `undefined` to
 * inherit. Narrowing a worker's permissions needs Deno's
 * `--unstable-worker-options`; without it Deno ends the whole process with no
 * way to catch it, so this checks first.
 *
 * @throws {Deno.errors.NotCapable} When `permissions` asks for something the
 * parent does not have.
 * @throws {StateError} When the flag is missing or cannot be confirmed.
 */
export function workerPermissions(
  permissions: Permissions | undefined,
  modules: readonly string[],
): Deno.PermissionOptionsObject | undefined {
  if (permissions === undefined || permissions === "inherit") return undefined;
  // Asking for more than this process has is refused first, whatever the flag.
  if (permissions !== "none") {
    for (const name of NAMES) {
      const value = (permissions as Record<string, unknown>)[name];
      if (value === true && !granted(name)) throw notHeld(name);
      if (Array.isArray(value)) {
        for (const v of valuesOf(name, value)) if (!granted(name, v)) throw notHeld(name, v);
      }
    }
  }
  const state = workerOptionsState();
  if (state !== "enabled") {
    throw new StateError(
      state === "disabled"
        ? 'Narrowing the permissions of a "worker" child needs Deno\'s --unstable-worker-options flag: run with it (or add "unstable": ["worker-options"] to deno.json), or use backend: "subprocess"'
        : 'Narrowing the permissions of a "worker" child needs Deno\'s --unstable-worker-options flag, and this program cannot confirm it is set (on Linux that reads /proc/self/cmdline, elsewhere it runs `ps`): run with the flag and --allow-read=/proc/self/cmdline (Linux) or --allow-run=ps, or use backend: "subprocess"',
    );
  }
  const out: Deno.PermissionOptionsObject = {};
  for (const name of NAMES) {
    const value = permissions === "none"
      ? false
      : (permissions as Record<string, unknown>)[name] ?? false;
    (out as Record<string, unknown>)[name] = Array.isArray(value) ? valuesOf(name, value) : value;
  }
  const paths = importedPaths(modules);
  if (paths.length > 0 && out.read !== true && out.read !== "inherit") {
    out.read = [...(Array.isArray(out.read) ? out.read : []), ...paths];
  }
  return out;
}

let cachedWorkerOptions: "enabled" | "disabled" | "unknown" | undefined;

function workerOptionsState(): "enabled" | "disabled" | "unknown" {
  if (cachedWorkerOptions !== undefined) return cachedWorkerOptions;
  const argv = commandLine();
  if (argv === null) return cachedWorkerOptions = "unknown";
  if (argv.includes("--unstable-worker-options") || argv.includes("--unstable")) {
    return cachedWorkerOptions = "enabled";
  }
  return cachedWorkerOptions = configEnablesWorkerOptions(argv) ? "enabled" : "disabled";
}

/*
 * Deno shows a program neither its own flags nor whether an unstable feature
 * is on. Linux lists them in /proc; elsewhere `ps` does, when this program
 * may run it. `ps` prints one line, split here at spaces: a `--config` path
 * holding a space is then not found and the flag counts as missing.
 */
function commandLine(): string[] | null {
  try {
    if (Deno.build.os === "linux") return Deno.readTextFileSync("/proc/self/cmdline").split("\0");
    if (Deno.build.os === "windows") return null;
    if (!granted("run", "ps")) return null;
    const out = new Deno.Command("ps", { args: ["-ww", "-o", "args=", "-p", String(Deno.pid)] })
      .outputSync();
    return out.success ? new TextDecoder().decode(out.stdout).trim().split(/\s+/) : null;
  } catch {
    return null;
  }
}

function configEnablesWorkerOptions(argv: string[]): boolean {
  if (argv.includes("--no-config")) return false;
  const at = argv.findIndex((a) => a === "--config" || a === "-c");
  const explicit = argv.find((a) => a.startsWith("--config="));
  const path = explicit?.slice("--config=".length) ??
    (at === -1 ? programConfig() : argv[at + 1]);
  if (!path) return false;
  try {
    return /"unstable"\s*:\s*\[[^\]]*"worker-options"/.test(Deno.readTextFileSync(path));
  } catch {
    return false;
  }
}
