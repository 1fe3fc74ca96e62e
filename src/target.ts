/**
 * Targets: what a child runs. A target is either a self-contained function,
 * sent as source text, or a {@linkcode TaskRef} to an exported function of a
 * module, made with {@linkcode tasks}.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import type { TargetSpec } from "./protocol.ts";

/**
 * Any function a child can call (the top type of all functions).
 *
 * @example
 * ```ts
 * import type { AnyFunction } from "@mp/multiprocessing";
 * const fns: AnyFunction[] = [(a: number) => a, (s: string, t: string) => s + t];
 * console.log(fns.length); // 2
 * ```
 */
export type AnyFunction = (...args: never) => unknown;

/**
 * A reference to an exported function of a module, made by
 * {@linkcode tasks}. Plain data: it can be cloned and passed to children. Its
 * type parameter carries the function's signature, so argument and result
 * types flow into `Process`, `Pool.apply` and friends.
 *
 * @typeParam F The referenced function's type.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * export function square(x: number): number {
 *   return x * x;
 * }
 * const { square: squareRef } = mp.tasks(import.meta.url, { square });
 * console.log(squareRef.module === import.meta.url, squareRef.name); // true "square"
 * ```
 */
export interface TaskRef<F extends AnyFunction = AnyFunction> {
  /** Marks the object as a task reference. */
  readonly kind: "mp.task";
  /** URL of the module that exports the function. */
  readonly module: string;
  /** Name of the export. */
  readonly name: string;
  /** Type-level only: the function's signature. Never present at run time. */
  readonly __signature?: F;
}

/**
 * The arguments a target takes.
 *
 * @example
 * ```ts
 * import type { TargetArgs } from "@mp/multiprocessing";
 * const add = (a: number, b: number) => a + b;
 * const args: TargetArgs<typeof add> = [1, 2];
 * ```
 */
export type TargetArgs<T> = T extends TaskRef<infer F> ? ArgsOf<F>
  : ArgsOf<T>;

/**
 * The parameter list of a function type.
 *
 * @example
 * ```ts
 * import type { ArgsOf } from "@mp/multiprocessing";
 * type A = ArgsOf<(a: number, b: string) => void>; // [a: number, b: string]
 * const args: A = [1, "x"];
 * ```
 */
export type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;

/**
 * The awaited return type of a function type.
 *
 * @example
 * ```ts
 * import type { ResultOf } from "@mp/multiprocessing";
 * type R = ResultOf<() => Promise<number>>; // number
 * const r: R = 42;
 * ```
 */
export type ResultOf<F> = F extends (...args: never) => infer R ? Awaited<R> : never;

/**
 * What a target resolves to once awaited in the child.
 *
 * @example
 * ```ts
 * import type { TargetResult } from "@mp/multiprocessing";
 * const fetchLength = async (s: string) => await Promise.resolve(s.length);
 * const n: TargetResult<typeof fetchLength> = 3; // number, not Promise<number>
 * ```
 */
export type TargetResult<T> = T extends TaskRef<infer F> ? ResultOf<F> : ResultOf<T>;

/**
 * A target taking `A` and producing `R` (or a promise of it): a function or a
 * {@linkcode TaskRef}.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 * const double: mp.Target<[number], number> = (x: number) => x * 2;
 * await using pool = new mp.Pool(1);
 * console.log(await pool.apply(double, [21])); // 42
 * ```
 */
export type Target<A extends unknown[] = never[], R = unknown> =
  | ((...args: A) => R | Promise<R>)
  | TaskRef<(...args: A) => R | Promise<R>>;

/**
 * Makes typed task references to exported functions of a module, so children
 * import the module and call the export instead of receiving source text.
 * Use it when a task needs imports, closures over module state, or shared
 * helpers.
 *
 * @param moduleUrl The module exporting the functions: usually
 * `import.meta.url`; a `URL` or URL string also works.
 * @param functions The exported functions, keyed by their export names.
 * @returns An object with the same keys whose values are {@linkcode TaskRef}s.
 * @throws {TypeError} When `moduleUrl` is not a valid URL, or a value is not a
 * function.
 *
 * @example
 * ```ts
 * import * as mp from "@mp/multiprocessing";
 *
 * export function add(a: number, b: number): number {
 *   return a + b;
 * }
 * export const T = mp.tasks(import.meta.url, { add });
 *
 * if (import.meta.main) {
 *   const p = new mp.Process({ target: T.add, args: [1, 2] });
 *   p.start();
 *   await p.join();
 * }
 * ```
 */
export function tasks<const T extends Record<string, AnyFunction>>(
  moduleUrl: string | URL,
  functions: T,
): { readonly [K in keyof T]: TaskRef<T[K]> } {
  let url: string;
  try {
    url = new URL(moduleUrl).href;
  } catch {
    throw new TypeError(
      `Expected \`moduleUrl\` to be a module URL such as import.meta.url, got ${
        describe(moduleUrl)
      }`,
    );
  }
  if (typeof functions !== "object" || functions === null) {
    throw new TypeError(
      `Expected \`functions\` to be an object of exported functions, got ${describe(functions)}`,
    );
  }
  const out: Record<string, TaskRef> = {};
  for (const [name, fn] of Object.entries(functions)) {
    if (typeof fn !== "function") {
      throw new TypeError(
        `Expected \`functions.${name}\` to be the exported function "${name}", got ${describe(fn)}`,
      );
    }
    out[name] = Object.freeze({ kind: "mp.task", module: url, name });
  }
  return Object.freeze(out) as { readonly [K in keyof T]: TaskRef<T[K]> };
}

/** True when `value` is a {@linkcode TaskRef} (also one that crossed a process boundary). */
export function isTaskRef(value: unknown): value is TaskRef {
  return typeof value === "object" && value !== null &&
    (value as TaskRef).kind === "mp.task" &&
    typeof (value as TaskRef).module === "string" &&
    typeof (value as TaskRef).name === "string";
}

/**
 * Turns a target into what travels to the child.
 *
 * @throws {TypeError} When `target` is neither a function nor a TaskRef, or
 * is a function that cannot be sent as source (built-in, bound, a class).
 */
export function toTargetSpec(target: unknown, what = "target"): TargetSpec {
  if (isTaskRef(target)) {
    return { kind: "export", module: target.module, name: target.name };
  }
  if (typeof target === "function") {
    const source = Function.prototype.toString.call(target);
    if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) {
      throw new TypeError(
        `Expected \`${what}\` to be a function with source text, got the built-in or bound function ${
          describe(target)
        }: wrap it, e.g. (x) => Math.sqrt(x), or export it and use mp.tasks()`,
      );
    }
    if (/^class[\s{]/.test(source)) {
      throw new TypeError(
        `Expected \`${what}\` to be a function, got the class ${
          describe(target)
        }: subclass mp.Process and override run(), or pass a function`,
      );
    }
    return { kind: "source", source };
  }
  throw new TypeError(
    `Expected \`${what}\` to be a function or a TaskRef from mp.tasks(), got ${describe(target)}`,
  );
}
