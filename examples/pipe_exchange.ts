// Seeds 003 and 004: a Pipe between parent and child. Seed 003 reads each
// message from input(); here the messages are given on the command line
// (or defaults), including an empty one — sending empty data is fine.
//
//   deno run -A examples/pipe_exchange.ts "first message" "" "last one"
import * as mp from "../mod.ts";

async function func(conn: mp.Connection<string>, mess: string) {
  await conn.send(mess);
  console.log("子进程发送的数据:", mess);
  conn.close();
}

async function f(conn: mp.Connection<unknown>) {
  await conn.send([42, null, "hello"]);
  conn.close();
}

if (import.meta.main) {
  const messages = Deno.args.length > 0
    ? Deno.args
    : ["子进程发送数据,父进程接收数据", "", "管道可以收发空的消息"];
  for (const mess of messages) {
    const [parentConn, childConn] = mp.Pipe<string>();
    const p = new mp.Process({ target: func, args: [childConn, mess] });
    p.start();
    await p.join();
    const data = await parentConn.recv();
    console.log("父进程接收到的消息:", data);
  }

  const [parentConn, childConn] = mp.Pipe<unknown>();
  const p = new mp.Process({ target: f, args: [childConn], backend: "subprocess" });
  p.start();
  console.log(await parentConn.recv()); // [ 42, null, "hello" ]
  await p.join();
}
