# Python's side of bench/compare/joinable.ts: a JoinableQueue between two
# children, put per item by one, get + task_done per item by the other.
# Prints k items/s as JSON.
import json
import sys
import time
from multiprocessing import JoinableQueue, Process, Queue
def prod(q, n):
    for i in range(n): q.put(i)
    q.join()
def cons(q, n, done):
    s = 0
    for i in range(n):
        s += q.get(); q.task_done()
    done.put(s)
if __name__ == "__main__":
    n = int(sys.argv[1]); q = JoinableQueue(); done = Queue()
    t0 = time.perf_counter()
    a = Process(target=prod, args=(q, n)); b = Process(target=cons, args=(q, n, done)); a.start(); b.start()
    s = done.get(); a.join(); b.join()
    print(json.dumps({"kps": n / (time.perf_counter() - t0) / 1000}))
