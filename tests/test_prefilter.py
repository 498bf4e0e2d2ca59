"""The text prefilter before each tree search: only ever a necessary condition."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.analysis import patterns
from auditor.analysis.prefilter import literal_factors, may_match, need_of
from auditor.analysis.spec import TaintSpec
from auditor.model import Rule
from auditor.rules import load_rules, shipped_rules_dir


def _regexes(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "regex" and isinstance(value, str):
                yield value
            else:
                yield from _regexes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _regexes(item)


def _shipped_patterns(rules: list[Rule]) -> list[patterns.StructPattern]:
    found: dict[str, patterns.StructPattern] = {}
    for rule in rules:
        for _, evidence in rule.evidence:
            pats = [p.source for p in (*evidence.match, *evidence.requires, *evidence.unless)]
            spec: TaintSpec | None = evidence.taint
            if spec is not None:
                pats += [s.pattern for s in spec.sinks] + [*spec.sources, *spec.sanitizers]
            for p in pats:
                if isinstance(p, patterns.StructPattern):
                    found[p.rule + p.constraints] = p
    return list(found.values())


SHIPPED = _shipped_patterns(load_rules([shipped_rules_dir()]))
REGEXES = sorted(
    {r for p in SHIPPED for r in _regexes([json.loads(p.rule), json.loads(p.constraints or "{}")])}
)


def test_the_shipped_pack_has_regexes_to_check() -> None:
    assert len(SHIPPED) > 100
    assert len(REGEXES) > 30


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"^(hashlib\.)?(md5|sha1)$", {"md5", "sha1"}),
        (r"(?i)pass(word|wd|phrase)", {"password", "passwd", "passphrase"}),
        (r"^(verify|verify_ssl)$", {"verify", "verify_ssl"}),
        (r"\w+", None),
        (r"(a|\w+)", None),  # one branch can be anything: no factor
        (r"x*", None),
    ],
)
def test_literal_factors(source: str, expected: set[str] | None) -> None:
    found = literal_factors(source)
    assert (None if found is None else set(found)) == expected


def _usable(source: str) -> bool:
    try:
        re.compile(source)
    except re.error:
        return False  # Rust-only syntax: the prefilter gives no condition for it
    return True


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
@pytest.mark.parametrize("source", [r for r in REGEXES if _usable(r)])
def test_every_text_a_shipped_regex_matches_passes_its_condition(
    source: str, data: st.DataObject
) -> None:
    # Whatever ast-grep's regex matches on one node, the unit's text around it must pass.
    node_text = data.draw(st.from_regex(source))
    around = data.draw(st.text(max_size=5)) + node_text + data.draw(st.text(max_size=5))
    rule = json.dumps({"kind": "identifier", "regex": source})
    assert may_match(rule, around)


def test_structure_keys_combine_as_ast_grep_does() -> None:
    rule = {
        "kind": "call",
        "all": [
            {"has": {"field": "function", "regex": "^(hashlib\\.)?md5$"}},
            {"has": {"field": "arguments", "has": {"kind": "identifier", "regex": "password"}}},
        ],
    }
    text = json.dumps(rule)
    assert not may_match(text, "def f(pw):\n    return hashlib.md5(pw)\n")
    assert may_match(text, "def f(password):\n    return hashlib.md5(password)\n")
    # `not` and `any` with an unconstrained alternative need nothing
    assert need_of(json.dumps({"kind": "call", "not": {"regex": "timeout"}})) is None
    assert need_of(json.dumps({"any": [{"pattern": "os.system($C)"}, {"kind": "call"}]})) is None


def test_constraints_are_needed_too() -> None:
    pattern = patterns.StructPattern.create(
        {"pattern": "$C.$M($Q)", "constraints": {"M": {"regex": "^(execute|executemany)$"}}},
        "test",
    )
    assert not may_match(pattern.rule, "cur.fetchall(q)", pattern.constraints)
    assert may_match(pattern.rule, "cur.execute(q)", pattern.constraints)


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "def f(request):\n    cur.execute('SELECT ' + request.args['q'])\n"),
        ("python", "def f(p):\n    return hashlib.new('MD5', p.password.encode())\n"),
        ("javascript", "function f(req, res) {\n  res.send(req.query.name);\n}\n"),
        ("java", 'class A { void f(String p) { Runtime.getRuntime().exec("sh -c " + p); } }'),
    ],
)
def test_prefilter_never_hides_a_match_of_a_shipped_pattern(language: str, code: str) -> None:
    tree = patterns.root(language, code)
    assert tree is not None
    for pattern in SHIPPED:
        if patterns.find(tree, pattern):  # no text given: the tree search alone
            assert may_match(pattern.rule, code, pattern.constraints), pattern.rule


def test_conditions_kept_with_the_rule_pack_answer_as_built_ones() -> None:
    import pickle

    from auditor.analysis import prefilter

    texts = [p.rule for p in SHIPPED]
    kept = pickle.loads(pickle.dumps(prefilter.trees_for(texts)))
    samples = [
        "def f(request):\n    cur.execute('SELECT ' + request.args['q'])\n",
        "h = hashlib.md5(password.encode())\nrequests.get(u, verify=False)\n",
        "x = 1\n",
    ]
    for rule in texts:
        built = prefilter._compile(prefilter._tree(json.loads(rule)))
        again = prefilter._compile(kept[rule])
        for text in samples:
            assert (built is None or built(text)) == (again is None or again(text)), rule
