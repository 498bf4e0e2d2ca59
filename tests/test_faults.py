"""Faults while running: killed mid-embedding, interrupted, two hooks at once, an unusable cache.

Each runs the real CLI in a subprocess (or in-process where no signal is involved) on a real git
repository and the real built-in model.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditor.embed.local import MODEL_DIR, SHIPPED_VECTORS, shipped_vectors
from tests import planted
from tests.conftest import REPO_ROOT, git, run_cli, write

FILES, PER_FILE = 4, 100  # 400 distinct functions: more than one 256-vector chunk


def _many_functions(repo: Path, salt: str) -> None:
    for f in range(FILES):
        body = "".join(
            f"def {salt}_{f}_{i}(x):\n    return x * {i} + {f * 1000 + i * 7}\n\n\n"
            for i in range(PER_FILE)
        )
        write(repo, f"mod_{f}.py", body)
    git(repo, "add", "-A")


def _start(repo: Path, cache: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "AUDITOR_CACHE_DIR": str(cache)}
    env.pop("AUDITOR_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "auditor", "scan", *args],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stored(cache: Path) -> int:
    path = cache / "vectors.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=1.0) as db:
            return int(db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
    except sqlite3.Error:  # not created yet
        return 0


def _wait_for(cache: Path, count: int, process: subprocess.Popen[str], limit: float) -> int:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        stored = _stored(cache)
        if stored >= count:
            return stored
        time.sleep(0.05)
    raise AssertionError(f"the scan never stored {count} vectors (exit {process.poll()})")


def _embedded(summary: str) -> int:
    m = re.search(r"(\d+) vectors? embedded this run", summary)
    assert m, summary
    return int(m.group(1))


def test_killed_mid_embedding_then_rerun_reuses_what_was_stored(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _many_functions(repo, "killed")
    # --no-cascade: every unit is embedded (these functions give no finding)
    process = _start(repo, cache, "--all", "--no-cascade")
    _wait_for(cache, 256, process, limit=300)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    before = _stored(cache)  # readable after the kill, every stored chunk whole
    assert before >= 256

    rerun = _start(repo, cache, "--all", "--no-cascade")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    assert "Traceback" not in out + err
    after = _stored(cache)
    embedded = _embedded(out)
    # nothing stored before the kill was embedded again; the shipped rules' vectors are stored
    # from the package, not embedded; a whole audit without the cascade then brings the search
    # index up to date, which embeds one short summary per function (FILES * PER_FILE at most)
    shipped = len(shipped_vectors(MODEL_DIR / SHIPPED_VECTORS))
    assert 0 < embedded <= after - before <= embedded + shipped + FILES * PER_FILE
    assert embedded <= FILES * PER_FILE - before + shipped  # the stored ones were not redone
    print(f"\nkilled after {before} vectors were stored; the re-run embedded {embedded} more")


def test_sigint_exits_130_with_one_line(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _many_functions(repo, "interrupted")
    process = _start(repo, cache, "--all", "-q", "--no-cascade")
    _wait_for(cache, 1, process, limit=300)  # the model is loaded and embedding
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["auditor: interrupted"], err
    assert out == ""
    assert _stored(cache) >= 1  # the cache stays readable


def test_two_hooks_at_once_on_one_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    repos = []
    for name in ("one", "two"):
        repo = tmp_path / name
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        write(repo, "service.py", planted.PY_SERVICE)
        _many_functions(repo, "shared")  # the same functions: both write the same rows
        repos.append(repo)
    processes = [_start(repo, cache, "--staged", "-q", "--no-cascade") for repo in repos]
    results = [p.communicate(timeout=600) for p in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 1, err
        assert err == ""
        assert "service.py:11: error sql-injection" in out
    # Which of the two embedded a shared function first is a race: compare all but that count.
    same = [re.sub(r"\d+ vectors? embedded", "N vectors embedded", out) for out, _ in results]
    assert same[0] == same[1]
    assert _stored(cache) > FILES * PER_FILE


@pytest.mark.parametrize("kind", ["file-as-directory", "database-is-a-directory", "sysfs"])
def test_an_unusable_cache_is_a_warning_not_a_crash(
    kind: str,
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if kind == "file-as-directory":  # the cache directory cannot be created
        cache = tmp_path / "not-a-dir"
        cache.write_text("x")
    elif kind == "database-is-a-directory":  # the directory is there, the file cannot be opened
        cache = tmp_path / "cache"
        (cache / "vectors.sqlite3").mkdir(parents=True)
    else:  # a real read-only place, even for root: sysfs refuses new files
        cache = Path("/sys/kernel")
        try:
            (cache / "auditor-probe").touch()
        except OSError:
            pass
        else:
            pytest.skip("this /sys/kernel accepts new files")
    write(repo, "service.py", planted.PY_SERVICE)
    git(repo, "add", ".")
    assert run_cli(repo, ["scan", "--staged"], cache, monkeypatch) == 1
    captured = capsys.readouterr()
    assert "service.py:11: error sql-injection" in captured.out
    said = (captured.out + captured.err).count("vectors are kept in memory only")
    assert said == 1, captured
    assert "internal error" not in captured.err


def _children(pid: int) -> list[int]:
    try:
        found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    except FileNotFoundError:
        pytest.skip("pgrep is not installed")
    return [int(p) for p in found.stdout.split()]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("after", [0.0, 0.5, 2.0])
def test_ctrl_c_during_parallel_analysis_ends_every_process(
    repo: Path, tmp_path: Path, after: float
) -> None:
    # Ctrl-C in a terminal signals the whole process group: the scan and its workers, at any
    # moment: while a worker is still starting (its imports: once a traceback, or a fatal
    # error in `site`), or analysing.
    for f in range(40):
        body = "".join(
            f"def f_{f}_{i}(request, x):\n    y = request.args.get('q', x) * {i}\n"
            f"    return str(y) + '{f}'\n\n\n"
            for i in range(120)
        )
        write(repo, f"pkg/mod_{f}.py", body)
    git(repo, "add", "-A")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "AUDITOR_CACHE_DIR": str(tmp_path / "c")}
    env.pop("AUDITOR_DEBUG", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "auditor", "scan", "--all", "-q", "--jobs", "2"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and process.poll() is None and len(workers) < 2:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert process.poll() is None, "the analysis ended before it could be interrupted"
    time.sleep(after)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert err.strip().splitlines() == ["auditor: interrupted"], err
    assert out == ""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(_gone(w) for w in workers):
        time.sleep(0.1)
    assert all(_gone(w) for w in workers)
