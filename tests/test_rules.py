"""Rule loading: the shipped pack, and a precise error (file and key) for every kind of mistake."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from auditor.filekinds import TEXT_KINDS
from auditor.model import AuditorError, Severity
from auditor.rule_checks import check_queries
from auditor.rules import (
    LANGUAGES,
    load_rule,
    load_rules,
    load_thresholds,
    shipped_rules_dir,
)

EXPECTED = {
    "hardcoded-secret": ("CWE-798", Severity.ERROR),
    "sql-injection": ("CWE-89", Severity.ERROR),
    "command-injection": ("CWE-78", Severity.ERROR),
    "unsafe-deserialization": ("CWE-502", Severity.ERROR),
    "tls-verification-disabled": ("CWE-295", Severity.ERROR),
    "weak-password-hash": ("CWE-328", Severity.WARNING),
    "path-traversal": ("CWE-22", Severity.WARNING),
    "insecure-randomness": ("CWE-330", Severity.WARNING),
    "xss": ("CWE-79", Severity.WARNING),
    "ldap-injection": ("CWE-90", Severity.ERROR),
    "xpath-injection": ("CWE-643", Severity.WARNING),
    "code-injection": ("CWE-94", Severity.ERROR),
    "unused-connection-pool": ("CWE-404", Severity.NOTE),
    "unvalidated-json-input": ("CWE-20", Severity.WARNING),
    "sensitive-data-in-logs": ("CWE-532", Severity.WARNING),
}
CORE_LANGUAGES = ("python", "javascript", "java", "go")

VALID = """\
id: {id}
title: A title
description: Some text that describes the problem.
severity: warning
cwe: [CWE-89]
threshold: 0.3
message: One line.
help: |
  Fix it.
"""


@pytest.fixture(scope="module")
def shipped() -> list:
    return load_rules([shipped_rules_dir()])


def write_rule(directory: Path, rule_id: str, extra: str = "", *, base: str = VALID) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{rule_id}.yaml"
    path.write_text(base.format(id=rule_id) + textwrap.dedent(extra), encoding="utf-8")
    return path


# -- the shipped pack ---------------------------------------------------------------------------


def test_shipped_dir_is_the_repository_pack() -> None:
    directory = shipped_rules_dir()
    assert directory.is_dir()
    assert (directory / "sql-injection.yaml").is_file()


def test_shipped_pack_has_exactly_the_expected_rules(shipped: list) -> None:
    assert sorted(rule.id for rule in shipped) == sorted(EXPECTED)


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_shipped_rule_is_complete(shipped: list, rule_id: str) -> None:
    rule = next(r for r in shipped if r.id == rule_id)
    cwe, severity = EXPECTED[rule_id]
    assert rule.cwe[0] == cwe
    assert rule.severity is severity
    assert Path(rule.source).name == f"{rule_id}.yaml"
    for text in (rule.title, rule.description, rule.message, rule.help):
        assert text.strip()
    assert len(rule.description) > 200  # it is what gets embedded: say enough
    assert "\n" not in rule.message
    assert "```" in rule.help  # a worked fix
    assert 0.0 < rule.threshold < 1.0
    assert len(rule.violating) >= 3
    assert len(rule.safe) >= 3
    example_languages = {ex.language for ex in rule.violating + rule.safe}
    for language in CORE_LANGUAGES:
        if rule.applies_to(language):
            assert language in example_languages, f"{rule_id}: no {language} example"
            assert rule.evidence_for(language) is not None, f"{rule_id}: no {language} evidence"


def test_weak_password_hash_carries_both_cwes(shipped: list) -> None:
    rule = next(r for r in shipped if r.id == "weak-password-hash")
    assert rule.cwe == ("CWE-328", "CWE-916")


def test_shipped_queries_compile_for_every_grammar_they_serve(shipped: list) -> None:
    assert check_queries(shipped) == []


def test_shipped_languages_are_known(shipped: list) -> None:
    for rule in shipped:
        assert set(rule.languages) <= LANGUAGES | TEXT_KINDS | {"any"}
        assert {language for language, _ in rule.evidence} <= LANGUAGES | TEXT_KINDS | {"any"}


# -- loading -------------------------------------------------------------------------------------


def test_loads_yaml_and_yml_in_name_order(tmp_path: Path) -> None:
    write_rule(tmp_path, "b-rule")
    (tmp_path / "a-rule.yml").write_text(VALID.format(id="a-rule"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a rule", encoding="utf-8")
    rules = load_rules([tmp_path])
    assert [r.id for r in rules] == ["a-rule", "b-rule"]
    assert rules[0].severity is Severity.WARNING
    assert rules[0].cwe == ("CWE-89",)
    assert rules[0].threshold == 0.3
    assert rules[0].help == "Fix it.\n"


def test_later_directory_adds_rules(tmp_path: Path) -> None:
    write_rule(tmp_path / "one", "first")
    write_rule(tmp_path / "two", "second")
    assert [r.id for r in load_rules([tmp_path / "one", tmp_path / "two"])] == ["first", "second"]


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    first = write_rule(tmp_path / "one", "same")
    second = write_rule(tmp_path / "two", "same")
    with pytest.raises(AuditorError) as info:
        load_rules([tmp_path / "one", tmp_path / "two"])
    message = str(info.value)
    assert str(first) in message
    assert str(second) in message
    assert "'id'" in message


def test_missing_directory_is_named(tmp_path: Path) -> None:
    with pytest.raises(AuditorError, match="no-such-dir: rule directory not found"):
        load_rules([tmp_path / "no-such-dir"])


def test_error_paths_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_rule(tmp_path / "rules", "foo", base=VALID.replace("warning", "high"))
    with pytest.raises(AuditorError) as info:
        load_rules([Path("rules")])
    assert str(info.value) == (
        "rules/foo.yaml: key 'severity': expected one of note, warning, error, got 'high'"
    )


def test_examples_and_evidence_are_parsed(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "full",
        """\
        languages: [python, go]
        examples:
          violating: [{language: python, code: "eval(x)"}]
          safe: [{language: go, code: "x := 1"}]
        evidence:
          python:
            match: [{regex: 'eval\\('}, {query: '(call) @match'}]
            requires: [{regex: 'x'}]
            unless: [{regex: 'literal_eval'}]
          any:
            detector: secret
        """,
    )
    (rule,) = load_rules([tmp_path])
    assert rule.languages == ("python", "go")
    assert rule.violating[0].code == "eval(x)"
    assert rule.safe[0].language == "go"
    python = rule.evidence_for("python")
    assert python is not None
    assert [p.kind for p in python.match] == ["regex", "query"]
    assert python.requires[0].source == "x"
    assert python.unless[0].source == "literal_eval"
    assert rule.evidence_for("ruby") == rule.evidence_for("any")
    assert rule.evidence_for("any").detector == "secret"


# -- errors: each names the file and the key -----------------------------------------------------

BAD_CASES = [
    # (extra YAML appended or a replacement, expected key, expected phrase)
    ("colour: red\n", "colour", "unknown key"),
    ("cwe: [89]\n", "cwe", "expected a list of strings"),
    ("cwe: [CWE89]\n", "cwe[0]", "'CWE-89'"),
    ("languages: [python, cobol]\n", "languages[1]", "got 'cobol'"),
    ("examples: [1]\n", "examples", "expected a mapping"),
    ("examples: {bad: []}\n", "examples.bad", "unknown key"),
    ("examples: {violating: [{language: python}]}\n", "examples.violating[0]", "'code'"),
    (
        "examples: {safe: [{language: klingon, code: x}]}\n",
        "examples.safe[0].language",
        "got 'klingon'",
    ),
    ("evidence: {cobol: {match: [{regex: x}]}}\n", "evidence", "got 'cobol'"),
    ("evidence: {python: {matches: []}}\n", "evidence.python.matches", "unknown key"),
    ("evidence: {python: {}}\n", "evidence.python", "needs at least one"),
    ("evidence: {python: {match: [{regex: 'a('}]}}\n", "evidence.python.match[0].regex", "python"),
    (
        "evidence: {go: {match: [{regex: ok}, {regex: '[z-a]'}]}}\n",
        "evidence.go.match[1].regex",
        "invalid regex for go",
    ),
    ("evidence: {python: {match: [{glob: x}]}}\n", "evidence.python.match[0].glob", "unknown key"),
    ("evidence: {python: {match: [x]}}\n", "evidence.python.match[0]", "one key"),
    ("evidence: {any: {match: [{query: '(call)'}]}}\n", "evidence.any.match[0].query", "'any'"),
    ("evidence: {any: {detector: magic}}\n", "evidence.any.detector", "got 'magic'"),
    ("evidence: {python: {unless: nope, match: [{regex: x}]}}\n", "evidence.python.unless", "list"),
]


@pytest.mark.parametrize(("extra", "key", "phrase"), BAD_CASES)
def test_bad_value_names_file_and_key(tmp_path: Path, extra: str, key: str, phrase: str) -> None:
    path = write_rule(tmp_path, "bad", extra)
    with pytest.raises(AuditorError) as info:
        load_rules([tmp_path])
    message = str(info.value)
    assert message.startswith(f"{path}: key '{key}'"), message
    assert phrase in message


REPLACED_CASES = [
    ("severity: warning", "severity: high", "severity", "expected one of note, warning, error"),
    ("threshold: 0.3", "threshold: high", "threshold", "expected a number"),
    ("threshold: 0.3", "threshold: true", "threshold", "expected a number"),
    ("threshold: 0.3", "threshold: 3", "threshold", "between -1 and 1"),
    ("title: A title", "title: ''", "title", "non-empty string"),
    ("message: One line.", "message: [a]", "message", "non-empty string"),
    ("id: {id}", "id: Bad_Id", "id", "lowercase"),
    ("id: {id}", "id: other", "id", "rename the file to other.yaml"),
    ("help: |\n  Fix it.\n", "", "help", "missing"),
]


@pytest.mark.parametrize(("old", "new", "key", "phrase"), REPLACED_CASES)
def test_bad_field_names_file_and_key(
    tmp_path: Path, old: str, new: str, key: str, phrase: str
) -> None:
    path = write_rule(tmp_path, "bad", base=VALID.replace(old, new))
    with pytest.raises(AuditorError) as info:
        load_rules([tmp_path])
    message = str(info.value)
    assert message.startswith(f"{path}: key '{key}'"), message
    assert phrase in message


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(AuditorError) as info:
        load_rules([tmp_path])
    message = str(info.value)
    assert message.startswith(f"{path}: invalid YAML at line")
    assert "fix the syntax" in message


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(AuditorError, match="expected a mapping with keys id, title"):
        load_rule(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"id: caf\xe9\n")
    with pytest.raises(AuditorError, match="not UTF-8"):
        load_rules([tmp_path])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write_rule(tmp_path, "secret-rule")
    path.chmod(0)
    try:
        with pytest.raises(AuditorError, match=r"cannot read .*permissions"):
            load_rules([tmp_path])
    finally:
        path.chmod(0o644)


def test_bad_query_is_reported_by_check_queries(tmp_path: Path) -> None:
    write_rule(
        tmp_path, "q", "evidence: {javascript: {match: [{query: '(no_such_node) @match'}]}}\n"
    )
    rules = load_rules([tmp_path])  # queries compile lazily: loading succeeds
    problems = check_queries(rules)
    # A javascript query also serves TypeScript and TSX units.
    assert len(problems) == 3
    assert all("evidence.javascript.match[0].query" in p for p in problems)
    assert any("(tsx)" in p for p in problems)


# -- thresholds.yaml -------------------------------------------------------------------------------


def test_thresholds_are_merged(tmp_path: Path) -> None:
    write_rule(tmp_path, "alpha")
    write_rule(tmp_path, "beta")
    (tmp_path / "thresholds.yaml").write_text(
        "sentence-transformers/all-MiniLM-L6-v2@384: {alpha: 0.41, ghost: 0.5}\n"
        "other/model@1024: {alpha: 0.6}\n",
        encoding="utf-8",
    )
    rules = {r.id: r for r in load_rules([tmp_path])}
    assert "thresholds" not in rules
    alpha = rules["alpha"]
    assert alpha.threshold_for("sentence-transformers/all-MiniLM-L6-v2@384") == 0.41
    assert alpha.threshold_for("other/model@1024") == 0.6
    assert alpha.threshold_for("unknown@1") == 0.3
    assert rules["beta"].thresholds == ()


def test_later_thresholds_win(tmp_path: Path) -> None:
    write_rule(tmp_path / "one", "alpha")
    (tmp_path / "one" / "thresholds.yaml").write_text("m@1: {alpha: 0.4}\n", encoding="utf-8")
    (tmp_path / "two").mkdir()
    (tmp_path / "two" / "thresholds.yml").write_text("m@1: {alpha: 0.2}\n", encoding="utf-8")
    (rule,) = load_rules([tmp_path / "one", tmp_path / "two"])
    assert rule.threshold_for("m@1") == 0.2


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("- 1\n", "expected a mapping of model key"),
        ("m@1: 0.3\n", "key 'm@1': expected a mapping of rule id"),
        ("m@1: {alpha: big}\n", "key 'm@1.alpha': expected a number"),
        ("m@1: {Alpha!: 0.3}\n", "key 'm@1.Alpha!': expected a rule id"),
    ],
)
def test_bad_thresholds_name_file_and_key(tmp_path: Path, text: str, phrase: str) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AuditorError) as info:
        load_thresholds(path)
    assert str(info.value).startswith(f"{path}: ")
    assert phrase in str(info.value)


def test_empty_thresholds_file(tmp_path: Path) -> None:
    path = tmp_path / "thresholds.yaml"
    path.write_text("", encoding="utf-8")
    assert load_thresholds(path) == {}


def test_shipped_pack_loads_regexes_under_any(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped pack skips regex compilation at load; an `any` regex must still load there.
    from auditor import rules as rules_module

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "r.yaml").write_text(
        "id: r\ntitle: t\ndescription: d\nseverity: note\nthreshold: 0.3\nmessage: m\nhelp: h\n"
        "evidence:\n  any:\n    match: [{regex: 'x+'}]\n"
    )
    monkeypatch.setattr(rules_module, "shipped_rules_dir", lambda: pack)
    (rule,) = rules_module.load_rules([pack])
    assert rule.evidence_for("go") is not None
