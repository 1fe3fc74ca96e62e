// The Manager examples run, and print what their seed tutorials show.
import { deepEqual, equal, match, ok } from "./_assert.ts";
import { runProgram } from "./_helpers.ts";

const example = (name: string) => new URL(`../examples/${name}`, import.meta.url);
const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const numbers = (text: string) => (text.match(/\d+/g) ?? []).map(Number);

Deno.test("examples/manager_dict_list.ts: ten children fill the dict with pid → ppid and the list with pids", async () => {
  const out = await runProgram(example("manager_dict_list.ts"));
  equal(out.code, 0, out.stderr);
  const got = lines(out.stdout);
  equal(got.length, 12);
  const seen = got.slice(0, 10);
  ok(seen.every((l) => l.startsWith("子线程的列表: [")), seen.join("\n"));
  // Each child saw the list up to at least its own pid: a prefix of the final one, the last
  // reader all of it.
  const final = numbers(got[11]);
  for (const l of seen) deepEqual(numbers(l), final.slice(0, numbers(l).length));
  equal(Math.max(...seen.map((l) => numbers(l).length)), 10);
  match(got[10], /^字典: Map\(10\) \{ \d+ => \d+(, \d+ => \d+){9} \}$/);
  match(got[11], /^列表: \[ \d+(, \d+){9} \]$/);
  const pids = final;
  equal(new Set(pids).size, 10, "each subprocess child has its own pid");
  const pairs = numbers(got[10].slice(3)).slice(1);
  const keys = pairs.filter((_, i) => i % 2 === 0);
  const ppids = new Set(pairs.filter((_, i) => i % 2 === 1));
  deepEqual(new Set(keys), new Set(pids));
  equal(ppids.size, 1, "every child has the same parent");
  ok(!pids.includes([...ppids][0]));
});

Deno.test("examples/manager_reverse.ts: the child's dict entries and reversed list reach the parent", async () => {
  const out = await runProgram(example("manager_reverse.ts"));
  equal(out.code, 0, out.stderr);
  deepEqual(lines(out.stdout), [
    'Map(3) { 1 => "", "" => 2, 0.25 => null }',
    "[ 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 ]",
  ]);
});
