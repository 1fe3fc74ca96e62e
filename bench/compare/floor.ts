// The floor under a subprocess round trip: 8-byte ping-pongs between two Deno
// processes over a Unix socket (Deno.listen / Deno.connect, nothing but read
// and write: the fastest channel Deno has between processes here), beside
// Python's Pipe ping-pong (latency.py), in interleaved rounds; medians of µs
// per round trip. If the floor is slower than Python, no Deno library can
// make a subprocess Pipe faster than Python's. Pin it to one CPU:
//
//   taskset -c 0 deno run -A bench/compare/floor.ts [rounds]
import { fileURLToPath } from "node:url";
import { interleaved, python } from "./_rounds.ts";

const ROUNDS = Number(Deno.args[0] ?? 7);
const N = 3000;

const dir = Deno.makeTempDirSync();
const path = `${dir}/echo.sock`;
const listener = Deno.listen({ transport: "unix", path });
const child = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", fileURLToPath(new URL("../fixtures/echo_unix.ts", import.meta.url)), path],
}).spawn();
const conn = await listener.accept();
const frame = new Uint8Array(8);
const back = new Uint8Array(64);

async function ping(): Promise<void> {
  await conn.write(frame);
  for (let got = 0; got < frame.byteLength;) {
    const n = await conn.read(back);
    if (n === null) throw new Error("The echo child closed its socket");
    got += n;
  }
}

async function socket(): Promise<number> {
  for (let i = 0; i < 200; i++) await ping();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await ping();
  return (performance.now() - t0) * 1000 / N;
}

const m = await interleaved({
  socket,
  python: async () => (await python("latency.py", [String(N)])).pipe,
}, ROUNDS);
conn.close();
listener.close();
await child.status;
Deno.removeSync(dir, { recursive: true });
console.log(`Medians of ${ROUNDS} interleaved rounds, µs per round trip:\n`);
console.log("| Deno ⇄ Deno Unix socket, raw | Python Pipe | socket / Python |\n|---|---|---|");
console.log(
  `| ${m.socket.toFixed(1)} | ${m.python.toFixed(1)} | ${(m.socket / m.python).toFixed(2)}× |`,
);
