"""Team rules (a sentence and examples, no written evidence) against Bandit on real code.

    python bench/team_rules.py [--rules bench/data/team-rules] [--show RULE] [--gate]

Each rule's evidence is induced from its examples (the loader does it); a rule file names the
Bandit check it mirrors on its first line (``# bandit: B113``). Both run over the same real
trees nobody here wrote: a slice of the standard library and of the installed site-packages
(test directories left out). A finding of ours agrees with one of Bandit's when they are in the
same file and our pinned lines contain Bandit's line. Every disagreement is triaged by reading
the code into bench/data/team-rules-triage.yaml (``path:line: {truth: true|false, why: ...}``);
agreed findings count as true. Prints per rule: ours, Bandit's, both, only ours, only Bandit,
and precision/recall of both tools against the triaged truth (untriaged disagreements are
counted and left out). ``--show RULE`` prints that rule's disagreements with their code line;
``--gate`` adds the gate score of every finding of ours (the built-in model) and what a gate at
the rule's threshold would have cost or saved.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from auditor import evidence
from auditor.extract import extract_units, language_for_path
from auditor.model import CodeUnit, Rule
from auditor.rules import load_rules

HERE = Path(__file__).parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE = Path(sysconfig.get_paths()["purelib"])
# Libraries chosen for what team rules look for (HTTP clients, subprocess, YAML, temp files)
# before any rule was run on them; the stdlib slice is every top-level module plus packages.
# botocore and awscli (an HTTP SDK and the command-line application over it: credentials,
# YAML templates, shelling out) came later, for the rules that had no case in the first trees;
# only Bandit's counts for B105/B501/B506 were looked at before adding them.
STDLIB_PACKAGES = ("http", "urllib", "email", "logging", "xmlrpc", "multiprocessing", "json",
                   "concurrent", "importlib", "sqlite3", "wsgiref", "distutils")  # fmt: skip
SITE_PACKAGES = ("requests", "urllib3", "docker", "flask", "werkzeug", "click", "dateutil",
                 "dotenv", "detect_secrets", "virtualenv", "pre_commit", "jsonschema",
                 "botocore", "awscli")  # fmt: skip


@dataclass
class Tally:
    ours: set[tuple[str, int, int]] = field(default_factory=set)  # (path, first, last)
    bandit: set[tuple[str, int]] = field(default_factory=set)


def trees() -> list[tuple[str, Path, list[Path]]]:
    """(label, root, files) of the trees scanned."""
    std = [p for p in sorted(STDLIB.glob("*.py"))]
    for package in STDLIB_PACKAGES:
        std += sorted((STDLIB / package).rglob("*.py"))
    site: list[Path] = []
    for package in SITE_PACKAGES:
        site += sorted((SITE / package).rglob("*.py"))
    keep = [p for p in std + site if not {"test", "tests", "testing"} & set(p.parts)]
    return [
        ("stdlib", STDLIB, [p for p in keep if SITE not in p.parents]),
        ("site", SITE, [p for p in keep if SITE in p.parents]),
    ]


def label(root_label: str, root: Path, path: Path) -> str:
    return f"{root_label}/{path.relative_to(root).as_posix()}"


def units_of(scanned: list[tuple[str, Path, list[Path]]]) -> list[CodeUnit]:
    units: list[CodeUnit] = []
    for name, root, files in scanned:
        for path in files:
            language = language_for_path(path.name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if language is not None:
                units += extract_units(label(name, root, path), text, language)[0]
    return units


def bandit_ids(path: Path) -> list[str]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    if not first.startswith("# bandit:"):
        return []
    return [t.strip() for t in first.split(":", 1)[1].split(",") if t.strip()]


def run_bandit(checks: Sequence[str], scanned: list[tuple[str, Path, list[Path]]]) -> list[dict]:
    results: list[dict] = []
    for name, root, files in scanned:
        command = ["bandit", "-q", "-f", "json", "--ignore-nosec", "-t", ",".join(checks)]
        proc = subprocess.run(
            [*command, *map(str, files)], capture_output=True, text=True, check=False
        )
        for item in json.loads(proc.stdout or "{}").get("results", []):
            item["path"] = label(name, root, Path(item["filename"]))
            results.append(item)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=HERE / "data" / "team-rules")
    parser.add_argument("--triage", type=Path, default=HERE / "data" / "team-rules-triage.yaml")
    parser.add_argument(
        "--show", action="append", default=[], help="print this rule's findings with their code"
    )
    parser.add_argument("--gate", action="store_true", help="also score findings at the gate")
    parser.add_argument("--policies", type=Path, default=HERE / "data" / "policies")
    args = parser.parse_args(argv)
    rules = load_rules([args.rules])
    checks = {r.id: bandit_ids(Path(r.source)) for r in rules}
    scanned = trees()
    units = units_of(scanned)
    tallies = {r.id: Tally() for r in rules}
    for unit in units:
        for rule in rules:
            if rule.applies_to(unit.language) and rule.evidence_for(unit.language) is not None:
                for found in evidence.confirm(rule, unit):
                    tallies[rule.id].ours.add((unit.path, found.start_line, found.end_line))
    wanted = sorted({c for ids in checks.values() for c in ids})
    for item in run_bandit(wanted, scanned):
        for rule_id, ids in checks.items():
            if item["test_id"] in ids:
                tallies[rule_id].bandit.add((item["path"], int(item["line_number"])))
    triage = yaml.safe_load(args.triage.read_text()) if args.triage.is_file() else {}
    lines = {u.path: u for u in units}
    print(f"{sum(len(f) for _, _, f in scanned)} files, {len(units)} units")
    header = "rule                         bandit  ours bandit both only-ours only-bandit"
    print(header + "  untriaged  P-ours R-ours  P-bandit R-bandit")
    for rule in rules:
        if checks[rule.id]:  # a team policy has no Bandit check: see policies()
            tally = tallies[rule.id]
            verdicts = (triage or {}).get(rule.id) or {}
            report(rule, checks[rule.id], tally, verdicts, args.show, lines)
    labeled = policies(rules, args.policies)
    if args.gate:
        checked = {k: v for k, v in tallies.items() if checks[k]}
        gate(rules, checked, units, triage or {}, labeled)
    return 0


def policies(rules: Sequence[Rule], directory: Path) -> list[tuple[Rule, CodeUnit, bool]]:
    """Precision and recall of each team policy on its hand-labeled units (written by someone
    who did not see the induction): a unit is flagged when the rule's evidence confirms it."""
    by_id = {r.id: r for r in rules}
    found: list[tuple[Rule, CodeUnit, bool]] = []
    print(
        "\npolicy                               units  true  flagged  TP  FP  FN  precision recall"
    )
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rule = by_id.get(data["rule"])
        if rule is None:
            continue
        flagged_units: list[tuple[Rule, CodeUnit, bool]] = []
        root = Path(data["root"])
        tp = fp = fn = total = 0
        missing: list[str] = []
        for item in data["units"]:
            unit = _labeled_unit(root / item["path"], item["qualname"], int(item["line"]))
            if unit is None:
                missing.append(f"{item['path']}:{item['line']}")
                continue
            total += 1
            flagged = rule.evidence_for(unit.language) is not None and bool(
                evidence.confirm(rule, unit)
            )
            truth = bool(item["label"])
            if flagged:
                flagged_units.append((rule, unit, truth))
            tp += flagged and truth
            fp += flagged and not truth
            fn += truth and not flagged
        print(
            f"{rule.id:<36} {total:>5} {tp + fn:>5} {tp + fp:>8} {tp:>3} {fp:>3} {fn:>3}  "
            f"{_ratio(tp, tp + fp):>9} {_ratio(tp, tp + fn):>6}"
            + (f"  ({len(missing)} units not found)" if missing else "")
        )
        found += flagged_units
    return found


def _labeled_unit(path: Path, qualname: str, line: int) -> CodeUnit | None:
    language = language_for_path(path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if language is None:
        return None
    units = extract_units(path.as_posix(), text, language)[0]
    named = [u for u in units if u.qualname == qualname]
    around = [u for u in named if u.start_line <= line <= u.end_line] or named
    return around[0] if around else None


def gate(
    rules: Sequence[Rule],
    tallies: dict[str, Tally],
    units: Sequence[CodeUnit],
    triage: dict[str, dict[str, dict]],
    labeled: Sequence[tuple[Rule, CodeUnit, bool]] = (),
) -> None:
    """What the semantic gate at each rule's threshold would do to its findings: true ones it
    drops (recall lost) and false ones it drops (precision gained). A finding is true when Bandit
    agrees or the triage says so; scored on its whole unit (a scan scores the unit's window)."""
    import tempfile

    from auditor.cache import VectorCache
    from auditor.embed.local import LocalEmbedder
    from auditor.gate import embed_cached, rule_vectors, score

    embedder = LocalEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        cache = VectorCache(Path(tmp), [])
        per_rule, _ = rule_vectors(embedder, cache, rules)
        print("\ngate at the rule's threshold: findings it would drop (true / false ones)")
        for rule in rules:
            if rule.id not in tallies:
                continue
            tally, verdicts = tallies[rule.id], triage.get(rule.id) or {}
            found = sorted(tally.ours)
            owner = [next(u for u in units if u.path == p and u.start_line <= a <= u.end_line)
                     for p, a, _ in found]  # fmt: skip
            vectors, _ = embed_cached(embedder, cache, [u.text for u in owner])
            sims = score(vectors, per_rule[rule.id]).tolist()
            threshold = rule.threshold_for(embedder.key)
            judged, _, _ = judge(tally, verdicts)
            truth = [bool(judged[(f[0], f[1])]) for f in found]
            dropped = [t for t, s in zip(truth, sims, strict=True) if s < threshold]
            print(
                f"{rule.id:<28} threshold {threshold:.2f}: drops {sum(dropped)} true, "
                f"{len(dropped) - sum(dropped)} false of {sum(truth)} true, "
                f"{len(truth) - sum(truth)} false"
            )
        for rule in rules:
            mine = [(u, t) for r, u, t in labeled if r.id == rule.id]
            if not mine:
                continue
            vectors, _ = embed_cached(embedder, cache, [u.text for u, _ in mine])
            sims = score(vectors, per_rule[rule.id]).tolist()
            threshold = rule.threshold_for(embedder.key)
            dropped = [t for (_, t), s in zip(mine, sims, strict=True) if s < threshold]
            true = sum(t for _, t in mine)
            print(
                f"{rule.id:<28} threshold {threshold:.2f}: drops {sum(dropped)} true, "
                f"{len(dropped) - sum(dropped)} false of {true} true, {len(mine) - true} false "
                "(labeled units)"
            )
        cache.close()
    embedder.close()


Judged = dict[tuple[str, int], bool | None]  # (path, line) -> truth; None: not triaged


def judge(tally: Tally, verdicts: dict[str, dict]) -> tuple[Judged, Judged, set[tuple[str, int]]]:
    """Truth of each finding of ours and of each Bandit finding we lack, and which of ours
    Bandit agrees with. The triage file decides where it has a verdict (agreed findings
    included); an agreed finding without one counts as true, a disagreement as untriaged."""
    agreed = {(p, a) for p, a, b in tally.ours if any(_same((p, a, b), x) for x in tally.bandit)}
    theirs = {b for b in tally.bandit if not any(_same(o, b) for o in tally.ours)}

    def truth(path: str, line: int, default: bool | None) -> bool | None:
        verdict = verdicts.get(f"{path}:{line}")
        return bool(verdict["truth"]) if verdict is not None else default

    ours = {(p, a): truth(p, a, True if (p, a) in agreed else None) for p, a, _ in tally.ours}
    return ours, {b: truth(*b, None) for b in theirs}, agreed


def report(
    rule: Rule,
    checks: list[str],
    tally: Tally,
    verdicts: dict[str, dict],
    show: list[str],
    units: dict[str, CodeUnit],
) -> None:
    ours, theirs, agreed = judge(tally, verdicts)
    untriaged = sum(v is None for v in [*ours.values(), *theirs.values()])
    ours_true = sum(v is True for v in ours.values())
    agreed_true = sum(ours[k] is True for k in agreed)
    theirs_true = sum(v is True for v in theirs.values())
    positives = ours_true + theirs_true
    bandit_true = agreed_true + theirs_true
    print(
        f"{rule.id:<28} {','.join(checks):<7} {len(tally.ours):>4} {len(tally.bandit):>6} "
        f"{len(agreed):>4} {len(ours) - len(agreed):>9} {len(theirs):>11}  {untriaged:>9}  "
        + (
            f"{_ratio(ours_true, len(ours))} {_ratio(ours_true, positives)}  "
            f"{_ratio(bandit_true, len(agreed) + len(theirs))}   {_ratio(bandit_true, positives)}"
            if not untriaged
            else "     ?      ?        ?        ?"
        )
    )
    if rule.id in show:
        for (path, line), value in sorted(ours.items()):
            if (path, line) not in agreed:
                print(f"  only ours   {path}:{line}: {value} {_code(units, path, line)}")
        for (path, line), value in sorted(theirs.items()):
            print(f"  only bandit {path}:{line}: {value} {_code(units, path, line)}")
        for path, line in sorted(agreed):
            print(f"  agreed      {path}:{line}: {ours[(path, line)]} {_code(units, path, line)}")


def _same(ours: tuple[str, int, int], theirs: tuple[str, int]) -> bool:
    return ours[0] == theirs[0] and ours[1] <= theirs[1] <= ours[2]


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.2f}" if whole else "     -"


def _code(units: dict[str, CodeUnit], path: str, line: int) -> str:
    name, rest = path.split("/", 1)
    root = STDLIB if name == "stdlib" else SITE
    try:
        text = (root / rest).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return "?"
    return " ".join(text.split())[:110]


if __name__ == "__main__":
    sys.exit(main())
