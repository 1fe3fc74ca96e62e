# Python's side of bench/compare/latency.ts: multiprocessing Pipe ping-pong
# (send/recv of an int, parent <-> child), microseconds per round trip, as JSON.
import json
import sys
import time
from multiprocessing import Pipe, Process

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000


def echo(conn):
    while True:
        x = conn.recv()
        if x is None:
            return
        conn.send(x)


if __name__ == "__main__":
    parent, child = Pipe()
    p = Process(target=echo, args=(child,))
    p.start()
    for i in range(200):
        parent.send(i)
        parent.recv()
    t0 = time.perf_counter()
    for i in range(N):
        parent.send(i)
        parent.recv()
    us = (time.perf_counter() - t0) * 1e6 / N
    parent.send(None)
    p.join()
    print(json.dumps({"pipe": us}))
