// Seed 002: the same download job four ways: five Processes, Pool(10).map,
// the thread pool of multiprocessing.dummy (here the "inline" backend) and
// ProcessPoolExecutor(10).map. This machine has no internet, so the parent
// serves the pages itself on 127.0.0.1; children find it through PAGES_URL.
//
//   deno run -A examples/download_pages.ts [process|pool|dummy|executor]
import * as mp from "../mod.ts";

export async function downloadHtml(i: number): Promise<void> {
  const response = await fetch(`${Deno.env.get("PAGES_URL")}/s?ie=UTF-8&wd=${i}`);
  console.log(await response.text());
}

export const T = mp.tasks(import.meta.url, { downloadHtml });

const ids = Array.from({ length: 100 }, (_, i) => i);

async function processes() {
  const children = [];
  for (let i = 0; i < 5; i++) {
    const p = new mp.Process({ target: T.downloadHtml, args: [i], backend: "subprocess" });
    p.start();
    children.push(p);
  }
  for (const p of children) await p.join();
}

async function multiproMain(ids: number[]) {
  const pool = new mp.Pool(10);
  await pool.map(T.downloadHtml, ids);
  pool.close();
  await pool.join();
}

async function threadPool(ids: number[]) {
  const pool = new mp.Pool({ processes: 10, backend: "inline" });
  await pool.map(T.downloadHtml, ids);
  pool.close();
  await pool.join();
}

async function executor(ids: number[]) {
  await using executor = new mp.ProcessPoolExecutor(10);
  for await (const _ of executor.map(T.downloadHtml, ids));
}

if (import.meta.main) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const wd = new URL(request.url).searchParams.get("wd");
    return new Response(`<html><title>${wd} - 搜索</title></html>`);
  });
  Deno.env.set("PAGES_URL", `http://127.0.0.1:${server.addr.port}`);
  const ways = { process: processes, pool: multiproMain, dummy: threadPool, executor };
  const chosen = Deno.args.length > 0 ? Deno.args : Object.keys(ways);
  for (const way of chosen) {
    console.log(`# ${way}`);
    await ways[way as keyof typeof ways](ids);
  }
  await server.shutdown();
}
