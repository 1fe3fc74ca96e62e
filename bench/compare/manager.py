"""The manager workload of bench/compare/manager.ts through Python's
multiprocessing.Manager: a child does N `d[i] = i` into a manager dict, timed
inside the child from its first set to its last, then one read (len) so that
every set is known to have arrived.

Run by bench/compare/manager.ts once per round; prints one JSON object:
{"ms": child's milliseconds, "n": N}.
Usage: python3 bench/compare/manager.py [N]
"""
import json
import sys
import time
from multiprocessing import Manager, Process, Queue

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000


def writer(d, n, done):
    t0 = time.perf_counter()
    for i in range(n):
        d[i] = i
    size = len(d)
    done.put((size, (time.perf_counter() - t0) * 1000))


def main():
    with Manager() as manager:
        d = manager.dict()
        done = Queue()
        p = Process(target=writer, args=(d, N, done))
        p.start()
        size, ms = done.get()
        p.join()
        assert size == N and len(d) == N and d[N - 1] == N - 1
        print(json.dumps({"ms": ms, "n": N}))


if __name__ == "__main__":
    main()
