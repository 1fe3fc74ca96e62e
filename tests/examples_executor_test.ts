// examples/executor_map.ts runs, and prints what its seed's map computes.
import { equal, ok } from "./_assert.ts";
import { runProgram } from "./_helpers.ts";
import { checksum } from "../examples/executor_map.ts";

Deno.test("examples/executor_map.ts maps 100 ids on 10 workers, in order, quickly", async () => {
  const pages = Array.from(
    { length: 100 },
    (_, i) => `<html><body><h1>Page ${i + 1}</h1></body></html>`,
  );
  const bytes = pages.reduce((n, page) => n + page.length, 0);
  const t0 = performance.now();
  const out = await runProgram(new URL("../examples/executor_map.ts", import.meta.url));
  equal(out.stderr, "");
  equal(out.stdout, `downloaded 100 pages, ${bytes} bytes, checksum ${checksum(pages)}\n`);
  equal(out.code, 0);
  ok(performance.now() - t0 < 15_000);
});
