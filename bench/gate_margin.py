"""How far below the lowest known violation a rule's gate threshold should go.

    python bench/gate_margin.py [--corpus tests/corpus] [--splits 200]

`auditor rules calibrate` puts each rule's threshold under the lowest gate score among the
rule's known violations (the corpus's calibration half, the rule's own examples). The lowest of
a sample overstates where an unseen violation will score, so the threshold goes MARGIN lower.
This measures the choice by 2-fold cross-validation on the calibration half: split each rule's
violations at random, set the threshold from one half, count the other half's violations that
fall below it; and, for the cost, the share of the other units that pass the gate (evidence then
runs on them: more time, and for a rule whose evidence is not precise, more chances to be wrong).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from auditor.cache import VectorCache
from auditor.calibrate import MARGIN, entry_scores
from auditor.corpus import load_corpus, select_split
from auditor.embed.local import LocalEmbedder
from auditor.gate import leave_one_out, rule_vectors
from auditor.rules import load_rules, shipped_rules_dir

ROOT = Path(__file__).resolve().parent.parent
MARGINS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--splits", type=int, default=200, help="random 2-fold splits (200)")
    parser.add_argument("--cache-dir", type=Path, default=Path.home() / ".cache" / "auditor")
    args = parser.parse_args()
    entries = select_split(load_corpus(args.corpus), "calibration")
    rules = load_rules([shipped_rules_dir()])
    cache = VectorCache(args.cache_dir, [])
    embedder = LocalEmbedder(cache_dir=args.cache_dir)
    scores = entry_scores(entries, rules, embedder, cache)
    per_rule, _ = rule_vectors(embedder, cache, rules)
    rng = random.Random(7)
    missed = dict.fromkeys(MARGINS, 0)
    seen = 0
    print(
        f"{'rule':<28} {'n':>4}  "
        + " ".join(f"miss@{m:.2f}" for m in MARGINS)
        + "  passing@0/MARGIN"
    )
    for rule in rules:
        examples = leave_one_out(per_rule[rule.id])
        positives = [scores[e.id][rule.id] for e in entries if rule.id in e.labels]
        others = [scores[e.id][rule.id] for e in entries if rule.id not in e.labels]
        if len(positives) < 4:
            continue
        rule_missed = dict.fromkeys(MARGINS, 0)
        held = 0
        for _ in range(args.splits):
            order = rng.sample(positives, len(positives))
            half = len(order) // 2
            lowest = min(order[:half] + examples)
            for m in MARGINS:
                rule_missed[m] += sum(1 for s in order[half:] if s < lowest - m)
            held += len(order) - half
        lowest_all = min(positives + examples)
        passing = [sum(1 for s in others if s >= lowest_all - m) / len(others) for m in (0, MARGIN)]
        for m in MARGINS:
            missed[m] += rule_missed[m]
        seen += held
        rates = " ".join(f"{rule_missed[m] / held:9.4f}" for m in MARGINS)
        print(f"{rule.id:<28} {len(positives):>4}  {rates}  {passing[0]:.2f}/{passing[1]:.2f}")
    pooled = " ".join(f"{missed[m] / max(seen, 1):9.4f}" for m in MARGINS)
    print(f"{'all rules (pooled)':<28} {'':>4}  {pooled}")
    chosen = next((m for m in MARGINS if missed[m] / max(seen, 1) <= 0.01), None)
    print(f"smallest margin missing at most 1% of unseen violations: {chosen}; shipped: {MARGIN}")
    cache.close()
    embedder.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
