"""SARIF output and merging. Every document produced here goes through validate_sarif."""

from __future__ import annotations

import copy
import dataclasses
import json

import pytest

from auditor.model import AuditorError, Severity
from auditor.report import Format, get_reporter
from auditor.report.merge import merge_sarif
from auditor.report.sarif import cwe_url, rule_name
from tests.report_factories import (
    CONTEXT,
    make_finding,
    make_result,
    make_rule,
    make_unit,
    sample_result,
)
from tests.sarif_check import validate_sarif


def sarif(result=None, context=CONTEXT) -> dict:
    text = get_reporter(Format.SARIF).render(result or sample_result(), context)
    doc = json.loads(text)
    validate_sarif(doc)
    return doc


def rules_by_id(doc: dict) -> dict[str, dict]:
    return {rule["id"]: rule for rule in doc["runs"][0]["tool"]["driver"]["rules"]}


def test_header_and_run():
    doc = sarif()
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "auditor"
    assert driver["version"] == "0.1.0"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    assert run["automationDetails"] == {"id": "auditor-full/"}
    assert run["columnKind"] == "utf16CodeUnits"
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert texts == [
        "rule weak-random has no calibrated threshold",
        "Skipped 2 files (binary): img.png, x.bin",
        "Skipped 1 file (too large): big.sql",
    ]


def test_output_is_deterministic_and_sorted():
    render = get_reporter(Format.SARIF).render
    first = render(sample_result(), CONTEXT)
    shuffled = dataclasses.replace(sample_result(), findings=sample_result().findings[::-1])
    assert render(shuffled, CONTEXT) == first
    assert first == json.dumps(json.loads(first), sort_keys=True, indent=2) + "\n"


def test_rules_descriptors():
    doc = sarif()
    rules = rules_by_id(doc)
    assert list(rules) == sorted(rules)  # every rule of the scan, sorted by id
    assert set(rules) == {"hardcoded-secret", "py-sql-injection", "unused-rule", "weak-random"}
    sql = rules["py-sql-injection"]
    assert sql["name"] == "PySqlInjection"
    assert sql["shortDescription"] == {"text": "Title of py-sql-injection"}
    assert sql["fullDescription"] == {"text": "Description of py-sql-injection."}
    assert sql["help"]["text"] == "Use parameterized queries."
    assert "[CWE-89](https://cwe.mitre.org/data/definitions/89.html)" in sql["help"]["markdown"]
    assert sql["helpUri"] == "https://cwe.mitre.org/data/definitions/89.html"
    assert sql["defaultConfiguration"] == {"level": "error"}
    assert sql["properties"] == {
        "tags": ["security", "external/cwe/cwe-89"],
        "security-severity": "8.0",
        "precision": "high",
    }
    secret = rules["hardcoded-secret"]
    assert secret["properties"]["tags"] == [
        "security",
        "external/cwe/cwe-798",
        "external/cwe/cwe-259",
    ]
    assert secret["helpUri"] == "https://cwe.mitre.org/data/definitions/798.html"
    assert secret["properties"]["security-severity"] == "5.5"
    assert secret["defaultConfiguration"] == {"level": "warning"}  # written even though default
    note = rules["weak-random"]
    assert note["properties"] == {
        "tags": ["security"],
        "security-severity": "2.0",
        "precision": "low",
    }
    assert "helpUri" not in note


def test_results():
    doc = sarif()
    run = doc["runs"][0]
    results = run["results"]
    assert [
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ] == [
        ("hardcoded-secret", 1),
        ("weak-random", 5),
        ("py-sql-injection", 12),
        ("py-sql-injection", 30),
    ]
    findings = sorted(sample_result().findings, key=lambda f: (f.unit.path, f.start_line))
    for result, finding in zip(results, findings, strict=True):
        rules = run["tool"]["driver"]["rules"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"] == {"auditor/v1": finding.fingerprint}
        assert result["message"]["text"] == finding.message
    last = results[3]
    assert last["level"] == "error"
    location = last["locations"][0]
    assert location["physicalLocation"] == {
        "artifactLocation": {"uri": "b/z.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 30, "endLine": 31, "snippet": {"text": "a\nb"}},
    }
    assert location["logicalLocations"] == [
        {"fullyQualifiedName": "find_user", "kind": "function", "name": "find_user"}
    ]
    assert last["properties"] == {"score": 0.9, "confirmed": True, "precision": "high"}
    module = results[0]["locations"][0]["logicalLocations"][0]
    assert module["kind"] == "module"


def test_gate_only_finding_has_explicit_lower_level():
    # An absent level would fall back to the rule's "error" (SARIF 3.27.10): it must be written.
    results = sarif()["runs"][0]["results"]
    gate_only = results[2]
    assert gate_only["ruleId"] == "py-sql-injection"
    assert gate_only["level"] == "warning"
    assert gate_only["properties"] == {"score": 0.55, "confirmed": False, "precision": "low"}
    assert all("level" in result for result in results)


def test_baseline_state_only_when_set():
    results = sarif()["runs"][0]["results"]
    assert results[1]["baselineState"] == "new"
    assert all("baselineState" not in r for i, r in enumerate(results) if i != 1)
    unchanged = make_finding(baseline_state="unchanged")
    (result,) = sarif(make_result((unchanged,)))["runs"][0]["results"]
    assert result["baselineState"] == "unchanged"


def test_empty_scan_is_valid():
    doc = sarif(make_result())
    assert doc["runs"][0]["results"] == []
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == ["py-sql-injection"]


def test_odd_paths_and_roots_are_valid_uris():
    finding = make_finding(unit=make_unit("dir with space/a#b%.py"))
    context = dataclasses.replace(CONTEXT, repo_root="/tmp/my repo/", category="diff")
    doc = sarif(make_result((finding,)), context)
    run = doc["runs"][0]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir%20with%20space/a%23b%25.py"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///tmp/my%20repo/"
    assert run["automationDetails"]["id"] == "diff/"


def test_helpers():
    assert rule_name("py-sql-injection") == "PySqlInjection"
    assert rule_name("js.eval_use") == "JsEvalUse"
    assert cwe_url("CWE-079") == "https://cwe.mitre.org/data/definitions/79.html"
    assert cwe_url("cwe-22") == "https://cwe.mitre.org/data/definitions/22.html"
    assert cwe_url("OWASP-A1") is None


# --- merge --------------------------------------------------------------------------------


def _two_docs() -> tuple[dict, dict]:
    sql, xss = make_rule(), make_rule("js-xss", Severity.WARNING, ("CWE-79",))
    shared = make_finding(sql, make_unit("a.py"), start_line=11)
    first = make_result((shared, make_finding(sql, make_unit("b.py"), start_line=11)), rules=(sql,))
    second = make_result(
        (shared, make_finding(xss, make_unit("c.js"), start_line=3)), rules=(xss, sql)
    )
    return sarif(first), sarif(second)


def test_merge_unions_rules_and_drops_duplicates():
    first, second = _two_docs()
    before = copy.deepcopy((first, second))
    merged = merge_sarif([first, second])
    validate_sarif(merged)
    assert (first, second) == before  # inputs untouched
    (run,) = merged["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["js-xss", "py-sql-injection"]
    located = [
        (
            r["ruleId"],
            r["ruleIndex"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        )
        for r in run["results"]
    ]
    assert located == [
        ("py-sql-injection", 1, "a.py"),
        ("py-sql-injection", 1, "b.py"),
        ("js-xss", 0, "c.js"),
    ]
    assert len(run["invocations"]) == 2
    assert run["properties"]["unitsScanned"] == 24  # shard counts add up
    assert run["properties"]["model"] == "minilm-int8"
    assert run["automationDetails"] == first["runs"][0]["automationDetails"]


def test_merge_keeps_same_place_with_other_fingerprint():
    first, second = _two_docs()
    changed = copy.deepcopy(second)
    changed["runs"][0]["results"][0]["partialFingerprints"]["auditor/v1"] = "0" * 32
    merged = merge_sarif([first, changed])
    validate_sarif(merged)
    assert len(merged["runs"][0]["results"]) == 4


def test_merge_single_document_is_identity_on_results():
    first, _ = _two_docs()
    merged = merge_sarif([first])
    validate_sarif(merged)
    assert merged["runs"][0]["results"] == first["runs"][0]["results"]


def test_merge_rejects_other_tools_and_versions():
    first, second = _two_docs()
    other = copy.deepcopy(second)
    other["runs"][0]["tool"]["driver"]["name"] = "CodeQL"
    with pytest.raises(AuditorError, match=r"b\.sarif, run 1: produced by 'CodeQL', not 'auditor'"):
        merge_sarif([first, other], names=["a.sarif", "b.sarif"])
    old = dict(first, version="2.0.0")
    with pytest.raises(AuditorError, match=r"document 1: SARIF version '2\.0\.0'"):
        merge_sarif([old])
    with pytest.raises(AuditorError, match="not a SARIF log"):
        merge_sarif([first, [1, 2]])  # type: ignore[list-item]
    with pytest.raises(AuditorError, match="not a SARIF log"):
        merge_sarif([{"version": "2.1.0"}])
    with pytest.raises(AuditorError, match="nothing to merge"):
        merge_sarif([])


def test_validate_sarif_catches_problems():
    good, _ = _two_docs()
    for breakage in (
        lambda d: d.pop("version"),
        lambda d: d["runs"][0]["results"][0].pop("locations"),
        lambda d: d["runs"][0]["results"][0].pop("partialFingerprints"),
        lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        lambda d: d["runs"][0]["results"][0].update(ruleIndex=5),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "artifactLocation"
        ].pop("uriBaseId"),
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0]["properties"].update(
            {"security-severity": 8.0}
        ),
    ):
        broken = copy.deepcopy(good)
        breakage(broken)
        with pytest.raises(AssertionError):
            validate_sarif(broken)
