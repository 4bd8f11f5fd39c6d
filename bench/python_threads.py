"""Threads sharing one unspin.Engine: detect on 200 Brown test documents
spun at rate 0.2, on 1 and on 2 threads, twice each (after a warm-up).
Usage: PYTHONPATH=build/python /usr/bin/python3 bench/python_threads.py [build-dir]"""
import json
import sys
import threading
import time

import unspin

build = sys.argv[1] if len(sys.argv) > 1 else "build"
engine = unspin.Engine()
docs = [json.loads(line)["text"] for line, _ in zip(open(f"{build}/eval/brown-test.jsonl"), range(200))]
spun = [engine.spin(d, rate=0.2, seed=i)["text"] for i, d in enumerate(docs)]
megabytes = sum(len(t.encode()) for t in spun) / 1e6


def run(n_threads):
    chunks = [spun[i::n_threads] for i in range(n_threads)]

    def work(chunk):
        for text in chunk:
            engine.detect(text)

    threads = [threading.Thread(target=work, args=(c,)) for c in chunks]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start


run(1)
for n in (1, 2, 1, 2):
    seconds = run(n)
    print(f"{n} thread(s): {seconds:.2f} s, {len(spun) / seconds:.0f} docs/s, {megabytes / seconds:.2f} MB/s")
