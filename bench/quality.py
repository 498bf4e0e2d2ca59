"""Rule quality on the labeled corpus: precision, recall and F1 per rule, beside Bandit and
detect-secrets on the same units, in the same run.

    python bench/quality.py [--corpus tests/corpus] [--split all|held-out|calibration]

Each corpus entry is scanned as its own file through the real pipeline (extraction, the built-in
model, the gate, evidence). An entry counts as flagged for a rule when any finding of that rule
lands in it. Thresholds were calibrated on the "calibration" half of the corpus; the "held-out"
half was not used for anything but this measurement.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from auditor.cache import VectorCache
from auditor.config import Config
from auditor.corpus import Entry, load_corpus, select_split
from auditor.embed.local import LocalEmbedder
from auditor.model import Precision, Rule
from auditor.rules import load_rules, shipped_rules_dir
from auditor.scan import Scan

# Bandit test ids that speak to a rule of the pack (Bandit's own documentation lists them).
BANDIT_RULES = {
    "B105": "hardcoded-secret",
    "B106": "hardcoded-secret",
    "B107": "hardcoded-secret",
    "B608": "sql-injection",
    "B602": "command-injection",
    "B604": "command-injection",
    "B605": "command-injection",
    "B609": "command-injection",
    "B301": "unsafe-deserialization",
    "B302": "unsafe-deserialization",
    "B506": "unsafe-deserialization",
    "B501": "tls-verification-disabled",
    "B323": "tls-verification-disabled",
    "B303": "weak-password-hash",
    "B324": "weak-password-hash",
    "B311": "insecure-randomness",
    "B307": "code-injection",
    "B102": "code-injection",
    "B701": "xss",
    "B703": "xss",
    "B704": "xss",
    "B320": "xpath-injection",
}

Predictions = dict[str, set[str]]  # entry id -> rule ids flagged


Described = list[tuple[object, ...]]  # every field a user sees of each finding


def run_auditor(
    entries: Sequence[Entry],
    rules: Sequence[Rule],
    precision: Precision,
    cache_dir: Path,
    cascade: bool = True,
) -> tuple[Predictions, float, int, Described]:
    warnings: list[str] = []
    cache = VectorCache(cache_dir, warnings)
    config = replace(Config(), precision=precision, progress=False, cascade=cascade)
    start = time.perf_counter()
    result = Scan(config, rules, cache, LocalEmbedder).run([e.target() for e in entries])
    elapsed = time.perf_counter() - start
    cache.close()
    owner = {e.path: e.id for e in entries}
    flagged: Predictions = defaultdict(set)
    for finding in result.findings:
        flagged[owner[finding.unit.path]].add(finding.rule.id)
    described: Described = [
        (f.rule.id, f.unit.path, f.unit.qualname, f.start_line, f.end_line, f.score, f.detail,
         f.key, f.rank, f.confirmed, f.snippet, str(f.flow))
        for f in result.findings
    ]  # fmt: skip
    return flagged, elapsed, result.embedded, described


def _write(entries: Iterable[Entry], directory: Path) -> dict[str, str]:
    owner = {}
    for entry in entries:
        path = directory / Path(entry.path).name
        path.write_text(entry.code, encoding="utf-8")
        owner[path.name] = entry.id
    return owner


def run_bandit(entries: Sequence[Entry], work: Path) -> tuple[Predictions, float] | None:
    exe = shutil.which("bandit")
    if exe is None:
        return None
    directory = work / "bandit"
    directory.mkdir()
    owner = _write((e for e in entries if e.language == "python"), directory)
    start = time.perf_counter()
    proc = subprocess.run(
        [exe, "-r", str(directory), "-f", "json", "-q"], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    flagged: Predictions = defaultdict(set)
    for issue in json.loads(proc.stdout or "{}").get("results", []):
        rule = BANDIT_RULES.get(issue["test_id"])
        if rule:
            flagged[owner[Path(issue["filename"]).name]].add(rule)
    return flagged, elapsed


def run_detect_secrets(entries: Sequence[Entry], work: Path) -> tuple[Predictions, float] | None:
    exe = shutil.which("detect-secrets")
    if exe is None:
        return None
    directory = work / "secrets"
    directory.mkdir()
    owner = _write(entries, directory)
    start = time.perf_counter()
    proc = subprocess.run(
        [exe, "scan", "--all-files", "."],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    flagged: Predictions = defaultdict(set)
    for name in json.loads(proc.stdout or "{}").get("results", {}):
        flagged[owner[Path(name).name]].add("hardcoded-secret")
    return flagged, elapsed


def prf(
    entries: Sequence[Entry], flagged: Predictions, rule: str
) -> tuple[float, float, float, int]:
    tp = sum(1 for e in entries if rule in e.labels and rule in flagged.get(e.id, ()))
    fp = sum(1 for e in entries if rule not in e.labels and rule in flagged.get(e.id, ()))
    fn = sum(1 for e in entries if rule in e.labels and rule not in flagged.get(e.id, ()))
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp + fn


def table(
    title: str, entries: Sequence[Entry], rules: Sequence[str], systems: dict[str, Predictions]
) -> None:
    print(f"\n{title} ({len(entries)} units)")
    names = list(systems)
    header = f"{'rule':<26} {'n':>4} " + " ".join(f"{n:>20}" for n in names)
    print(header)
    print(" " * 32 + " ".join(f"{'P    R    F1':>20}" for _ in names))
    macro: dict[str, list[float]] = defaultdict(list)
    for rule in rules:
        cells = []
        support = 0
        for name in names:
            p, r, f, support = prf(entries, systems[name], rule)
            macro[name].append(f)
            cells.append(f"{p:5.2f}{r:5.2f}{f:5.2f}".rjust(20))
        print(f"{rule:<26} {support:>4} " + " ".join(cells))
    print(f"{'macro F1':<31} " + " ".join(f"{sum(v) / len(v):>20.3f}" for v in macro.values()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("tests/corpus"))
    parser.add_argument("--split", choices=["all", "held-out", "calibration"], default="all")
    parser.add_argument("--cache-dir", type=Path, help="vector cache to reuse between runs")
    parser.add_argument(
        "--details", action="store_true", help="list the missed and false entries of strict mode"
    )
    args = parser.parse_args()
    entries = select_split(load_corpus(args.corpus), args.split)
    rules = load_rules([shipped_rules_dir()])
    rule_ids = [r.id for r in rules]
    work = Path(tempfile.mkdtemp(prefix="auditor-quality-"))
    cache_dir = args.cache_dir or work / "cache"
    try:
        broad, t_first, embedded, _ = run_auditor(entries, rules, Precision.BROAD, cache_dir)
        strict, t_warm, _, cascaded = run_auditor(entries, rules, Precision.STRICT, cache_dir)
        # The cascade (embed only what evidence confirmed) must change no finding at all.
        _, t_full, _, full = run_auditor(entries, rules, Precision.STRICT, cache_dir, False)
        # The same with every unit put forward (no semantic gate): evidence alone decides.
        open_gate = [replace(r, threshold=-1.0, thresholds=()) for r in rules]
        ungated, t_ungated, _, _ = run_auditor(entries, open_gate, Precision.STRICT, cache_dir)
        bandit = run_bandit(entries, work)
        secrets = run_detect_secrets(entries, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    table(
        f"All languages, split={args.split}",
        entries,
        rule_ids,
        {"auditor strict": strict, "strict, no gate": ungated, "auditor broad": broad},
    )
    python = [e for e in entries if e.language == "python"]
    if bandit is not None:
        covered = sorted(set(BANDIT_RULES.values()))
        table(
            "Python units, rules Bandit covers",
            python,
            covered,
            {"auditor strict": strict, "bandit": bandit[0]},
        )
    if secrets is not None:
        table(
            "hardcoded-secret, all languages",
            entries,
            ["hardcoded-secret"],
            {"auditor strict": strict, "detect-secrets": secrets[0]},
        )
    if args.details:
        for rule in rule_ids:
            missed = [
                e.id for e in entries if rule in e.labels and rule not in strict.get(e.id, ())
            ]
            false = [e.id for e in entries if rule not in e.labels and rule in strict.get(e.id, ())]
            gate = [e for e in missed if rule in ungated.get(e, ())]  # evidence would confirm
            print(f"\n{rule}: missed {missed}\n{rule}: false {false}")
            print(f"{rule}: missed at the gate only {gate}")
    only_cascade = sorted(set(cascaded) - set(full), key=str)
    only_full = sorted(set(full) - set(cascaded), key=str)
    print(
        f"\nCascade: {len(cascaded)} strict findings with it, {len(full)} without; "
        f"{len(only_cascade) + len(only_full)} differ"
    )
    for row in only_cascade:
        print(f"  only with the cascade: {row[:5]}")
    for row in only_full:
        print(f"  only without the cascade: {row[:5]}")
    print("\nTime (s)")
    print(f"  auditor broad, {embedded:>5} vectors embedded:       {t_first:7.2f}")
    print(f"  auditor strict, all vectors cached:              {t_warm:7.2f}")
    print(f"  auditor strict, cached, without the cascade:     {t_full:7.2f}")
    print(f"  auditor strict without the gate:                 {t_ungated:7.2f}")
    if bandit is not None:
        print(f"  bandit on {len(python)} python units:                   {bandit[1]:7.2f}")
    if secrets is not None:
        print(f"  detect-secrets on {len(entries)} units:                {secrets[1]:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
