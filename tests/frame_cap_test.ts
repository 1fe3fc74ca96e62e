// `maxFrameBytes` is one cap both sides of a subprocess channel keep to: too
// large an argument is refused in the parent before anything is sent, too
// large a result is refused in the child (a task failure, not a crash), and
// the pool goes on.
import * as mp from "../mod.ts";
import { equal, match, ok, throws } from "./_assert.ts";

const MiB = 1024 * 1024;
const OVER =
  /A message of \d+ bytes is over this channel's frame cap of 1048576 bytes and was not sent: raise `maxFrameBytes`/;

Deno.test("[subprocess] Process.start() refuses arguments over maxFrameBytes before sending, naming size, cap and option", () => {
  const p = new mp.Process({
    target: (b: Uint8Array) => b.length,
    args: [new Uint8Array(2 * MiB)],
    backend: "subprocess",
    maxFrameBytes: MiB,
  });
  throws(() => p.start(), (e: Error) => {
    ok(e instanceof RangeError);
    match(e.message, OVER);
    return true;
  });
  equal(p.exitcode, null);
});

Deno.test("[subprocess] Pool: an argument or a result over maxFrameBytes fails its call only", async () => {
  await using pool = new mp.Pool({ processes: 1, backend: "subprocess", maxFrameBytes: MiB });
  const big = await pool.apply((b: Uint8Array) => b.length, [new Uint8Array(2 * MiB)])
    .catch((e) => e);
  ok(big instanceof RangeError, String(big));
  match(big.message, OVER);
  // Before the cap reached the child, it sent the 3 MiB result anyway and
  // was killed as a hostile child (WorkerCrashedError).
  const result = await pool.apply((n: number) => new Uint8Array(n), [3 * MiB]).catch((e) => e);
  ok(result instanceof RangeError, String(result));
  match(result.message, OVER);
  equal(await pool.apply((b: Uint8Array) => b.length, [new Uint8Array(MiB / 2)]), MiB / 2);
  equal(pool.stats().crashed, 0);
});
