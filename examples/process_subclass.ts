// Seed 001, way two: subclass Process and override run(). start() runs run()
// in the child, with the instance's own fields.
//
//   deno run -A examples/process_subclass.ts
import * as mp from "../mod.ts";

export class Piao extends mp.Process {
  constructor(name: string) {
    super();
    this.name = name;
  }

  override async run() {
    console.log(`${this.name} piaoing`);
    const seconds = 1 + Math.floor(Math.random() * 4);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    console.log(`${this.name} piao end`);
  }
}

if (import.meta.main) {
  const p1 = new Piao("egon");
  const p2 = new Piao("alex");
  p1.start(); // start() calls run() in the child
  p2.start();
  console.log("主....");
}
