"""The parsed rule pack is kept by content hash: same files, same rules; any change re-parses."""

from __future__ import annotations

import shutil
from pathlib import Path

from auditor import rule_cache
from auditor.model import Rule
from auditor.rules import load_rules, shipped_rules_dir


def test_cached_pack_equals_parsed_and_follows_edits(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    shutil.copytree(shipped_rules_dir(), pack)
    calls: list[int] = []

    def parse(dirs: object) -> list[Rule]:
        calls.append(1)
        return load_rules([pack])

    first = rule_cache.load([pack], tmp_path / "cache", parse)
    second = rule_cache.load([pack], tmp_path / "cache", parse)
    assert len(calls) == 1 and second == first
    rule = pack / "sql-injection.yaml"
    rule.write_text(rule.read_text().replace("severity: error", "severity: warning", 1))
    third = rule_cache.load([pack], tmp_path / "cache", parse)
    assert len(calls) == 2
    assert {r.id: r.severity.value for r in third}["sql-injection"] == "warning"


def test_a_damaged_cache_file_is_parsed_again(tmp_path: Path) -> None:
    pack = shipped_rules_dir()
    rule_cache.load([pack], tmp_path, load_rules)
    (cached,) = (tmp_path / "rules").glob("*.pickle")
    cached.write_bytes(b"not a pickle")
    assert rule_cache.load([pack], tmp_path, load_rules) == load_rules([pack])
