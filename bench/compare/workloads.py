"""The pool workloads of bench/pool_bench.ts through Python's multiprocessing.

Run by bench/compare/run.ts (deno task compare); prints one JSON object.
Usage: python3 bench/compare/workloads.py [w1] [w2] [w3] [w7=N]
"""
import json
import sys
import time
from multiprocessing import Pool


def square(x):
    return x * x


def noop():
    return None


def count_primes(n):
    count = 0
    for i in range(2, n):
        d = 2
        prime = True
        while d * d <= i:
            if i % d == 0:
                prime = False
                break
            d += 1
        if prime:
            count += 1
    return count


def identity(x):
    return x


def peak_rss_bytes():
    """The process's peak resident set size (VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def w1(pool):
    xs = list(range(1_000_000))
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        out = pool.map(square, xs)
        best = min(best, time.perf_counter() - t0)
        assert out[-1] == 999_999 ** 2
    return {"items_per_s": 1_000_000 / best}


def w2():
    with Pool(1) as pool:
        pool.apply(noop)
        blocks = []
        for _ in range(30):
            t0 = time.perf_counter()
            for _ in range(100):
                pool.apply(noop)
            blocks.append((time.perf_counter() - t0) * 1e6 / 100)
        blocks.sort()
        return {"us_per_call": blocks[len(blocks) // 2]}


def w3(pool):
    items = [40_000] * 16
    t0 = time.perf_counter()
    [count_primes(n) for n in items]
    sequential = time.perf_counter() - t0
    pool.map(count_primes, items[:2])
    t0 = time.perf_counter()
    pool.map(count_primes, items)
    parallel = time.perf_counter() - t0
    return {"speedup": sequential / parallel}


def w7(pool, n_items):
    """imap_unordered over n_items with a slow consumer; returns peak RSS."""
    n = 0
    at_million = 0
    for _ in pool.imap_unordered(identity, range(n_items), chunksize=1000):
        n += 1
        if n % 1000 == 0:
            time.sleep(0.002)
        if n == 1_000_000:
            at_million = peak_rss_bytes()
    assert n == n_items
    return {"items": n, "peak_rss": peak_rss_bytes(), "peak_rss_at_1m": at_million}


if __name__ == "__main__":
    wanted = sys.argv[1:] or ["w1", "w2", "w3"]
    out = {}
    if "w2" in wanted:
        out["w2"] = w2()
    with Pool(2) as pool:
        if "w1" in wanted:
            out["w1"] = w1(pool)
        if "w3" in wanted:
            out["w3"] = w3(pool)
        for arg in wanted:
            if arg.startswith("w7="):
                out["w7"] = w7(pool, int(arg[3:]))
    print(json.dumps(out))
