"""The CPU stage and the strict cascade change nothing a user sees.

Across processes: the same files, units, skips and confirmations as in one process. With the
cascade (confirm first, embed only what evidence confirmed): the same strict findings as
embedding every unit, on the whole labeled corpus with the shipped rules.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from auditor.analysis_cache import pack_version
from auditor.cache import VectorCache
from auditor.config import Config
from auditor.corpus import load_corpus
from auditor.embed.base import Embedder, Vectors
from auditor.git import Target
from auditor.model import Precision
from auditor.prepare import Prepared, prepare
from auditor.rules import load_rules, shipped_rules_dir
from auditor.scan import Scan

CORPUS = Path(__file__).parent / "corpus"
RULES = load_rules([shipped_rules_dir()])


def corpus_targets() -> list[Target]:
    targets = [e.target() for e in load_corpus(CORPUS)]
    # and what a real tree also holds: a binary file, bad UTF-8, a syntax error
    targets += [
        Target("bin/blob.py", b"\x00\x01\x02" * 100, None),
        Target("bad/latin1.py", "def f():\n    return 'caf\xe9'\n".encode("latin-1"), None),
        Target("bad/broken.py", b"def f(:\n    os.system(x\n", None),
    ]
    return targets


class HashEmbedder(Embedder):
    """A deterministic vector per text (pure logic only): some units pass a gate, some not."""

    model_id = "fake/hash"
    dimensions = 16

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:16], np.uint8) for t in texts]
        out = np.asarray(rows, dtype=np.float32) - 127.5
        normed: Vectors = out / np.linalg.norm(out, axis=1, keepdims=True)
        return normed


def described(ready: Prepared) -> tuple[object, ...]:
    units = {id(u): (f.target.path, u.qualname, u.start_line) for f in ready.files for u in f.units}
    return (
        [(f.target.path, f.language, f.broken, [(u.qualname, u.text) for u in f.units])
         for f in ready.files],
        ready.skipped,
        sorted((rule, units[unit], c) for (rule, unit), c in (ready.confirmed or {}).items()),
    )  # fmt: skip


def test_processes_give_what_one_process_gives() -> None:
    targets = corpus_targets()
    serial = prepare(targets, 1_000_000, RULES, confirm=True, jobs=1)
    parallel = prepare(targets, 1_000_000, RULES, confirm=True, jobs=2)
    assert serial.confirmed, "the corpus has violations: something must be confirmed"
    assert described(parallel) == described(serial)


@pytest.mark.parametrize("threshold", [0.2, 0.45])
def test_the_cascade_changes_no_strict_finding(tmp_path: Path, threshold: float) -> None:
    rules = [replace(r, threshold=threshold, thresholds=()) for r in RULES]
    targets = corpus_targets()
    found = {}
    for cascade in (True, False):
        config = replace(Config(), progress=False, cascade=cascade, jobs=1)
        cache = VectorCache(tmp_path / f"cache-{cascade}", [])
        result = Scan(config, rules, cache, HashEmbedder).run(targets)
        cache.close()
        found[cascade] = [
            (f.rule.id, f.unit.path, f.start_line, f.end_line, f.score, f.detail, f.snippet)
            for f in result.findings
        ]
        if cascade:
            assert result.units_embedded is not None
            # the corpus is about 40% violations by construction: the cascade embeds those
            # (and the units the gate must score), well under all of them
            assert result.units_embedded < result.units_scanned / 2
        else:
            assert result.units_embedded is None
    assert found[True], "strict findings expected on the corpus"
    assert found[True] == found[False]


def test_broad_mode_embeds_every_unit(tmp_path: Path) -> None:
    config = replace(Config(), progress=False, precision=Precision.BROAD)
    cache = VectorCache(tmp_path / "cache", [])
    result = Scan(config, RULES, cache, HashEmbedder).run(corpus_targets()[:40])
    cache.close()
    assert result.units_embedded is None
    assert result.embedded > 0


def test_a_second_audit_reuses_every_file_and_finds_the_same(tmp_path: Path) -> None:
    targets = corpus_targets()[:300]
    serial = prepare(targets, 1_000_000, RULES, confirm=True, jobs=1)
    first = prepare(targets, 1_000_000, RULES, confirm=True, jobs=1, cache_dir=tmp_path)
    again = prepare(targets, 1_000_000, RULES, confirm=True, jobs=1, cache_dir=tmp_path)
    assert first.reused == 0
    assert again.reused == len(targets)
    assert described(first) == described(serial) == described(again)
    # a changed file is analysed again; a change's lines are part of the key
    edited = [Target(targets[0].path, targets[0].data + b"\n# edited\n", None), *targets[1:]]
    assert prepare(edited, 1_000_000, RULES, confirm=True, cache_dir=tmp_path).reused == 299
    partial = [Target(t.path, t.data, frozenset({1})) for t in targets[:5]]
    assert prepare(partial, 1_000_000, RULES, confirm=True, cache_dir=tmp_path).reused == 0
    assert prepare(partial, 1_000_000, RULES, confirm=True, cache_dir=tmp_path).reused == 5
    # other rules, or no confirmation wanted: other keys
    assert prepare(targets, 1_000_000, RULES[:3], confirm=True, cache_dir=tmp_path).reused == 0
    assert prepare(targets, 1_000_000, RULES, confirm=False, cache_dir=tmp_path).reused == 0


def test_a_damaged_analysis_cache_is_started_again(tmp_path: Path) -> None:
    targets = corpus_targets()[:20]
    (tmp_path / "analysis.sqlite3").write_bytes(b"not a database" * 100)
    ready = prepare(targets, 1_000_000, RULES, confirm=True, cache_dir=tmp_path)
    assert described(ready) == described(prepare(targets, 1_000_000, RULES, confirm=True))
    assert prepare(targets, 1_000_000, RULES, confirm=True, cache_dir=tmp_path).reused == 20


def test_the_rule_pack_key_does_not_depend_on_string_hashing() -> None:
    code = (
        "from auditor.analysis_cache import pack_version\n"
        "from auditor.rules import load_rules, shipped_rules_dir\n"
        "print(pack_version(load_rules([shipped_rules_dir()])))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(seen) == 1
    # a pack parsed from YAML and the same pack from the rule cache (a pickle) are one pack
    assert pack_version(pickle.loads(pickle.dumps(RULES))) == pack_version(RULES)
