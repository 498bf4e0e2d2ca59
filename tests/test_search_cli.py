"""`auditor rules try` and the search index refresh that `auditor scan --all` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write

CODE = """\
import subprocess


def run_shell(command):
    return subprocess.run(command, shell=True, check=False)


def add(a, b):
    return a + b
"""


@pytest.mark.parametrize("cascade", [True, False])
def test_scan_all_and_the_search_index(
    repo: Path,
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    cascade: bool,
) -> None:
    write(repo, "tool.py", CODE)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    scan = ["scan", "--all", "--quiet", "--format", "json"]
    run_cli(repo, scan if cascade else [*scan, "--no-cascade"], cache_dir, monkeypatch)
    summary = json.loads(capsys.readouterr().out)["summary"]
    assert run_cli(repo, ["index", "--stats", "--format", "json"], cache_dir, monkeypatch) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["units"] == 2  # two functions (import-only module code is no unit)
    if cascade:  # the audit embedded only what evidence confirmed: the index embeds the rest
        assert summary["units_gated"] == 0  # a parameter run as given: no finding, no vector
        # two code windows and the two functions' summaries
        assert report["refresh"]["files_read"] == 1 and report["refresh"]["embedded"] == 4
    else:  # the audit embedded everything and refreshed the index itself
        assert summary["units_gated"] is None
        assert report["refresh"]["files_read"] == 0 and report["refresh"]["embedded"] == 0


def test_rules_try_shows_matches_and_the_spread(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "tool.py", CODE)
    description = "A shell command is run from a string, so the shell interprets it"
    args = ["rules", "try", description, "--format", "json", "--threshold", "0.2"]
    assert run_cli(repo, args, cache_dir, monkeypatch) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["matches"][0]["qualname"] == "run_shell"
    assert report["units"] == 2
    assert sum(b["units"] for b in report["histogram"]) == 2
    scores = [m["score"] for m in report["matches"]]
    assert report["above_threshold"] == sum(s >= 0.2 for s in scores)
    assert report["quantiles"]["1.0"] == pytest.approx(scores[0], abs=1e-3)
    assert run_cli(repo, ["rules", "try", description, "-k", "1"], cache_dir, monkeypatch) == 0
    text = capsys.readouterr().out
    assert " 1. tool.py:4-5  run_shell  " in text and "scores of 2 units" in text


def test_search_falls_back_to_the_built_in_model_when_the_server_is_down(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "tool.py", CODE)
    env = {
        "AUDITOR_BACKEND": "openai",
        "AUDITOR_BASE_URL": "http://127.0.0.1:9/v1",  # nothing listens on the discard port
        "AUDITOR_MAX_RETRIES": "0",
        "AUDITOR_TIMEOUT": "2",
    }
    args = ["search", "--format", "json", "run a shell command"]
    assert run_cli(repo, args, cache_dir, monkeypatch, env) == 2
    assert capsys.readouterr().err.count("\n") == 1
    env["AUDITOR_FALLBACK"] = "builtin"
    assert run_cli(repo, args, cache_dir, monkeypatch, env) == 0
    captured = capsys.readouterr()
    assert "falling back to the built-in model" in captured.err
    assert json.loads(captured.out)[0]["qualname"] == "run_shell"


def test_unwritable_cache_directory_is_a_one_line_error(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(repo, "tool.py", CODE)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be", encoding="utf-8")
    assert run_cli(repo, ["search", "shell"], blocker, monkeypatch) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "AUDITOR_CACHE_DIR" in err[0] and "Traceback" not in err[0]
