"""Retrieval quality and latency of `auditor search` on the Python standard library.

    python bench/search.py [--no-tests] [--runs 3] [--work DIR]

Reads bench/data/search-queries.yaml (labeled by the team: query, language, 1-3 answers as
path under the interpreter's lib directory + qualified name), copies the standard library
(without site-packages; --no-tests also leaves out test directories) into a git repository,
indexes it with the built-in model (set AUDITOR_CACHE_DIR to reuse vectors), and prints Top-1,
Top-5 and MRR@10 per language for lexical, semantic and hybrid ranking.

Queries are split in two by a stable hash of their id. The fusion (weighted reciprocal rank
fusion, or a linear blend of normalized scores) is tuned on the "tune" half only; the figures
that count are the held-out half's. Then: latency per query in-process, warm `auditor search`
end to end (a new process), and `auditor index` after one file changed (medians of --runs).

With --backend openai --base-url URL --model NAME the same tables come from a server model
(queries sent with its search instruction); bench/gpu_server.sh runs that with SEARCH=1.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed import create_embedder
from auditor.search.early import search_config
from auditor.search.engine import POOL, Hit, Mode, load_table, search
from auditor.search.lexical import query_stems
from auditor.search.rank import DEFAULT_FUSION, Fusion, coverage, fuse
from auditor.search.service import query_vector, refreshed

QUERIES = Path(__file__).resolve().parent / "data" / "search-queries.yaml"
TEST_DIRS = {"test", "tests", "idle_test"}
PENALTIES = (0.0, 0.1, 0.2, 0.3, 1.0)
GIT = ["git", "-c", "user.name=b", "-c", "user.email=b@b.invalid"]


@dataclass
class Query:
    id: str
    lang: str
    text: str
    answers: set[tuple[str, str]]

    @property
    def half(self) -> str:
        return "tune" if hashlib.sha256(self.id.encode()).digest()[0] % 2 == 0 else "held-out"


def load_queries(path: Path) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Query(
            str(q["id"]),
            str(q["lang"]),
            str(q["query"]),
            {(a["path"], a["qualname"]) for a in q["answers"]},
        )
        for q in data
    ]


def make_repo(work: Path, tests: bool) -> Path:
    repo = work / ("stdlib" if tests else "stdlib-no-tests")
    if (repo / ".git").is_dir():
        return repo
    lib = Path(sysconfig.get_paths()["stdlib"])
    for source in sorted(lib.rglob("*.py")):
        parts = source.relative_to(lib).parts
        if "site-packages" in parts or "__pycache__" in parts:
            continue
        if not tests and TEST_DIRS.intersection(parts):
            continue
        target = repo / source.relative_to(lib)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    subprocess.run([*GIT, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*GIT, "add", "."], cwd=repo, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "stdlib"], cwd=repo, check=True)
    return repo


def rank_of(ranking: Sequence[tuple[str, str]], answers: set[tuple[str, str]]) -> int | None:
    for position, key in enumerate(ranking[:10], start=1):
        if key in answers:
            return position
    return None


def metrics(ranks: Sequence[int | None]) -> tuple[float, float, float]:
    n = max(len(ranks), 1)
    top1 = sum(1 for r in ranks if r == 1) / n
    top5 = sum(1 for r in ranks if r is not None and r <= 5) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    return top1, top5, mrr


@dataclass
class Pools:
    semantic: list[tuple[int, float]]
    lexical: list[tuple[int, float]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--no-tests", action="store_true", help="leave out test directories")
    parser.add_argument("--runs", type=int, default=3, help="runs per end-to-end timing (3)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "auditor-bs")
    parser.add_argument("--backend", choices=["builtin", "openai"], default="builtin")
    parser.add_argument("--base-url", help="openai backend: the server, e.g. http://gpu:30000/v1")
    parser.add_argument(
        "--model", help="openai backend: the served model (Qwen/Qwen3-Embedding-4B)"
    )
    parser.add_argument("--dimensions", type=int, help="openai backend: Matryoshka truncation")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    repo = make_repo(args.work, not args.no_tests)
    cache_dir = Path(os.environ.get("AUDITOR_CACHE_DIR") or args.work / "cache")
    config = search_config(
        Config(
            cache_dir=str(cache_dir),
            progress=sys.stderr.isatty(),
            backend=args.backend,
            base_url=args.base_url,
            model=args.model,
            dimensions=args.dimensions,
            api_key=os.environ.get("AUDITOR_API_KEY"),
        )
    )
    warnings: list[str] = []
    cache = VectorCache(cache_dir, warnings)
    embedder = create_embedder(config)
    started = time.perf_counter()
    index, stats = refreshed(repo, config, cache, embedder, warnings)
    print(
        f"index: {index.stats()['units']} units in {stats.files} files of {repo} "
        f"({stats.embedded} vectors embedded, {time.perf_counter() - started:.1f} s)"
    )
    table = load_table(index)
    rows = index.units(table.units.tolist())
    key_of = {u: (row.path, row.qualname) for u, row in rows.items()}
    missing = [q.id for q in queries if not any(a in key_of.values() for a in q.answers)]
    if missing:
        print(f"queries whose answers are not among the units: {', '.join(missing)}")

    pools: dict[str, Pools] = {}
    timings: dict[str, list[float]] = {m.value: [] for m in Mode}
    query_vector(embedder, cache, "warm the model up")
    for q in queries:
        found: dict[str, list[Hit]] = {}
        for mode in Mode:
            start = time.perf_counter()
            vector = None if mode is Mode.LEXICAL else query_vector(embedder, cache, q.text)
            found[mode.value] = search(index, table, q.text, vector, mode=mode, top=POOL)
            timings[mode.value].append(time.perf_counter() - start)
        pools[q.id] = Pools(
            [(h.unit.id, h.score) for h in found["semantic"]],
            [(h.unit.id, h.score) for h in found["lexical"]],
        )

    modules = {u for u, key in key_of.items() if key[1] == "<module>"}
    covered: dict[str, dict[int, float]] = {}
    for q in queries:
        p = pools[q.id]
        pool = list(dict.fromkeys([u for u, _ in p.semantic] + [u for u, _ in p.lexical]))
        wanted = query_stems(q.text)
        covered[q.id] = {u: coverage(wanted, r.terms) for u, r in index.units(pool).items()}

    def ranking(q: Query, method: str, fusion: Fusion) -> list[tuple[str, str]]:
        p = pools[q.id]
        if method == "hybrid":
            fused = fuse(p.semantic, p.lexical, fusion, covered[q.id], modules)
            ids = [u for u, _ in fused]
        else:
            ids = [u for u, _ in (p.semantic if method == "semantic" else p.lexical)]
        return [key_of.get(u) or ("", "") for u in ids]

    def mrr(subset: list[Query], fusion: Fusion) -> float:
        return metrics([rank_of(ranking(q, "hybrid", fusion), q.answers) for q in subset])[2]

    tune = [q for q in queries if q.half == "tune"]
    grid = [
        Fusion(method="rrf", k=k, semantic_weight=w, module_penalty=m)
        for k in (10, 60)
        for w in (1.0, 2.0)
        for m in PENALTIES
    ] + [
        Fusion(method="linear", alpha=a, coverage=c, module_penalty=m)
        for a in (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
        for c in (0.0, 0.4, 0.8, 1.2, 1.6, 2.0, 3.0)
        for m in PENALTIES
    ]
    best = max(grid, key=lambda f: mrr(tune, f))
    print(f"fusion tuned on {len(tune)} queries (tune half): {best}, MRR@10 {mrr(tune, best):.3f}")
    print(f"shipped default: {DEFAULT_FUSION}, MRR@10 {mrr(tune, DEFAULT_FUSION):.3f} (tune half)")
    none = Fusion(method="rrf", k=60)
    methods = [
        ("lexical", "lexical", none),
        ("semantic", "semantic", none),
        ("hybrid RRF k=60", "hybrid", none),
        ("hybrid shipped default", "hybrid", DEFAULT_FUSION),
        ("hybrid tuned here", "hybrid", best),
    ]
    print(
        f"\n{'half':<9} {'lang':<4} {'n':>4}  {'method':<28} "
        f"{'Top-1':>6} {'Top-5':>6} {'MRR@10':>7}"
    )
    for half in ("held-out", "tune", "all"):
        for lang in sorted({q.lang for q in queries}):
            subset = [q for q in queries if q.lang == lang and half in ("all", q.half)]
            for label, method, fusion in methods:
                ranks = [rank_of(ranking(q, method, fusion), q.answers) for q in subset]
                t1, t5, m = metrics(ranks)
                print(
                    f"{half:<9} {lang:<4} {len(subset):>4}  {label:<28} "
                    f"{t1:>6.3f} {t5:>6.3f} {m:>7.3f}"
                )

    print(f"\nlatency per query in-process ({len(queries)} queries, top {POOL}, median / p95 ms):")
    for mode, samples in timings.items():
        ordered = sorted(samples)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(f"  {mode:<9} {statistics.median(samples) * 1000:7.1f} / {p95 * 1000:7.1f}")
    index.close()
    cache.close()
    embedder.close()
    if args.backend == "builtin":
        end_to_end(repo, cache_dir, args.runs)
    return 0


def timed_cli(repo: Path, env: dict[str, str], argv: list[str]) -> float:
    start = time.perf_counter()
    # -P: as the installed `auditor` command, without the working directory on sys.path (here
    # a copy of the standard library, whose modules would shadow the interpreter's own).
    proc = subprocess.run(
        [sys.executable, "-P", "-m", "auditor", *argv],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"auditor {argv[0]} failed: {proc.stderr.strip()}")
    return elapsed


def end_to_end(repo: Path, cache_dir: Path, runs: int) -> None:
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "AUDITOR_CACHE_DIR": str(cache_dir), "PYTHONPATH": root}
    # An installed package has its bytecode compiled; let the first, untimed run write it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    query = ["search", "-q", "read a configuration file with sections and keys"]
    timed_cli(repo, env, query)
    warm = [timed_cli(repo, env, query) for _ in range(runs)]
    # A query no earlier run asked (its vector would be cached): the model must start.
    nonce = time.time_ns()
    fresh = [
        timed_cli(repo, env, [*query[:2], f"unseen query number {nonce}-{i} about sockets"])
        for i in range(runs)
    ]
    changed = repo / "json" / "encoder.py"
    original = changed.read_bytes()
    refresh = []
    try:
        for i in range(runs):
            changed.write_bytes(
                original + f"\n\ndef _bench_marker_{i}(value):\n    return repr(value)\n".encode()
            )
            refresh.append(timed_cli(repo, env, ["index", "-q"]))
    finally:
        changed.write_bytes(original)
        timed_cli(repo, env, ["index", "-q"])
    print(f"\nend to end, a new process each, median of {runs} (s):")
    print(f"  warm `auditor search` (query vector cached)   {statistics.median(warm):.3f}")
    print(f"  warm `auditor search` (new query, model runs) {statistics.median(fresh):.3f}")
    print(f"  `auditor index` after one file changed        {statistics.median(refresh):.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
