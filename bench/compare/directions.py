"""Python's side of bench/compare/directions.ts: lists of 1 000 items per
Queue put (child -> child), and send_bytes of 1 MiB parent -> child, each send
returning before the next. Prints one JSON object of milliseconds.
Usage: python3 bench/compare/directions.py
"""
import json
import time
from multiprocessing import Pipe, Process, Queue

LIST_PUTS = 200
LIST_LEN = 1000
MIB = 1 << 20
BLOCKS = 200


def produce_lists(q, puts, n):
    for p in range(puts):
        q.put([{"i": p * n + j, "s": "hello"} for j in range(n)])


def consume_lists(q, puts, done):
    total = sum(x["i"] for x in q.get())
    first = time.perf_counter()
    for _ in range(puts - 1):
        total += sum(x["i"] for x in q.get())
    done.put((total, (time.perf_counter() - first) * 1000))


def receive_blocks(conn, k):
    conn.send("ready")
    total = 0
    for _ in range(k):
        total += len(conn.recv_bytes())
    conn.send(total)


def lists():
    q, done = Queue(), Queue()
    consumer = Process(target=consume_lists, args=(q, LIST_PUTS, done))
    producer = Process(target=produce_lists, args=(q, LIST_PUTS, LIST_LEN))
    consumer.start()
    producer.start()
    total, ms = done.get()
    n = LIST_PUTS * LIST_LEN
    assert total == n * (n - 1) // 2
    producer.join()
    consumer.join()
    return ms


def bytes_down():
    mine, theirs = Pipe()
    p = Process(target=receive_blocks, args=(theirs, BLOCKS))
    p.start()
    mine.recv()
    buffer = bytearray(MIB)
    t0 = time.perf_counter()
    for i in range(BLOCKS):
        buffer[0] = i & 255
        mine.send_bytes(buffer)
    assert mine.recv() == BLOCKS * MIB
    took = time.perf_counter() - t0
    p.join()
    return took * 1000


if __name__ == "__main__":
    print(json.dumps({"lists": lists(), "bytesDown": bytes_down()}))
