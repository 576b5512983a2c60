#!/usr/bin/env python3
"""PyTorch side of rnn-models' GEMM bench (gemm.bench.ts): times torch.mm on the
products given as JSON [[m, k, n], ...] on stdin, with OMP_WAIT_POLICY=PASSIVE (as
torch_peer.py) and the thread count of argv[1]; prints one JSON line per product:
{"m", "k", "n", "seconds"} (median of the rounds' mean time per product)."""
import json
import os
import statistics
import sys
import time

threads = int(sys.argv[1])
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ["OMP_NUM_THREADS"] = str(threads)
os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
import torch  # noqa: E402  (after the thread variables, which torch reads at import)

torch.set_num_threads(threads)
torch.manual_seed(0)
min_round_s = float(sys.argv[2]) if len(sys.argv) > 2 else 0.15
for m, k, n in json.loads(sys.stdin.read()):
    a = torch.randn(m, k)
    b = torch.randn(k, n)
    for _ in range(3):
        torch.mm(a, b)
    rounds = []
    for _ in range(5):
        reps = 0
        start = time.perf_counter()
        while True:
            torch.mm(a, b)
            reps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_round_s and reps >= 3:
                break
        rounds.append(elapsed / reps)
    print(json.dumps({"m": m, "k": k, "n": n, "seconds": statistics.median(rounds)}), flush=True)
