"""The IPC workloads of bench/ipc_bench.ts through Python's multiprocessing.

Run by bench/compare/ipc.ts (deno task compare), once per round; prints one
JSON object of milliseconds, each the consumer's time from its first item to
its last (start-up excluded, as in bench/ipc_workloads.ts).
Usage: python3 bench/compare/ipc.py
"""
import json
import time
from multiprocessing import Pipe, Process, Queue

W4_ITEMS = 200_000
W5_MESSAGES = 200_000
W5_MIB = 1 << 20
W5_BLOCKS = 200


def produce(q, n):
    for i in range(n):
        q.put({"i": i, "s": "hello"})


def consume(q, n, done):
    total = q.get()["i"]
    first = time.perf_counter()
    for _ in range(n - 1):
        total += q.get()["i"]
    done.put((total, (time.perf_counter() - first) * 1000))


def send_small(conn, n):
    for i in range(n):
        conn.send({"i": i, "s": "hello"})


def send_blocks(conn, k, size):
    buffer = bytearray(size)
    for i in range(k):
        buffer[0] = i & 255
        conn.send_bytes(buffer)


def w4():
    q, done = Queue(), Queue()
    consumer = Process(target=consume, args=(q, W4_ITEMS, done))
    producer = Process(target=produce, args=(q, W4_ITEMS))
    consumer.start()
    producer.start()
    total, ms = done.get()
    assert total == W4_ITEMS * (W4_ITEMS - 1) // 2
    producer.join()
    consumer.join()
    return ms


def w5_small():
    mine, theirs = Pipe()
    p = Process(target=send_small, args=(theirs, W5_MESSAGES))
    p.start()
    total = mine.recv()["i"]
    t0 = time.perf_counter()
    for _ in range(W5_MESSAGES - 1):
        total += mine.recv()["i"]
    took = time.perf_counter() - t0
    assert total == W5_MESSAGES * (W5_MESSAGES - 1) // 2
    p.join()
    return took * 1000


def w5_bytes():
    mine, theirs = Pipe()
    p = Process(target=send_blocks, args=(theirs, W5_BLOCKS, W5_MIB))
    p.start()
    t0 = 0
    for i in range(W5_BLOCKS):
        block = mine.recv_bytes()
        if i == 0:
            t0 = time.perf_counter()
        assert block[0] == i & 255 and len(block) == W5_MIB
    took = time.perf_counter() - t0
    p.join()
    return took * 1000


if __name__ == "__main__":
    print(json.dumps({"w4": w4(), "w5": w5_small(), "w5b": w5_bytes()}))
