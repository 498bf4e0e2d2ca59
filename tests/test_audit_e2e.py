"""Pull requests and scheduled audits, end to end: annotations, baselines, shards and merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.cli import main
from tests import planted
from tests.conftest import git, run_cli, write
from tests.sarif_check import validate_sarif
from tests.test_scan_e2e import expected, plant, results


def commit_all(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def test_github_format_prints_one_annotation_per_finding(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant(repo)
    commit_all(repo)
    assert run_cli(repo, ["scan", "--all", "--format", "github"], shared_cache, monkeypatch) == 1
    lines = capsys.readouterr().out.splitlines()
    annotations, summary = lines[:-1], lines[-1]
    assert len(annotations) == len(planted.EXPECTED)
    for path, rule, _cwe, line in planted.EXPECTED:
        assert any(
            a.startswith(("::error ", "::warning "))
            and f"file={path},line={line}," in a
            and rule in a
            for a in annotations
        ), (path, rule, annotations)
    assert summary.startswith("auditor: ")


def test_baseline_reports_only_new_findings(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant(repo)
    commit_all(repo)
    assert run_cli(repo, ["baseline", "create", "-q"], shared_cache, monkeypatch) == 0
    baseline = json.loads((repo / ".auditor-baseline.json").read_text())
    assert len(baseline["findings"]) == len(planted.EXPECTED)
    for entry in baseline["findings"]:  # no line numbers, no timestamps
        assert set(entry) == {"fingerprint", "rule", "path", "qualname", "body"}

    # Unrelated lines above the findings, and a renamed file: nothing new.
    text = (repo / "service.py").read_text()
    write(repo, "service.py", '"""Billing helpers."""\n\nTIMEOUT = 10\n\n' + text)
    git(repo, "mv", "routes.js", "api_routes.js")
    commit_all(repo)
    args = ["scan", "--all", "--baseline", ".auditor-baseline.json", "--format", "json"]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 0
    assert json.loads(capsys.readouterr().out)["findings"] == []

    # SARIF still carries the accepted findings, marked unchanged.
    out = repo.parent / "baseline.sarif"
    sarif_args = [*args[:-2], "--format", "sarif", "-o", str(out)]
    assert run_cli(repo, sarif_args, shared_cache, monkeypatch) == 0
    doc = json.loads(out.read_text())
    validate_sarif(doc)
    states = {r["baselineState"] for r in doc["runs"][0]["results"]}
    assert states == {"unchanged"}

    # One new problem: exactly one new finding.
    with (repo / "service.py").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\ndef delete_order(conn, order_id):\n"
            '    conn.execute("DELETE FROM orders WHERE id = " + order_id)\n'
        )
    commit_all(repo)
    assert run_cli(repo, args, shared_cache, monkeypatch) == 1
    new = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["path"], f["rule_id"], f["baseline_state"]) for f in new] == [
        ("service.py", "sql-injection", "new")
    ]


def test_shards_merge_into_the_full_audit(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant(repo)
    commit_all(repo)
    parts = []
    for shard in ("1/3", "2/3", "3/3"):
        out = repo.parent / f"shard-{shard[0]}.sarif"
        run_cli(
            repo,
            ["scan", "--all", "--shard", shard, "--format", "sarif", "-o", str(out)],
            shared_cache,
            monkeypatch,
        )
        parts.append(str(out))
    merged = repo.parent / "merged.sarif"
    assert main(["merge", *parts, "-o", str(merged)], {}) == 0
    assert results(merged) == expected()
    assert main(["scan", "--all", "--shard", "4/3"], {}) == 2
    assert "I/N" in capsys.readouterr().err
