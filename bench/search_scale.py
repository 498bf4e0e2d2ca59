"""Vector search at scale: exact scan vs the HNSW graph, per query, as `auditor search` runs it.

    python bench/search_scale.py [--sizes 10000 100000 250000 1000000] [--queries 20]

Synthetic unit vectors (384 dims, one window per unit, L2-normalized Gaussian noise); each
query is a stored vector plus noise. A query asks for the best 100 units, as the hybrid
ranking's semantic pool does. Prints the median per-query time of the exact scan
(auditor.search.vectors.VectorTable without a graph), the graph's build time and per-query
time, and the graph's recall of the exact top 1 (the stored vector the query was made from)
and top 10 (on structureless random vectors the other nine are barely closer than the rest:
the hardest case for a graph). The graph is built only for sizes from
--graph-from on (building 1M takes minutes on 2 cores; it is built once per index generation).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from auditor.search.engine import POOL, _best_rows
from auditor.search.vectors import GRAPH_ABOVE, VectorTable, build_graph

DIMS = 384


def per_query(table: VectorTable, queries: np.ndarray) -> tuple[float, list[list[int]]]:
    samples, tops = [], []
    for query in queries:
        start = time.perf_counter()
        units, sims = table.best(query)
        top = units[_best_rows(sims, POOL)]
        samples.append(time.perf_counter() - start)
        tops.append(top[:10].tolist())
    return statistics.median(samples), tops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10_000, 100_000, 250_000, 1_000_000]
    )
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--graph-from", type=int, default=250_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"switch in auditor: exact below {GRAPH_ABOVE:,} windows, graph above")
    print(
        f"{'units':>9} {'exact ms':>9} {'build s':>8} {'graph ms':>9} {'recall@1':>9} "
        f"{'recall@10':>9}"
    )
    for size in args.sizes:
        data = rng.standard_normal((size, DIMS), dtype=np.float32)
        data /= np.linalg.norm(data, axis=1, keepdims=True)
        picks = rng.choice(size, args.queries, replace=False)
        queries = data[picks] + 0.05 * rng.standard_normal((args.queries, DIMS), dtype=np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        ids = np.arange(size, dtype=np.int64)
        exact_s, exact_top = per_query(VectorTable(ids, data), queries)
        row = f"{size:>9,} {exact_s * 1000:>9.1f}"
        if size >= args.graph_from:
            start = time.perf_counter()
            graph = build_graph(data)
            build = time.perf_counter() - start
            graph_s, graph_top = per_query(VectorTable(ids, data, graph), queries)
            pairs = list(zip(exact_top, graph_top, strict=True))
            recall1 = statistics.mean(e[0] == g[0] for e, g in pairs)
            recall = statistics.mean(len(set(e) & set(g)) / 10 for e, g in pairs)
            row += f" {build:>8.0f} {graph_s * 1000:>9.1f} {recall1:>9.2f} {recall:>9.2f}"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
