"""The gate's vector search: USearch HNSW index (build + search) vs exact brute-force search.

    python bench/index.py [--sizes 1000 10000 50000]

Random unit vectors stand in for window vectors (384 dims, MiniLM); queries are 15 rules x 5
vectors, each asking for every neighbour above a threshold, as the gate does. Prints the median
of several runs.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from usearch.index import Index, MetricKind, search

DIMS, QUERIES = 384, 75


def timed(fn: object, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'vectors':>8} {'hnsw build s':>13} {'hnsw search s':>14} {'exact search s':>15}")
    for size in args.sizes:
        data = rng.standard_normal((size, DIMS)).astype(np.float32)
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        queries = data[:QUERIES] + 0.01
        count = min(size, 4096)

        def build(size: int = size, data: np.ndarray = data) -> Index:
            index = Index(ndim=DIMS, metric="cos", dtype="f32")
            index.add(np.arange(size, dtype=np.uint64), data)
            return index

        built = build()
        t_build = timed(build, args.runs)
        t_hnsw = timed(lambda b=built, q=queries, c=count: b.search(q, c), args.runs)
        t_exact = timed(
            lambda d=data, q=queries, n=size: search(d, q, n, MetricKind.Cos, exact=True),
            args.runs,
        )
        print(f"{size:>8} {t_build:>13.3f} {t_hnsw:>14.3f} {t_exact:>15.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
