/**
 * Unguarded main code in a child. To run a task by reference a child imports
 * the task's module, which runs that module's top-level code: if that code
 * starts a child (the program's main code, not under `import.meta.main`),
 * the new child imports the module again, and so on without end. Python
 * refuses the same with a `RuntimeError`; here `spawn.ts` refuses to start a
 * child while a target's module is being imported.
 *
 * @module
 */

const loading: string[] = [];

/**
 * Runs `load` (the import of the module at `url`) marked as a target
 * module's import.
 */
export async function loadingTargetModule<T>(url: string, load: () => Promise<T>): Promise<T> {
  loading.push(url);
  try {
    return await load();
  } finally {
    loading.splice(loading.indexOf(url), 1);
  }
}

/** The target module being imported now, or `undefined`. */
export function targetModuleLoading(): string | undefined {
  return loading[0];
}
