"""Incremental full audits: a cold `auditor scan --all` over a real tree, one file changed, again.

    python bench/audit.py [--packages asyncio email http json logging xml]

The tree is a copy of some packages of the Python standard library on this machine, committed
to a fresh git repository. The second audit should embed only the changed file's units and take
a small fraction of the first run's time: unchanged code is served from the vector cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

DEFAULT = ["asyncio", "email", "http", "json", "logging", "xml", "urllib", "unittest"]


def audit(repo: Path, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "auditor", "scan", "--all", "--quiet", "--format", "json"],
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", nargs="+", default=DEFAULT)
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
    env = {**os.environ, "AUDITOR_CACHE_DIR": str(work / "cache")}

    first, doc1 = audit(repo, env)
    changed = repo / "json" / "encoder.py"
    with changed.open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef _bench_marker(value):\n    return repr(value)\n")
    second, doc2 = audit(repo, env)
    shutil.rmtree(work, ignore_errors=True)

    s1, s2 = doc1["summary"], doc2["summary"]
    assert isinstance(s1, dict) and isinstance(s2, dict)
    print(
        f"tree: {', '.join(args.packages)} from {stdlib} ({s1['files_scanned']} files, "
        f"{s1['units_scanned']} units)"
    )
    print(f"{'run':<34} {'seconds':>8} {'embedded':>9} {'findings':>9}")
    print(f"{'first audit (cold cache)':<34} {first:>8.1f} {s1['embedded']:>9} {s1['findings']:>9}")
    print(
        f"{'second audit (1 file changed)':<34} {second:>8.1f} {s2['embedded']:>9} "
        f"{s2['findings']:>9}"
    )
    print(f"second / first: {second / first:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
