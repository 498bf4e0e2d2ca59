"""End to end on the real built-in model: a real git repository, the CLI, schema-valid SARIF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests import planted
from tests.conftest import git, run_cli, write
from tests.sarif_check import validate_sarif


def plant(repo: Path) -> None:
    write(repo, "service.py", planted.PY_SERVICE)
    write(repo, "geometry.py", planted.PY_GEOMETRY)
    write(repo, "routes.js", planted.JS_ROUTES)
    write(repo, "Accounts.java", planted.JAVA_ACCOUNTS)


def results(sarif_path: Path) -> list[tuple[str, str, int]]:
    doc = json.loads(sarif_path.read_text())
    validate_sarif(doc)
    out = []
    for result in doc["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        out.append(
            (location["artifactLocation"]["uri"], result["ruleId"], location["region"]["startLine"])
        )
    return sorted(out)


def cwe_tags(sarif_path: Path) -> dict[str, list[str]]:
    doc = json.loads(sarif_path.read_text())
    return {
        rule["id"]: rule["properties"]["tags"] for rule in doc["runs"][0]["tool"]["driver"]["rules"]
    }


def expected() -> list[tuple[str, str, int]]:
    return sorted((path, rule, line) for path, rule, _, line in planted.EXPECTED)


def test_staged_change_with_planted_problems(
    repo: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant(repo)
    git(repo, "add", ".")
    out = repo.parent / "staged.sarif"
    code = run_cli(
        repo, ["scan", "--staged", "--format", "sarif", "-o", str(out)], shared_cache, monkeypatch
    )
    assert code == 1
    assert results(out) == expected()
    tags = cwe_tags(out)
    for _path, rule, cwe, _line in planted.EXPECTED:
        assert "security" in tags[rule]
        assert f"external/cwe/{cwe.lower()}" in tags[rule]

    # A later change that only adds a harmless function is clean.
    git(repo, "commit", "-q", "-m", "initial")
    with (repo / "geometry.py").open("a", encoding="utf-8") as handle:
        handle.write(planted.HARMLESS)
    git(repo, "add", "geometry.py")
    out2 = repo.parent / "harmless.sarif"
    code = run_cli(
        repo, ["scan", "--staged", "--format", "sarif", "-o", str(out2)], shared_cache, monkeypatch
    )
    assert code == 0
    assert results(out2) == []

    # A full audit finds everything again.
    out3 = repo.parent / "all.sarif"
    code = run_cli(
        repo, ["scan", "--all", "--format", "sarif", "-o", str(out3)], shared_cache, monkeypatch
    )
    assert code == 1
    assert results(out3) == expected()


def test_text_output_names_file_line_and_rule(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant(repo)
    git(repo, "add", ".")
    code = run_cli(repo, ["scan", "--staged"], shared_cache, monkeypatch)
    captured = capsys.readouterr().out
    assert code == 1
    assert "service.py:11: error sql-injection:" in captured
    assert "routes.js:7: error command-injection:" in captured
    # The secret is masked everywhere in the output.
    assert planted.FAKE_KEY not in captured


def test_diff_between_refs_scans_only_changed_functions(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "geometry.py", planted.PY_GEOMETRY)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, "service.py", planted.PY_SERVICE)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "feature")
    code = run_cli(
        repo, ["scan", "--diff", "main...feature", "--format", "json"], shared_cache, monkeypatch
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    found = sorted((f["path"], f["rule_id"]) for f in doc["findings"])
    assert found == [
        ("service.py", "hardcoded-secret"),
        ("service.py", "sql-injection"),
        ("service.py", "tls-verification-disabled"),
    ]


def test_second_run_embeds_nothing(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plant(repo)
    git(repo, "add", ".")
    run_cli(repo, ["scan", "--staged", "--format", "json"], cache_dir, monkeypatch)
    first = json.loads(capsys.readouterr().out)
    run_cli(repo, ["scan", "--staged", "--format", "json"], cache_dir, monkeypatch)
    second = json.loads(capsys.readouterr().out)
    assert first["summary"]["embedded"] > 0
    assert second["summary"]["embedded"] == 0
    assert first["findings"] == second["findings"]


def test_suppression_comment_needs_the_rule_id(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = planted.PY_SERVICE.replace(
        '    cursor.execute(f"SELECT',
        '    # auditor: ignore[sql-injection]\n    cursor.execute(f"SELECT',
    ).replace("verify=False)", "verify=False)  # auditor: ignore[]")
    write(repo, "service.py", text)
    git(repo, "add", ".")
    run_cli(repo, ["scan", "--staged", "--format", "json"], shared_cache, monkeypatch)
    rules = sorted(f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"])
    assert rules == ["hardcoded-secret", "tls-verification-disabled"]
