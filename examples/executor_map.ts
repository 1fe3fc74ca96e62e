// Seed: concurrent.futures.ProcessPoolExecutor mapping a download over ids.
//
//   from concurrent.futures import ProcessPoolExecutor
//   with ProcessPoolExecutor(10) as executor:
//       executor.map(download_html, ids)
//
//   deno run -A examples/executor_map.ts
import * as mp from "../mod.ts";

/** Stands in for downloading a page: a short wait, then a page made from the id. */
export async function downloadHtml(id: number): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return `<html><body><h1>Page ${id}</h1></body></html>`;
}
export const T = mp.tasks(import.meta.url, { downloadHtml });

/** FNV-1a over the pages in the order received: any reordering changes it. */
export function checksum(pages: Iterable<string>): string {
  let hash = 0x811c9dc5;
  for (const page of pages) {
    for (let i = 0; i < page.length; i++) hash = Math.imul(hash ^ page.charCodeAt(i), 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

if (import.meta.main) {
  const ids = Array.from({ length: 100 }, (_, i) => i + 1);
  const pages: string[] = [];
  {
    await using executor = new mp.ProcessPoolExecutor(10); // shut down (waiting) at block end
    for await (const html of executor.map(T.downloadHtml, ids)) pages.push(html);
  }
  const bytes = pages.reduce((n, page) => n + page.length, 0);
  console.log(`downloaded ${pages.length} pages, ${bytes} bytes, checksum ${checksum(pages)}`);
}
