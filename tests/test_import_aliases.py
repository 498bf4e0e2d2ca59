"""Evidence that names ``module.func`` also finds ``func`` imported bare or under an alias:
real files cut by the real extractor, real rules (a team's induced one, a shipped written one)."""

from __future__ import annotations

from pathlib import Path

from auditor import evidence
from auditor.analysis import imports
from auditor.extract import extract_units
from auditor.model import CodeUnit, Rule
from auditor.rules import load_rule, shipped_rules_dir

TEAM_RULES = Path(__file__).parent.parent / "bench" / "data" / "team-rules"


def _lines(rule: Rule, text: str) -> dict[str, list[int]]:
    """qualname -> first lines of the unit's confirmations, for every unit of the file."""
    units, _ = extract_units("lib/store.py", text, "python")
    return {u.qualname: [c.start_line for c in evidence.confirm(rule, u)] for u in units}


STORE = '''\
"""A shelf-like store, shaped like the standard library's shelve."""
from io import BytesIO
from pickle import Pickler, Unpickler
import hashlib as h

SEED = Unpickler(BytesIO(b"")).load() if False else None


class Store:
    def get(self, key):
        f = BytesIO(self.dict[key])
        return Unpickler(f).load()

    def put(self, key, value):
        f = BytesIO()
        Pickler(f).dump(value)

    def shadowed(self, Unpickler):
        return Unpickler(self.raw).load()

    def text_only(self):
        return "Unpickler(f)"  # Unpickler(f) in a comment


def fingerprint(data):
    return h.md5(data).hexdigest()


def checksum(data):
    return h.md5(data, usedforsecurity=False).hexdigest()


def etag(data):
    from hashlib import sha1

    return sha1(data).hexdigest()
'''


def test_a_team_rule_finds_a_callee_imported_bare_and_not_a_shadowing_parameter() -> None:
    rule = load_rule(TEAM_RULES / "pickle-loads.yaml")
    assert rule.induced == ("python",)  # its evidence names pickle.Unpickler(...)
    found = _lines(rule, STORE)
    assert found["Store.get"] == [12]
    assert found["<module>"] == [6]
    assert found["Store.put"] == [] and found["Store.shadowed"] == []
    assert found["Store.text_only"] == [] and found["fingerprint"] == []


def test_an_alias_and_an_import_inside_the_function_resolve_and_safe_keywords_still_count() -> None:
    rule = load_rule(TEAM_RULES / "weak-hash.yaml")
    found = _lines(rule, STORE)
    assert found["fingerprint"] == [26]  # h.md5 after `import hashlib as h`
    assert found["checksum"] == []  # usedforsecurity=False still rejects it
    assert found["etag"] == [36]  # sha1 after `from hashlib import sha1` inside the function


def test_written_evidence_resolves_the_same_way() -> None:
    rule = load_rule(shipped_rules_dir() / "unsafe-deserialization.yaml")
    text = (
        "from pickle import loads as unpack\n\n\n"
        "def read(request):\n    return unpack(request.body)\n"
    )
    units, _ = extract_units("app/read.py", text, "python")
    (function,) = [u for u in units if u.qualname == "read"]
    assert [c.start_line for c in evidence.confirm(rule, function)] == [5]
    # the same function cut out of a file that does not import it: nothing to resolve
    bare = CodeUnit("x.py", "python", "read", "function", 4, 5, function.text)
    assert evidence.confirm(rule, bare) == []


def test_resolution_keeps_every_line_and_leaves_strings_and_relative_imports_alone() -> None:
    text = "from . import compat\nfrom .util import sha1\nimport os.path\nfrom os import path\n"
    units, _ = extract_units("pkg/m.py", text + "X = compat.x()\n", "python")
    assert units[0].imports == (("path", "os.path"),)
    code = 'def f(p):\n    path.join(p, "path.join(p)")\n    return sha1(p)\n'
    resolved = imports.resolve("python", code, units[0].imports)
    assert resolved == 'def f(p):\n    os.path.join(p, "path.join(p)")\n    return sha1(p)\n'
    assert imports.resolve("python", resolved, units[0].imports) == resolved
    assert imports.resolve("go", code, units[0].imports) == code


def test_examples_that_import_what_they_call_teach_the_qualified_name(tmp_path: Path) -> None:
    rule_file = tmp_path / "weak-sha.yaml"
    rule_file.write_text(
        """\
id: weak-sha
title: SHA1 used
description: A hash is computed with SHA1.
severity: warning
message: Use SHA-256.
help: Use hashlib.sha256.
examples:
  violating:
    - language: python
      code: |
        from hashlib import sha1

        def etag(data):
            return sha1(data).hexdigest()
    - language: python
      code: |
        def token(raw):
            from hashlib import sha1 as s1
            return s1(raw.encode()).hexdigest()
  safe:
    - language: python
      code: |
        from hashlib import sha256

        def etag(data):
            return sha256(data).hexdigest()
""",
        encoding="utf-8",
    )
    rule = load_rule(rule_file)
    assert rule.induced == ("python",)
    qualified = "def f(b):\n    return hashlib.sha1(b).digest()\n"
    units, _ = extract_units("a.py", qualified, "python")
    assert [c.start_line for u in units for c in evidence.confirm(rule, u)] == [2]
    # a local function that happens to be called s1 or sha1 is not hashlib's
    other = "def f(b):\n    return s1(b) + sha1(b)\n"
    units, _ = extract_units("b.py", other, "python")
    assert [c for u in units for c in evidence.confirm(rule, u)] == []
