// The layering ARCHITECTURE.md describes, held: every import under src/
// (static, dynamic, re-export, side effect; types included) goes to the same
// layer or one below, and the naming rule for private files holds.
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { deepEqual } from "./_assert.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SRC = join(ROOT, "src");

/** Bottom to top; a file belongs to the first layer with a matching pattern. */
export const LAYERS: [string, RegExp[]][] = [
  ["foundation", [
    /^src\/(errors|_describe|_options|_config|_guard|_self_exec|_shareable|protocol|remote_error|serialize_error)\.ts$/,
  ]],
  ["targets and wire", [/^src\/(target|resolve|clone|codec|json)\.ts$/]],
  ["transports", [/^src\/transport\//]],
  ["link layer", [/^src\/handles\//]],
  ["queue engine", [/^src\/ipc\//]],
  ["shared objects", [
    /^src\/(queue|simple_queue|connection|pipe|sync|manager)\.ts$/,
    /^src\/(connection|sync|manager)\//,
  ]],
  ["backends, start a child", [/^src\/(spawn|permissions|backend)\.ts$/, /^src\/backend\//]],
  ["processes", [/^src\/(process|context)\.ts$/]],
  ["pool", [/^src\/pool(\.ts|\/)/]],
  ["executor", [/^src\/executor(\.ts|\/)/]],
  ["start methods", [/^src\/start_method\.ts$/]],
  ["child runtime", [/^src\/child\//]],
];

function layerOf(path: string): number {
  const i = LAYERS.findIndex(([, patterns]) => patterns.some((p) => p.test(path)));
  if (i < 0) throw new Error(`${path} is in no layer: add it to LAYERS and to ARCHITECTURE.md`);
  return i;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s*)"(\.[^"]+)"/gm;

/** Every relative import of every file under src/, as repository paths. */
function imports(): { from: string; to: string }[] {
  const found: { from: string; to: string }[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = Deno.readTextFileSync(file);
    for (const match of text.matchAll(IMPORT)) {
      found.push({
        from: relative(ROOT, file),
        to: relative(ROOT, join(dirname(file), match[1])),
      });
    }
  }
  return found;
}

Deno.test("every import under src/ goes to the same layer or one below", () => {
  const upward = imports()
    .filter(({ from, to }) => layerOf(to) > layerOf(from))
    .map(({ from, to }) =>
      `${from} (${LAYERS[layerOf(from)][0]}) → ${to} (${LAYERS[layerOf(to)][0]})`
    );
  deepEqual(upward, []);
});

Deno.test("a _private file in a folder is imported only from that folder or its concept file", () => {
  // `src/pool/_calls.ts` may be imported by `src/pool/*` and `src/pool.ts`;
  // the `_` files at the top of src/ are the library's own (never exported).
  const strays = imports().filter(({ from, to }) => {
    const folder = dirname(to);
    if (!/^_/.test(to.split("/").pop()!) || folder === "src") return false;
    return dirname(from) !== folder && from !== `${folder}.ts`;
  }).map(({ from, to }) => `${from} → ${to}`);
  deepEqual(strays, []);
});

Deno.test("mod.ts exports nothing from a _private file", () => {
  const text = Deno.readTextFileSync(join(ROOT, "mod.ts"));
  const privates = [...text.matchAll(/from\s*"(\.[^"]+)"/g)]
    .map((m) => m[1])
    .filter((path) => path.split("/").pop()!.startsWith("_"));
  deepEqual(privates, []);
});
