"""`auditor search` and `auditor index` on real git repositories with the built-in model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from auditor.embed.local import LocalEmbedder
from tests.conftest import REPO_ROOT, git, run_cli, write

POOLS = '''\
import sqlite3


def open_pool(size):
    """Create a pool of database connections."""
    return [sqlite3.connect(":memory:") for _ in range(size)]
'''

MATH = '''\
def mean(values):
    """Arithmetic average of the numbers."""
    return sum(values) / len(values)
'''

ZIP = """\
import zipfile


def pack_folder(folder, target):
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(folder.iterdir()):
            archive.write(name, name.name)
"""


def search(
    repo: Path, cache: Path, mp: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> list[dict[str, object]]:
    assert run_cli(repo, ["search", "--format", "json", *args], cache, mp) == 0
    hits: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return hits


def names(hits: list[dict[str, object]]) -> list[object]:
    return [h["qualname"] for h in hits]


def index_json(
    repo: Path, cache: Path, mp: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> dict[str, dict[str, int]]:
    assert run_cli(repo, ["index", "--stats", "--format", "json"], cache, mp) == 0
    report: dict[str, dict[str, int]] = json.loads(capsys.readouterr().out)
    return report


def test_saved_function_appears_deleted_disappears(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "db.py", POOLS)
    write(repo, "stats.py", MATH)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    hits = search(repo, cache_dir, monkeypatch, capsys, "compress a directory into an archive")
    assert "pack_folder" not in names(hits)
    write(repo, "archive.py", ZIP)  # saved, neither staged nor committed
    hits = search(repo, cache_dir, monkeypatch, capsys, "compress a directory into an archive")
    assert hits[0]["qualname"] == "pack_folder"
    assert hits[0]["path"] == "archive.py" and hits[0]["start_line"] == 4
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "two")
    hits = search(repo, cache_dir, monkeypatch, capsys, "average of a list of numbers", "-k", "1")
    assert names(hits) == ["mean"]
    (repo / "stats.py").unlink()
    hits = search(repo, cache_dir, monkeypatch, capsys, "average of a list of numbers")
    assert "mean" not in names(hits)
    assert all(h["path"] != "stats.py" for h in hits)


def test_renamed_file_keeps_its_vectors(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "db.py", POOLS)
    write(repo, "archive.py", ZIP)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    first = index_json(repo, cache_dir, monkeypatch, capsys)
    assert first["refresh"]["embedded"] > 0
    git(repo, "mv", "archive.py", "packing.py")
    git(repo, "commit", "-qm", "rename")
    second = index_json(repo, cache_dir, monkeypatch, capsys)
    assert second["refresh"] == {
        "embedded": 0,
        "files_changed": 1,
        "files_read": 1,
        "files_removed": 1,
    }
    assert second["units"] == first["units"]
    hits = search(repo, cache_dir, monkeypatch, capsys, "compress a directory into an archive")
    assert (hits[0]["path"], hits[0]["qualname"]) == ("packing.py", "pack_folder")
    # Nothing changed: nothing is read again.
    third = index_json(repo, cache_dir, monkeypatch, capsys)
    assert third["refresh"]["files_read"] == 0


def test_filters_modes_and_text_output(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "lib/db.py", POOLS)
    write(repo, "lib/archive.py", ZIP)
    write(repo, "stats.py", MATH + "\nSETTING = 1\n")
    git(repo, "add", ".")
    query = "open database connections"
    hits = search(repo, cache_dir, monkeypatch, capsys, query, "lib/archive.py")
    assert {h["path"] for h in hits} == {"lib/archive.py"}
    hits = search(repo, cache_dir, monkeypatch, capsys, query, "--kind", "module")
    assert hits and all(h["kind"] == "module" for h in hits)
    hits = search(repo, cache_dir, monkeypatch, capsys, query, "--lang", "javascript")
    assert hits == []
    lexical = search(repo, cache_dir, monkeypatch, capsys, "ZipFile", "--mode", "lexical")
    assert names(lexical) == ["pack_folder"]  # an import-only module has no module unit
    assert lexical[0]["semantic"] is None and lexical[0]["lexical"] > 0
    semantic = search(repo, cache_dir, monkeypatch, capsys, query, "--mode", "semantic")
    assert semantic[0]["qualname"] == "open_pool"
    assert semantic[0]["score"] == semantic[0]["semantic"]
    strict = search(repo, cache_dir, monkeypatch, capsys, query, "--min-score", "0.99")
    assert strict == []
    assert run_cli(repo, ["search", query, "-k", "3"], cache_dir, monkeypatch) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0].startswith(" 1. lib/db.py:4-6  open_pool  ")
    assert text[1].strip() == "def open_pool(size):"
    assert len([line for line in text if line.lstrip()[:2].rstrip(".").isdigit()]) == 3


def test_secrets_in_snippets_are_masked(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "AKIA" + "Z3MQ4YW2PLX7VB6N"
    write(repo, "cloud.py", f'def client():\n    key = "{key}"\n    return connect(key)\n')
    hits = search(repo, cache_dir, monkeypatch, capsys, "connect to the cloud with a key")
    assert hits[0]["qualname"] == "client"
    assert key not in json.dumps(hits)
    assert run_cli(repo, ["search", "cloud key"], cache_dir, monkeypatch) == 0
    assert key not in capsys.readouterr().out


def test_damaged_index_is_rebuilt_with_a_warning(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "db.py", POOLS)
    report = index_json(repo, cache_dir, monkeypatch, capsys)
    path = Path(str(report["index"]))
    for extra in path.parent.glob(path.name + "-*"):
        extra.unlink()
    path.write_bytes(b"this is not a database" * 100)
    # Snapshots of the old file's generation 1, which the rebuilt one reaches after one write:
    # they must not pass for its vectors (unit 999 is no unit of the new file).
    stale = [path.with_name(f"{path.name}.g1.all.{part}.npy") for part in ("units", "vectors")]
    np.save(stale[0], np.array([999], dtype=np.int64))
    np.save(stale[1], np.ones((1, 384), dtype=np.float32) / np.sqrt(384))
    argv = ["search", "--format", "json", "--mode", "semantic", "database pool"]
    assert run_cli(repo, argv, cache_dir, monkeypatch) == 0
    captured = capsys.readouterr()
    assert "search index" in captured.err and "rebuilt" in captured.err
    assert json.loads(captured.out)[0]["qualname"] == "open_pool"
    assert any(p.name.startswith(path.name + ".corrupt-") for p in path.parent.iterdir())
    assert not stale[0].exists() or 999 not in np.load(stale[0]).tolist()


def test_concurrent_refreshes_agree(repo: Path, cache_dir: Path) -> None:
    for i in range(30):
        write(repo, f"m{i}.py", f"def f{i}(x):\n    return x + {i}\n\n" + MATH)
    env = {**os.environ, "AUDITOR_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "auditor", "index", "--stats", "--format", "json"]
    procs = [
        subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    final = json.loads(
        subprocess.run(command, cwd=repo, env=env, capture_output=True, check=True).stdout
    )
    assert final["units"] == 60 and final["files"] == 30


def test_search_outside_a_repository_is_a_one_line_error(
    tmp_path: Path,
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_cli(tmp_path, ["search", "anything"], cache_dir, monkeypatch) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not inside a git repository" in err[0]


def test_a_function_scores_its_best_of_code_and_summary(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "db.py", POOLS)
    stats = index_json(repo, cache_dir, monkeypatch, capsys)
    assert (stats["units"], stats["windows"], stats["summaries"]) == (1, 1, 1)
    query = "make a pool of database connections"
    embedder = LocalEmbedder()
    code = "\n".join(POOLS.splitlines()[3:6])
    text = "open pool (size). Create a pool of database connections."
    vectors = embedder.embed_documents([code, text]) @ embedder.embed_queries([query])[0]
    embedder.close()
    assert vectors[1] > vectors[0]  # the summary reads like the query; the code less so
    hits = search(repo, cache_dir, monkeypatch, capsys, query, "--mode", "semantic")
    assert hits[0]["semantic"] == pytest.approx(float(vectors[1]), abs=2e-3)
    # `rules try` scores code only, as the gate compares a rule with code.
    args = ["rules", "try", query, "--format", "json"]
    assert run_cli(repo, args, cache_dir, monkeypatch) == 0
    tried = json.loads(capsys.readouterr().out)["matches"][0]["score"]
    assert tried == pytest.approx(float(vectors[0]), abs=2e-3)
