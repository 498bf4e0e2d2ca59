"""Full audits: cold, warm and after one changed file, in functions per second, beside Bandit.

    python bench/audit.py [--packages asyncio email ...] [--runs 5] [--serial-run]

The tree is a copy of some packages of the Python standard library on this machine, committed to
a fresh git repository. Each auditor row is the median of --runs fresh `auditor scan --all`
processes (strict, built-in model): "cold" starts from an empty cache directory every time,
"warm" re-runs the unchanged tree over the cache, "one file changed" appends a function to one
file first. Bandit (`bandit -r -q -f json`) runs on the same tree in the same run. With
--serial-run, one cold run more with `--no-cascade --jobs 1` (every unit embedded, one process:
what auditor did before the cascade) and a check that both find the same.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

DEFAULT = ["asyncio", "email", "http", "json", "logging", "xml", "urllib", "unittest"]


def audit(repo: Path, env: dict[str, str], *extra: str) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "scan", "--all", "--quiet", "--format", "json", *extra],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"auditor failed: {proc.stderr.strip()}")
    return elapsed, json.loads(proc.stdout)


def findings(doc: dict[str, object]) -> list[tuple[object, ...]]:
    rows = doc["findings"]
    assert isinstance(rows, list)
    return sorted((f["rule_id"], f["path"], f["start_line"], f["message"]) for f in rows)


def bandit(repo: Path) -> float | None:
    exe = shutil.which("bandit")
    if exe is None:
        return None
    start = time.perf_counter()
    subprocess.run([exe, "-r", "-q", "-f", "json", "."], cwd=repo, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="+", default=DEFAULT)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--serial-run", action="store_true", help="also one pre-cascade cold run")
    args = parser.parse_args()
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    work = Path(tempfile.mkdtemp(prefix="auditor-audit-"))
    repo = work / "repo"
    for name in args.packages:
        shutil.copytree(stdlib / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "tree"], cwd=repo, check=True)

    def env(cache: str) -> dict[str, str]:
        return {**os.environ, "AUDITOR_CACHE_DIR": str(work / cache)}

    try:
        cold = []
        for i in range(args.runs):
            cold.append(audit(repo, env(f"cold-{i}")))
        warm = [audit(repo, env("cold-0")) for _ in range(args.runs)]
        changed = repo / "json" / "encoder.py"
        one = []
        for i in range(args.runs):
            with changed.open("a", encoding="utf-8") as handle:
                handle.write(f"\n\ndef _bench_marker_{i}(value):\n    return repr(value)\n")
            one.append(audit(repo, env("cold-0")))
        bandit_times = [t for t in (bandit(repo) for _ in range(args.runs)) if t is not None]
        serial = (
            audit(repo, env("serial"), "--no-cascade", "--jobs", "1") if args.serial_run else None
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    summary = cold[0][1]["summary"]
    assert isinstance(summary, dict)
    units = int(summary["units_scanned"])
    print(
        f"tree: {', '.join(args.packages)} from {stdlib} ({summary['files_scanned']} files, "
        f"{units} units); median of {args.runs} runs, 2 cores"
    )
    print(f"{'run':<40} {'seconds':>8} {'functions/s':>12} {'embedded':>9} {'findings':>9}")

    def row(label: str, runs: list[tuple[float, dict[str, object]]]) -> float:
        seconds = statistics.median(t for t, _ in runs)
        last = runs[-1][1]["summary"]
        assert isinstance(last, dict)
        print(
            f"{label:<40} {seconds:>8.2f} {units / seconds:>12.0f} {last['embedded']:>9} "
            f"{last['findings']:>9}"
        )
        return seconds

    first = row("auditor, cold cache", cold)
    row("auditor, warm (unchanged tree)", warm)
    after = row("auditor, one file changed", one)
    if bandit_times:
        b = statistics.median(bandit_times)
        print(f"{'bandit -r (same tree)':<40} {b:>8.2f} {units / b:>12.0f}")
    print(f"one file changed / cold: {after / first:.3f}")
    if serial is not None:
        row("auditor --no-cascade --jobs 1, cold (1 run)", [serial])
        same = findings(serial[1]) == findings(cold[0][1])
        print(f"findings identical with and without the cascade: {same}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
