"""Pure pipeline logic with a deterministic fake embedder (behaviour users see is tested on the
real model elsewhere): context candidates and evidence-gated decisions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed.base import Embedder, Vectors
from auditor.git import Target
from auditor.model import Evidence, Pattern, Precision, Rule, Severity
from auditor.scan import Scan


class TopicEmbedder(Embedder):
    """Texts that mention 'ldap' point one way, everything else the other."""

    model_id = "fake/topic"
    dimensions = 2

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        rows = [[1.0, 0.0] if "ldap" in t.lower() else [0.0, 1.0] for t in texts]
        return np.asarray(rows, dtype=np.float32)


RULE = Rule(
    id="ldap-filter",
    title="LDAP filter from input",
    description="ldap search filter built from input",
    severity=Severity.ERROR,
    cwe=("CWE-90",),
    message="LDAP filter built from input",
    help="escape it",
    threshold=0.9,
    evidence=(("python", Evidence(match=(Pattern("regex", r"search_s\(.*\{"),))),),
)

TOPICAL = """import ldap

SERVER = "ldap://directory.example"


def find(conn, user):
    return conn.search_s("dc=example", 2, f"(uid={user})")
"""

UNRELATED = """import json


def find(conn, user):
    return conn.search_s("dc=example", 2, f"(uid={user})")
"""


def run(tmp_path: Path, precision: Precision = Precision.STRICT) -> list[tuple[str, int]]:
    config = replace(Config(), precision=precision, progress=False)
    cache = VectorCache(tmp_path / "cache", [])
    targets = [
        Target("topical.py", TOPICAL.encode(), None),
        Target("unrelated.py", UNRELATED.encode(), None),
    ]
    result = Scan(config, [RULE], cache, TopicEmbedder).run(targets)
    cache.close()
    return [(f.unit.path, f.start_line) for f in result.findings]


def test_a_topical_module_puts_its_functions_forward(tmp_path: Path) -> None:
    # find() never mentions LDAP, so it fails the gate on its own; its module imports ldap.
    assert run(tmp_path) == [("topical.py", 7)]


def test_context_candidates_need_evidence_even_in_broad_mode(tmp_path: Path) -> None:
    found = run(tmp_path, Precision.BROAD)
    # The module unit itself passes the gate and is reported in broad mode, unconfirmed;
    # the unrelated file's function is never a candidate.
    assert ("topical.py", 7) in found
    assert all(path == "topical.py" for path, _ in found)


# -- the gate never vetoes the secret detector -----------------------------------------------

SECRET_RULE = Rule(
    id="hardcoded-secret",
    title="Credential in code",
    description="ldap credentials",  # every window of the files below scores 0 against this
    severity=Severity.ERROR,
    cwe=("CWE-798",),
    message="credential",
    help="rotate it",
    threshold=0.9,
    languages=("any",),
    evidence=(("any", Evidence(detector="secret")),),
)
AWS_KEY = "AKIA" + "Z3MQ4YW2PLX7VB6N"
CODE = f'def client():\n    key = "{AWS_KEY}"\n    password = "Tr0ub4dor&3xQ"\n    return key\n'


def secret_lines(tmp_path: Path, *, gate_generic: bool) -> list[tuple[str, int]]:
    cache = VectorCache(tmp_path / "cache", [])
    targets = [
        Target("app.py", CODE.encode(), None),
        Target("config/.env", f"AWS_KEY={AWS_KEY}\n".encode(), None),
    ]
    scan = Scan(
        replace(Config(), progress=False),
        [SECRET_RULE],
        cache,
        TopicEmbedder,
        gate_generic_secrets=gate_generic,
    )
    result = scan.run(targets)
    cache.close()
    assert result.secrets_only == (("dotenv", 1),)
    return sorted((f.unit.path, f.start_line) for f in result.findings)


def test_secrets_below_the_gate_are_still_found(tmp_path: Path) -> None:
    assert secret_lines(tmp_path, gate_generic=False) == [
        ("app.py", 2),
        ("app.py", 3),
        ("config/.env", 1),
    ]


def test_gating_generic_hits_keeps_known_formats_and_text_files(tmp_path: Path) -> None:
    # The alternative bench/secrets.py measures: keyword-context hits in code need the gate.
    assert secret_lines(tmp_path, gate_generic=True) == [("app.py", 2), ("config/.env", 1)]
