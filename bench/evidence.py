"""The confirmation stage's cost: milliseconds per unit for every rule's evidence.

    python bench/evidence.py [--corpus tests/corpus] [--tree DIR] [--limit N] [--runs 3]

Each unit is cut out of its file by the real extractor and every rule that applies to its
language and has evidence for it is confirmed on it: the cost a unit pays when the gate puts it
forward for all rules (data-flow rules run on every unit anyway). Prints the median over units
(of the median of --runs passes) and the 95th percentile, on the labeled corpus and on a real
tree (by default the standard library's Python files). Run it under another checkout's
PYTHONPATH to compare two versions on the same units.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import sysconfig
import time
from collections.abc import Sequence
from pathlib import Path

from auditor import evidence
from auditor.corpus import load_corpus
from auditor.extract import extract_units, language_for_path
from auditor.model import CodeUnit, Rule
from auditor.rules import load_rules, shipped_rules_dir


def corpus_units(directory: Path) -> list[CodeUnit]:
    units: list[CodeUnit] = []
    for entry in load_corpus(directory):
        found, _ = extract_units(entry.path, entry.code, entry.language)
        units += found
    return units


def tree_units(root: Path, limit: int) -> list[CodeUnit]:
    units: list[CodeUnit] = []
    for path in sorted(root.rglob("*.py")):
        if "test" in path.parts or "site-packages" in path.parts:
            continue
        language = language_for_path(path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if language is None:
            continue
        found, _ = extract_units(str(path.relative_to(root)), text, language)
        units += found
        if len(units) >= limit:
            break
    return units[:limit]


def cost(units: Sequence[CodeUnit], rules: Sequence[Rule], runs: int) -> list[float]:
    """Milliseconds per unit (median of ``runs`` passes), all applicable rules together."""
    per_unit: list[list[float]] = [[] for _ in units]
    for _ in range(runs):
        for i, unit in enumerate(units):
            applicable = [r for r in rules if r.applies_to(unit.language)]
            start = time.perf_counter()
            for rule in applicable:
                if rule.evidence_for(unit.language) is not None:
                    evidence.confirm(rule, unit)
            per_unit[i].append((time.perf_counter() - start) * 1000)
    return [statistics.median(times) for times in per_unit]


def row(name: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(0.95 * (len(values) - 1))] if values else 0.0
    median = statistics.median(values) if values else 0.0
    return f"{name:<34} {len(values):>7} {median:>9.2f} {p95:>9.2f} {sum(values) / 1000:>9.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("tests/corpus"))
    parser.add_argument("--tree", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--limit", type=int, default=3000, help="units taken from the tree")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rules = load_rules([shipped_rules_dir()])
    print(f"{'units':<34} {'n':>7} {'median ms':>9} {'p95 ms':>9} {'total s':>9}")
    corpus = corpus_units(args.corpus)
    cost(corpus[:50], rules, 1)  # warm caches and compiled patterns
    print(row(f"corpus ({args.corpus})", cost(corpus, rules, args.runs)))
    tree = tree_units(args.tree, args.limit)
    print(row(f"tree ({args.tree.name}, first {len(tree)})", cost(tree, rules, args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
