// Seed 003, Manager: ten children each write d[pid] = ppid and append their
// pid to a shared list, then print the list as they see it; the parent
// prints the dict and the list. Subprocess children, so each has its own pid,
// as in Python (worker children share the parent's).
//
//   deno run -A examples/manager_dict_list.ts
import * as mp from "../mod.ts";

async function func(d: mp.DictProxy<number, number>, l: mp.ListProxy<number>) {
  // The dict and list made by the Manager, passed in as arguments, and changed here.
  await d.set(Deno.pid, Deno.ppid);
  await l.append(Deno.pid);
  // One line, as Python prints a list (the function travels as source: no helpers).
  console.log(
    "子线程的列表:",
    Deno.inspect(await l.toArray(), { compact: true, breakLength: Infinity }),
  );
}

/** Prints on one line, as Python does. */
const show = (value: unknown) => Deno.inspect(value, { compact: true, breakLength: Infinity });

if (import.meta.main) {
  await using manager = new mp.Manager();
  const d = await manager.dict<number, number>(); // a dict shared by every process given it
  const l = await manager.list<number>(); // and a list

  const pLists: mp.Process[] = [];
  for (let k = 0; k < 10; k++) {
    const p = new mp.Process({ target: func, args: [d, l], backend: "subprocess" });
    p.start();
    pLists.push(p);
  }
  for (const p of pLists) await p.join();

  console.log("字典:", show(await d.toMap()));
  console.log("列表:", show(await l.toArray()));
}
