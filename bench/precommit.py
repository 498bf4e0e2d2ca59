"""Warm pre-commit latency: `auditor scan --staged` on a 12-function change beside Bandit.

Both run as the hook runs them, one fresh process per commit, on the same staged file, in the same
run. "Warm" means auditor's vector cache already holds the rule vectors (any earlier commit puts
them there); the staged functions themselves are new to it in the "new code" row, and cached in the
"unchanged" row (a re-run of the hook). Prints the median of several runs and the ratio to Bandit.

    python bench/precommit.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FUNCTIONS = 12


VIOLATION = '''
def thumbnail_{seed}(request):
    """Resize the uploaded image named in the query string."""
    name = request.args.get("name", "")
    os.system("convert uploads/" + name + " -resize 64x64 thumbs/" + name)
    return {{"ok": True}}
'''


def change(seed: int, violation: bool = False) -> str:
    """A realistic module of FUNCTIONS functions; ``seed`` makes the text new to the cache.

    With ``violation``, the last function runs a shell command built from request data: the
    cascade's evidence confirms it, so the model embeds it (and its module code) for the gate.
    """
    parts = ["import json\nimport os\nimport sqlite3\n\nimport requests\n"]
    if violation:
        parts.append(VIOLATION.format(seed=seed))
    for i in range(FUNCTIONS - violation):
        parts.append(
            f'''
def load_record_{seed}_{i}(conn: sqlite3.Connection, record_id: int) -> dict:
    """Fetch record {i} and decorate it with settings."""
    cursor = conn.cursor()
    cursor.execute("SELECT id, payload FROM records WHERE id = ?", (record_id,))
    row = cursor.fetchone()
    if row is None:
        return {{}}
    data = json.loads(row[1])
    data["env"] = os.environ.get("APP_ENV", "dev")
    data["version"] = {i}
    return data
'''
        )
    return "".join(parts)


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    auditor = shutil.which("auditor") or sys.exit("auditor is not installed")
    bandit = shutil.which("bandit") or sys.exit("bandit is not installed (pip install bandit)")
    work = Path(tempfile.mkdtemp(prefix="auditor-bench-"))
    repo = work / "repo"
    repo.mkdir()
    env = {**os.environ, "AUDITOR_CACHE_DIR": str(work / "cache")}
    git = ["git", "-c", "user.name=b", "-c", "user.email=b@b.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    target = repo / "records.py"
    scan = [auditor, "scan", "--staged", "--quiet", "records.py"]

    # Warm the rule vectors once, as any earlier commit would have (one that had a finding).
    target.write_text(change(-1, violation=True))
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run(scan, cwd=repo, env=env, capture_output=True, check=False)

    new_code, unchanged, violating, bandit_times = [], [], [], []
    for run in range(args.runs):
        target.write_text(change(run))
        subprocess.run([*git, "add", "."], cwd=repo, check=True)
        new_code.append(timed(scan, repo, env))
        unchanged.append(timed(scan, repo, env))
        bandit_times.append(timed([bandit, "-q", str(target)], repo, env))
        target.write_text(change(1000 + run, violation=True))
        subprocess.run([*git, "add", "."], cwd=repo, check=True)
        violating.append(timed(scan, repo, env))
    shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("auditor scan --staged (12 new functions)", statistics.median(new_code)),
        ("auditor scan --staged (re-run, cached)", statistics.median(unchanged)),
        ("auditor scan --staged (12 new, 1 a finding)", statistics.median(violating)),
        ("bandit -q records.py", statistics.median(bandit_times)),
    ]
    base = rows[-1][1]
    print(f"median of {args.runs} runs, {os.cpu_count()} cpus")
    print(f"{'command':<44} {'seconds':>9} {'vs bandit':>10}")
    for name, value in rows:
        print(f"{name:<44} {value:>9.3f} {value / base:>9.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
