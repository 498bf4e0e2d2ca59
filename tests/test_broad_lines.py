"""--precision broad: a semantic-only finding on module-level code points at its best lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.gate import blocks
from auditor.model import CodeUnit, Window
from tests.conftest import git, run_cli, write

SETTINGS = """import os
import sys
import logging
import json

DEBUG = True

DATABASE_POOL = create_pool(host=os.environ["DB_HOST"], size=20)
CONNECTIONS = DATABASE_POOL

log = logging.getLogger(__name__)

config = json.loads(sys.stdin.read())
"""


def test_blocks_are_runs_of_lines_cut_to_size() -> None:
    text = "a\nb\n\n" + "\n".join("x" * 10 for _ in range(10)) + "\n\nz"
    unit = CodeUnit("m.py", "python", "<module>", "module", 5, 5 + text.count("\n"), text)
    assert blocks(Window(unit, unit.start_line, unit.end_line, text)) == [
        (5, 6),
        (8, 15),
        (16, 17),
        (19, 19),
    ]


def test_module_findings_are_not_pinned_to_the_imports(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "settings.py", SETTINGS)
    git(repo, "add", "-A")
    args = ["scan", "--all", "--precision", "broad", "--format", "json", "-q"]
    run_cli(repo, args, shared_cache, monkeypatch)
    lines = {
        f["rule_id"]: f["start_line"]
        for f in json.loads(capsys.readouterr().out)["findings"]
        if not f["confirmed"]
    }
    assert lines.get("unused-connection-pool") == 8, lines
    assert 1 not in lines.values(), lines  # the import block is what every module starts with
