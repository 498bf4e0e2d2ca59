"""Secret detection on the labeled secrets corpus: line-level precision, recall and F1, beside
detect-secrets on the same files, in the same run.

    python bench/secrets.py [--corpus tests/corpus/secrets] [--split held-out|calibration|all]
                            [--misses]

The corpus (written by others, not by the detector's authors) labels, per file, the 1-based lines
that hold a true credential; every other line is a negative. A tool's line counts as flagged
when it reports a secret on it. The detector was tuned on the ``calibration`` split only;
``--misses`` (the lines a tool got wrong) is refused on any other split.

Rows: auditor through its real pipeline (extraction, the built-in model, the gate, evidence)
with the gate not vetoing the secret detector (the shipped choice), the same with generic
keyword-context hits required to pass the gate (the alternative), and detect-secrets 1.x with
its default plugins and filters (``detect-secrets scan --all-files``).
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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed.local import LocalEmbedder
from auditor.git import Target
from auditor.rules import load_rules, shipped_rules_dir
from auditor.scan import Scan

Lines = dict[str, set[int]]  # corpus path -> flagged 1-based lines


@dataclass(frozen=True)
class Labeled:
    path: str
    kind: str
    split: str
    secret: frozenset[int]


def load_labels(corpus: Path, split: str) -> list[Labeled]:
    doc = yaml.safe_load((corpus / "labels.yaml").read_text(encoding="utf-8"))
    files = [
        Labeled(e["file"], e["kind"], e["split"], frozenset(e.get("secret") or ())) for e in doc
    ]
    return [f for f in files if split == "all" or f.split == split]


def run_auditor(
    corpus: Path, files: Sequence[Labeled], cache_dir: Path, *, gate_generic: bool
) -> tuple[Lines, float]:
    rules = [r for r in load_rules([shipped_rules_dir()]) if r.id == "hardcoded-secret"]
    warnings: list[str] = []
    cache = VectorCache(cache_dir, warnings)
    targets = [Target(f.path, (corpus / f.path).read_bytes(), None) for f in files]
    config = replace(Config(), progress=False)
    start = time.perf_counter()
    scan = Scan(config, rules, cache, LocalEmbedder, gate_generic_secrets=gate_generic)
    result = scan.run(targets)
    elapsed = time.perf_counter() - start
    cache.close()
    flagged: Lines = defaultdict(set)
    for finding in result.findings:
        flagged[finding.unit.path].add(finding.start_line)
    if not gate_generic:
        code = [f for f in result.findings if f.unit.kind != "file"]
        below = [f for f in code if f.score < f.rule.threshold_for(result.model)]
        print(f"secret findings in code below the gate (kept): {len(below)} of {len(code)}")
    return flagged, elapsed


def run_detect_secrets(corpus: Path, files: Sequence[Labeled], work: Path) -> tuple[Lines, float]:
    exe = shutil.which("detect-secrets")
    if exe is None:
        sys.exit("detect-secrets is not installed: pip install detect-secrets")
    directory = work / "detect-secrets"
    for f in files:  # the same names: detect-secrets picks filters by file name
        (directory / f.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / f.path, directory / f.path)
    start = time.perf_counter()
    proc = subprocess.run(
        [exe, "scan", "--all-files", "."], cwd=directory, capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    flagged: Lines = defaultdict(set)
    for name, found in json.loads(proc.stdout).get("results", {}).items():
        flagged[Path(name).as_posix()].update(int(item["line_number"]) for item in found)
    return flagged, elapsed


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(files: Sequence[Labeled], flagged: Lines) -> Score:
    tp = fp = fn = 0
    for f in files:
        got = flagged.get(f.path, set())
        tp += len(got & f.secret)
        fp += len(got - f.secret)
        fn += len(f.secret - got)
    return Score(tp, fp, fn)


def misses(files: Sequence[Labeled], flagged: Lines, corpus: Path) -> list[str]:
    out = []
    for f in files:
        got = flagged.get(f.path, set())
        rows = (corpus / f.path).read_text(encoding="utf-8", errors="replace").split("\n")
        for line in sorted(got ^ f.secret):
            what = "FN" if line in f.secret else "FP"
            out.append(f"{what} {f.path}:{line}: {rows[line - 1].strip()[:110]}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("tests/corpus/secrets"))
    parser.add_argument("--split", choices=["held-out", "calibration", "all"], default="held-out")
    parser.add_argument("--misses", action="store_true", help="list wrong lines (calibration)")
    args = parser.parse_args(argv)
    if args.misses and args.split != "calibration":
        parser.error("--misses is for the calibration split only: never tune on held-out files")
    files = load_labels(args.corpus, args.split)
    kinds = sorted({f.kind for f in files})
    total = sum(len((args.corpus / f.path).read_bytes().splitlines()) for f in files)
    secret = sum(len(f.secret) for f in files)
    print(
        f"split {args.split}: {len(files)} files, {len(kinds)} kinds, {total} lines, "
        f"{secret} secret lines"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows: list[tuple[str, Lines, float]] = []
        for label, gate_generic in (
            ("auditor (gate does not veto secrets)", False),
            ("auditor (generic hits in code gated)", True),
        ):
            flagged, seconds = run_auditor(
                args.corpus, files, work / "cache", gate_generic=gate_generic
            )
            rows.append((label, flagged, seconds))
        flagged, seconds = run_detect_secrets(args.corpus, files, work)
        rows.append(("detect-secrets " + _version(), flagged, seconds))
    print(f"\n{'tool':<40} {'P':>5} {'R':>5} {'F1':>5} {'TP':>4} {'FP':>4} {'FN':>4} {'s':>6}")
    for label, flagged, seconds in rows:
        s = score(files, flagged)
        print(
            f"{label:<40} {s.precision:5.2f} {s.recall:5.2f} {s.f1:5.2f} "
            f"{s.tp:4d} {s.fp:4d} {s.fn:4d} {seconds:6.2f}"
        )
    print(f"\nF1 per file kind ({rows[0][0]} / {rows[-1][0]})")
    for kind in kinds:
        subset = [f for f in files if f.kind == kind]
        ours, theirs = score(subset, rows[0][1]), score(subset, rows[-1][1])
        secret = sum(len(f.secret) for f in subset)
        print(f"  {kind:<12} {ours.f1:5.2f} / {theirs.f1:5.2f}  ({secret} secret lines)")
    if args.misses:
        print("\nauditor's wrong lines:")
        print("\n".join(misses(files, rows[0][1], args.corpus)))
    return 0


def _version() -> str:
    proc = subprocess.run(
        ["detect-secrets", "--version"], capture_output=True, text=True, check=False
    )
    return proc.stdout.strip()


if __name__ == "__main__":
    raise SystemExit(main())
