"""Per-model gate thresholds from labeled data (`auditor rules calibrate`).

A rule's threshold is set so that the gate keeps at least ``recall`` of the known violations:
the violating units of a labeled corpus that carry the rule's label, and the rule's own violating
examples (each scored without itself). Precision is the evidence stage's job; the gate only has
to let the violations through while keeping unrelated code out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import yaml

from auditor import extract
from auditor.cache import VectorCache
from auditor.corpus import Entry
from auditor.embed.base import Embedder
from auditor.gate import embed_cached, leave_one_out, rule_vectors, score
from auditor.model import Rule
from auditor.output import write_atomic
from auditor.prepare import extract_files

FLOOR, CEILING = 0.05, 0.95
# Below the lowest known violation's score: the lowest of a sample overstates where the next
# unseen violation will score. bench/gate_margin.py, 2-fold cross-validation on the corpus's
# calibration half (200 random splits): a threshold at the lowest score of one half let 2.5%
# of the other half's violations fall below it; 0.02 below it, 1.3%; 0.03 below it, 0.9%, the
# smallest margin under 1%.
MARGIN = 0.03


def entry_scores(
    entries: Sequence[Entry],
    rules: Sequence[Rule],
    embedder: Embedder,
    cache: VectorCache,
    window_lines: int = 40,
    window_overlap: int = 10,
) -> dict[str, dict[str, float]]:
    """Per entry id, per rule id: the best gate score of any window of the entry's units."""
    files, _ = extract_files([e.target() for e in entries], max_file_bytes=10_000_000)
    owner = {e.path: e.id for e in entries}
    windows = [
        (owner[f.target.path], w)
        for f in files
        for u in f.units
        for w in extract.windows(u, window_lines, window_overlap)
    ]
    vectors, _ = embed_cached(embedder, cache, [w.text for _, w in windows])
    per_rule, _ = rule_vectors(embedder, cache, rules)
    out: dict[str, dict[str, float]] = {e.id: {} for e in entries}
    for rule in rules:
        sims = score(vectors, per_rule[rule.id])
        for (entry_id, _), sim in zip(windows, sims.tolist(), strict=True):
            best = out[entry_id].get(rule.id, -1.0)
            out[entry_id][rule.id] = max(best, sim)
    return out


def calibrate(
    rules: Sequence[Rule],
    embedder: Embedder,
    cache: VectorCache,
    entries: Sequence[Entry],
    recall: float = 1.0,
    margin: float = MARGIN,
) -> dict[str, tuple[float, int]]:
    """Per rule id: (threshold, number of positives it was computed from); ``margin`` below
    the score that keeps ``recall`` of them."""
    scores = entry_scores(entries, rules, embedder, cache)
    per_rule, _ = rule_vectors(embedder, cache, rules)
    out: dict[str, tuple[float, int]] = {}
    for rule in rules:
        examples = leave_one_out(per_rule[rule.id])
        positives = [scores[e.id][rule.id] for e in entries if rule.id in e.labels] + examples
        if not positives:
            continue
        # The largest threshold that still keeps `recall` of the positives above it, and never
        # one that a rule's own violating example misses (`auditor rules test` holds rules to
        # their examples).
        keep = max(1, math.ceil(recall * len(positives)))
        cut = sorted(positives, reverse=True)[keep - 1]
        if examples:
            cut = min(cut, *examples)
        threshold = min(CEILING, max(FLOOR, math.floor((cut - margin) * 1000) / 1000))
        out[rule.id] = (threshold, len(positives))
    return out


def write_thresholds(path: Path, model_key: str, thresholds: dict[str, float]) -> None:
    """Replace this model's table in the thresholds file, keeping other models' tables."""
    data: dict[str, dict[str, float]] = {}
    if path.is_file():
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(loaded, dict):
            data = loaded
    data[model_key] = dict(sorted(thresholds.items()))
    header = (
        "# Gate thresholds per embedding model, written by `auditor rules calibrate`.\n"
        "# A rule's own `threshold` applies to models not listed here.\n"
    )
    write_atomic(path, header + yaml.safe_dump(dict(sorted(data.items())), sort_keys=True))
