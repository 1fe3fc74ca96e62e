# The synchronisation workloads of bench/compare/sync.ts through Python's
# multiprocessing; prints JSON with milliseconds per run.
import json
import multiprocessing as mp
import sys
import time

PAIRS = 100_000
CHILDREN = 4
INCREMENTS = 10_000


def pairs():
    lock = mp.Lock()
    t0 = time.perf_counter()
    for _ in range(PAIRS):
        lock.acquire()
        lock.release()
    return (time.perf_counter() - t0) * 1000


def add(v, start, times, slot, n):
    start.wait()
    t0 = time.time()
    lock = v.get_lock()
    for _ in range(n):
        with lock:
            v.value += 1
    t1 = time.time()
    with lock:
        times[slot * 2] = t0
        times[slot * 2 + 1] = t1


def counter():
    v = mp.Value("i", 0)
    start = mp.Barrier(CHILDREN)
    times = mp.Array("d", CHILDREN * 2)
    w0 = time.perf_counter()
    ps = [mp.Process(target=add, args=(v, start, times, s, INCREMENTS)) for s in range(CHILDREN)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    whole = (time.perf_counter() - w0) * 1000
    assert v.value == CHILDREN * INCREMENTS, v.value
    t = times[:]
    return (max(t[1::2]) - min(t[0::2])) * 1000, whole


if __name__ == "__main__":
    ms, whole = counter()
    print(json.dumps({"pairs": pairs(), "counter": ms, "counterWhole": whole}))
