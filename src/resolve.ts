/**
 * Turns a {@linkcode TargetSpec} back into a callable inside a child:
 * function source is compiled once and cached; a module export is imported.
 *
 * @module
 */

import { loadingTargetModule } from "./_guard.ts";
import type { TargetSpec } from "./protocol.ts";

type Callable = (...args: unknown[]) => unknown;

const compiled = new Map<string, Callable>();

/**
 * Compiles a function from its source text. Accepts every form
 * `Function.prototype.toString` produces for a plain function: declarations,
 * expressions, arrows, async and generator forms, and method shorthand.
 */
export function compileFunction(source: string): Callable {
  let fn = compiled.get(source);
  if (fn !== undefined) return fn;
  fn = evaluateFunction(source);
  compiled.set(source, fn);
  return fn;
}

function evaluateFunction(source: string): Callable {
  const indirectEval = eval;
  try {
    return indirectEval(`(${source}\n)`);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  // Method shorthand (`name(a) { ... }`) is only valid inside an object literal.
  const holder = indirectEval(`({${source}\n})`);
  const value = holder[Reflect.ownKeys(holder)[0]];
  if (typeof value !== "function") {
    throw new TypeError("Target source text did not produce a function");
  }
  return value;
}

/**
 * Compiles methods, getters and setters from their source texts onto `into`.
 * Later sources override earlier ones, as a subclass overrides its base.
 */
export function defineMethods(into: object, sources: readonly string[]): void {
  const indirectEval = eval;
  for (const source of sources) {
    const holder = indirectEval(`({${source}\n})`);
    for (const key of Reflect.ownKeys(holder)) {
      const incoming = Reflect.getOwnPropertyDescriptor(holder, key)!;
      const existing = Reflect.getOwnPropertyDescriptor(into, key);
      if (existing && incoming.get === undefined && incoming.set !== undefined) {
        incoming.get = existing.get;
      } else if (existing && incoming.set === undefined && incoming.get !== undefined) {
        incoming.set = existing.set;
      }
      Reflect.defineProperty(into, key, incoming);
    }
  }
}

/**
 * Resolves a target to a function.
 *
 * @throws {TypeError} When the module has no such export, or it is not a
 * function; the message names the module URL and the export.
 */
export async function resolveTarget(spec: TargetSpec): Promise<Callable> {
  if (spec.kind === "source") return compileFunction(spec.source);
  // `module` is always an absolute URL (tasks() normalizes it), so this
  // import needs no import map; `deno publish` warns it cannot analyze it.
  const mod = await loadingTargetModule(spec.module, () => import(spec.module));
  if (!(spec.name in mod)) {
    throw new TypeError(
      `Module ${spec.module} has no export named "${spec.name}": export the function from that module, or fix the key passed to mp.tasks()`,
    );
  }
  const fn = mod[spec.name];
  if (typeof fn !== "function") {
    throw new TypeError(
      `Export "${spec.name}" of module ${spec.module} is not a function (it is ${typeof fn})`,
    );
  }
  return fn as Callable;
}
