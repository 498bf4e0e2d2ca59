"""Baselines as a multiset: each accepted entry absorbs one finding; a copy is new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor import baseline
from auditor.model import Finding
from tests import planted
from tests.conftest import git, run_cli, write
from tests.report_factories import make_finding, make_result, make_unit


def _states(findings: tuple[Finding, ...]) -> list[str]:
    return [f.baseline_state for f in findings]


def _entries(*findings: Finding) -> list[dict[str, object]]:
    doc = json.loads(baseline.render(make_result(tuple(findings))))
    return list(doc["findings"])


def test_a_copy_of_an_accepted_function_is_new() -> None:
    original = make_finding(unit=make_unit("app/net.py"))
    copy = make_finding(unit=make_unit("app/net2.py"))
    entries = _entries(original)
    marked = baseline.apply(make_result((original, copy)), entries, lambda path: True)
    assert _states(marked.findings) == ["unchanged", "new"]


def test_a_renamed_file_keeps_its_findings_accepted() -> None:
    entries = _entries(make_finding(unit=make_unit("app/net.py")))
    moved = make_finding(unit=make_unit("app/network.py"))
    gone = baseline.apply(make_result((moved,)), entries, lambda path: path != "app/net.py")
    assert _states(gone.findings) == ["unchanged"]
    still_there = baseline.apply(make_result((moved,)), entries, lambda path: True)
    assert _states(still_there.findings) == ["new"]


def test_each_entry_absorbs_one_finding() -> None:
    # Two identical module-level findings (the same line twice) make two entries...
    unit = make_unit("app/conf.py", "<module>", 1, "KEY = 'x'\nKEY = 'x'\n", "module")
    first, second = make_finding(unit=unit, start_line=1), make_finding(unit=unit, start_line=2)
    entries = _entries(first, second)
    assert len(entries) == 2
    # ...and a third identical one is new; a rename cannot absorb it twice either.
    third = make_finding(unit=unit, start_line=3)
    marked = baseline.apply(make_result((first, second, third)), entries, lambda path: True)
    assert _states(marked.findings) == ["unchanged", "unchanged", "new"]
    renamed = make_unit("app/settings.py", "<module>", 1, unit.text, "module")
    copies = tuple(make_finding(unit=renamed, start_line=n) for n in (1, 2, 3))
    marked = baseline.apply(make_result(copies), entries, lambda path: False)
    assert _states(marked.findings) == ["unchanged", "unchanged", "new"]


def test_copying_a_vulnerable_file_is_reported(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "app/net.py", planted.PY_SERVICE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "c")
    assert run_cli(repo, ["baseline", "create", "-q"], shared_cache, monkeypatch) == 0
    accepted = len(json.loads((repo / ".auditor-baseline.json").read_text())["findings"])
    assert accepted >= 2
    write(repo, "app/net2.py", planted.PY_SERVICE)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "copy")
    capsys.readouterr()
    args = ["scan", "--all", "--baseline", ".auditor-baseline.json", "--format", "json", "-q"]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 1
    new = json.loads(capsys.readouterr().out)["findings"]
    assert len(new) == accepted
    assert {f["path"] for f in new} == {"app/net2.py"}
