"""Bad input gets one clear line and exit 2 (or a counted skip), never a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from auditor.cli import main
from tests import planted
from tests.conftest import git, run_cli, write


def error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("auditor: error:")]
    assert len(lines) == 1, err
    return lines[0]


def test_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(tmp_path, ["scan", "--all"], tmp_path / "c", monkeypatch) == 2
    assert "not inside a git repository" in error_line(capsys)


def test_nothing_selected(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli(repo, ["scan"], tmp_path / "c", monkeypatch) == 2
    assert "--staged" in error_line(capsys)


def test_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--no-such-flag"], {}) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_missing_rule_directory(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    code = run_cli(repo, ["scan", "--all", "--rules", "nope"], tmp_path / "c", monkeypatch)
    assert code == 2
    assert "nope" in error_line(capsys)


def test_invalid_rule_names_file_and_key(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    write(repo, ".auditor/rules/mine.yaml", "id: mine\nseverity: high\n")
    assert run_cli(repo, ["scan", "--all"], tmp_path / "c", monkeypatch) == 2
    line = error_line(capsys)
    assert "mine.yaml" in line
    assert "key" in line


def test_unknown_ref(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    assert run_cli(repo, ["scan", "--diff", "nosuch..HEAD"], tmp_path / "c", monkeypatch) == 2
    assert "nosuch" in error_line(capsys)


def test_missing_baseline(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    code = run_cli(repo, ["scan", "--all", "--baseline", "b.json"], tmp_path / "c", monkeypatch)
    assert code == 2
    assert "baseline create" in error_line(capsys)


def test_bad_config_value_names_key_and_unknown_key_warns(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    write(repo, ".auditor.toml", 'fail_on = "sometimes"\n')
    assert run_cli(repo, ["scan", "--all"], tmp_path / "c", monkeypatch) == 2
    assert "fail_on" in error_line(capsys)
    write(repo, ".auditor.toml", 'fail_on = "error"\ncolour = "red"\n')
    assert run_cli(repo, ["scan", "--all"], tmp_path / "c", monkeypatch) == 0
    assert "unknown key 'colour'" in capsys.readouterr().err


def test_awkward_files_are_skipped_and_counted(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (repo / "blob.py").write_bytes(b"\x00\x01\x02binary\x00")
    (repo / "latin1.py").write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    write(repo, "bundle.js", "var a=1;" * 400 + "\n")
    write(repo, "huge.py", "x = 1\n" * 300_000)
    write(repo, "broken.py", "def f(:\n    return verify=False\n\ndef ok():\n    return 2\n")
    write(repo, "notes.txt", "hello\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    git(repo, "add", ".")
    code = run_cli(repo, ["scan", "--all", "--format", "json"], shared_cache, monkeypatch)
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    reasons = {s["path"]: s["reason"] for s in doc["skipped"]}
    assert reasons["blob.py"] == "binary"
    assert reasons["latin1.py"] == "undecodable"
    assert reasons["bundle.js"] == "minified"
    assert reasons["huge.py"] == "too large"
    assert reasons["logo.png"] == "unsupported language"
    assert "notes.txt" not in reasons  # a text file: scanned for secrets
    assert doc["summary"]["secrets_only_by_kind"] == {"text": 1}
    # A file with syntax errors is scanned (its units are), so it is no skip: the counts add up.
    assert "broken.py" not in reasons
    assert doc["parsed_with_errors"] == ["broken.py"]
    summary = doc["summary"]
    assert summary["files_parsed_with_errors"] == 1


def test_corrupt_cache_is_rebuilt_with_a_warning(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "vectors.sqlite3").write_bytes(b"this is not a database" * 100)
    write(repo, "service.py", planted.PY_SERVICE)
    git(repo, "add", ".")
    code = run_cli(repo, ["scan", "--staged", "--format", "json"], cache, monkeypatch)
    captured = capsys.readouterr()
    assert code == 1
    assert "unreadable" in captured.err and "rebuilt" in captured.err
    assert list(cache.glob("vectors.sqlite3.corrupt-*"))  # moved aside, not deleted
    with sqlite3.connect(cache / "vectors.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] > 0


def test_a_warning_is_said_once(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "vectors.sqlite3").write_bytes(b"this is not a database" * 100)
    write(repo, "service.py", planted.PY_SERVICE)
    git(repo, "add", ".")
    assert run_cli(repo, ["scan", "--staged"], cache, monkeypatch) == 1
    captured = capsys.readouterr()
    assert (captured.out + captured.err).count("is unreadable") == 1


VIOLATION = (
    "import os\n\n\ndef purge(request):\n"
    '    os.system("rm -rf /srv/uploads/" + request.args["name"])\n'
)


def test_foreign_sqlite_file_is_not_overwritten_in_place(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    with sqlite3.connect(cache / "vectors.sqlite3") as db:
        db.execute("CREATE TABLE invoices (id INTEGER)")
    # a finding, so the gate needs vectors (code nothing confirms never opens the cache)
    write(repo, "a.py", VIOLATION)
    git(repo, "add", ".")
    assert run_cli(repo, ["scan", "--staged"], cache, monkeypatch) == 1
    captured = capsys.readouterr()  # the text report on stdout carries the warning, once
    assert (captured.out + captured.err).count("not an auditor cache") == 1
    aside = list(cache.glob("vectors.sqlite3.corrupt-*"))
    with sqlite3.connect(aside[0]) as db:
        assert db.execute("SELECT name FROM sqlite_master").fetchone()[0] == "invoices"


def test_unwritable_output_leaves_no_partial_file(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    git(repo, "add", ".")
    blocker = repo / "out"
    blocker.write_text("a file, not a directory")
    code = run_cli(repo, ["scan", "--staged", "-o", "out/report.txt"], shared_cache, monkeypatch)
    assert code == 2
    assert "out" in error_line(capsys)
    assert blocker.read_text() == "a file, not a directory"
