"""Strict findings on mature code nobody here wrote, against a triage made by reading the code.

    python bench/real_code.py [--triage bench/data/real-code-triage.yaml] [--show] [--tests]

The trees: the whole standard library of this interpreter and some well-known installed
packages, their shipped code (test suites left out: they exercise insecure settings on
purpose, and auditor reports test files one level lower; --tests keeps them), copied into one
fresh git repository and audited with `auditor scan --all` (strict, built-in model).

Every finding is looked up in the triage file, where each one was read and judged by a person:
``true`` (worth a reviewer's time), ``debatable`` or ``false``, with why. Its key is ``rule path
qualname: line text``, so a verdict survives the line moving. Prints per rule the findings, how many
are true/debatable/false/untriaged, and the precision (debatable counted as false, and as
true); ``--show`` lists every finding with its verdict, so the untriaged ones can be read.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
from collections import Counter
from pathlib import Path

import yaml
from audit import audit  # bench/audit.py: one `auditor scan --all` run, timed

from auditor.scan import is_test_path

HERE = Path(__file__).parent
STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE = Path(sysconfig.get_paths()["purelib"])
# Chosen before any rule was run on them: widely used, reviewed, installed with the dev extras.
PACKAGES = ("requests", "jinja2", "werkzeug", "flask", "starlette", "urllib3", "click", "yaml",
            "pre_commit", "docker", "uvicorn", "h11", "responses", "virtualenv", "pip", "rich",
            "IPython", "huggingface_hub")  # fmt: skip
VERDICTS = ("true", "debatable", "false")


def build(repo: Path, tests: bool = False) -> None:
    plain = shutil.ignore_patterns("__pycache__", "site-packages", "*.pyc")

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set(plain(folder, names))
        if not tests:
            skipped |= {n for n in names if is_test_path(f"{folder}/{n}/x.py" if "." not in n
                                                         else f"{folder}/{n}")}  # fmt: skip
        return skipped

    shutil.copytree(STDLIB, repo / "stdlib", ignore=ignore)
    for name in PACKAGES:
        if (SITE / name).is_dir():
            shutil.copytree(SITE / name, repo / "site" / name, ignore=ignore)
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-f", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "tree"], cwd=repo, check=True)


def bandit(repo: Path) -> Counter[str] | None:
    """Bandit's findings on the same tree, by severity (for scale: it reports every pattern)."""
    exe = shutil.which("bandit")
    if exe is None:
        return None
    proc = subprocess.run(
        [exe, "-r", ".", "-q", "-f", "json"], cwd=repo, capture_output=True, text=True, check=False
    )
    results = json.loads(proc.stdout or "{}").get("results", [])
    return Counter(str(r["issue_severity"]).lower() for r in results)


def key(finding: dict[str, object], repo: Path) -> str:
    path = str(finding["path"])
    lines = (repo / path).read_text(encoding="utf-8", errors="replace").splitlines()
    line = int(str(finding["start_line"]))
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"{finding['rule_id']} {path} {finding['qualname']}: {text}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triage", type=Path, default=HERE / "data" / "real-code-triage.yaml")
    parser.add_argument("--show", action="store_true", help="list every finding and its verdict")
    parser.add_argument("--tests", action="store_true", help="keep the trees' test suites")
    args = parser.parse_args()
    triage: dict[str, dict[str, str]] = {}
    if args.triage.exists():
        triage = yaml.safe_load(args.triage.read_text(encoding="utf-8")) or {}
    work = Path(tempfile.mkdtemp(prefix="auditor-real-"))
    repo = work / "repo"
    try:
        build(repo, args.tests)
        env = {**os.environ, "AUDITOR_CACHE_DIR": str(work / "cache")}
        seconds, doc = audit(repo, env)
        rows = [(key(f, repo), f) for f in doc["findings"]]
        peer = bandit(repo)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    summary = doc["summary"]
    print(
        f"{summary['files_scanned']} files, {summary['units_scanned']} units "
        f"(stdlib of {STDLIB} and {len(PACKAGES)} packages, "
        f"{'with' if args.tests else 'without'} their tests); {seconds:.1f} s"
    )
    per_rule: dict[str, Counter[str]] = {}
    for k, finding in rows:
        verdict = triage.get(k, {}).get("truth", "untriaged")
        per_rule.setdefault(str(finding["rule_id"]), Counter())[verdict] += 1
        if args.show:
            why = triage.get(k, {}).get("why", "")
            print(f"[{verdict}] {finding['path']}:{finding['start_line']} {k} {why}".rstrip())
    print(f"\n{'rule':<28} {'found':>5} {'true':>5} {'debat':>5} {'false':>5} {'?':>4}")
    total: Counter[str] = Counter()
    for rule, counts in sorted(per_rule.items()):
        total.update(counts)
        cells = " ".join(f"{counts[v]:>5}" for v in VERDICTS)
        print(f"{rule:<28} {sum(counts.values()):>5} {cells} {counts['untriaged']:>4}")
    judged = sum(total[v] for v in VERDICTS)
    cells = " ".join(f"{total[v]:>5}" for v in VERDICTS)
    print(f"{'all':<28} {sum(total.values()):>5} {cells} {total['untriaged']:>4}")
    if judged:
        strict = total["true"] / judged
        lenient = (total["true"] + total["debatable"]) / judged
        print(f"precision {strict:.2f} (debatable as false), {lenient:.2f} (debatable as true)")
    if peer is not None:
        print(
            f"bandit -r on the same tree: {sum(peer.values())} findings "
            f"({peer['high']} high, {peer['medium']} medium, {peer['low']} low severity)"
        )
    stale = set(triage) - {k for k, _ in rows}
    if stale:
        print(f"{len(stale)} triage entries match no finding now (fixed, or the code moved)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
