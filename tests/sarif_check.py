"""Check a SARIF document against the official 2.1.0 schema and what GitHub code scanning needs.

Usage in any test: ``from tests.sarif_check import validate_sarif; validate_sarif(doc)``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.protocols import Validator

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"


@functools.cache
def _validator() -> Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # The OASIS schema declares draft-04; use the validator it names.
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_sarif(doc: Any) -> None:
    """Fail with every schema error and every GitHub requirement the document misses.

    Accepts the parsed document or its JSON text.
    """
    if isinstance(doc, str):
        doc = json.loads(doc)
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "SARIF schema errors:\n" + "\n".join(
        f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors
    )
    assert doc["version"] == "2.1.0"
    assert doc["runs"], "no runs"
    for run in doc["runs"]:
        _check_run(run)


def _check_run(run: dict[str, Any]) -> None:
    driver = run["tool"]["driver"]
    assert driver.get("name"), "tool.driver.name is required"
    rules = driver.get("rules", [])
    rule_ids = [rule["id"] for rule in rules]
    assert len(rule_ids) == len(set(rule_ids)), f"duplicate rule ids: {rule_ids}"
    for rule in rules:
        severity = rule.get("properties", {}).get("security-severity")
        if severity is not None:
            assert isinstance(severity, str), f"{rule['id']}: security-severity must be a string"
            assert 0.0 <= float(severity) <= 10.0, f"{rule['id']}: security-severity out of range"
    base_ids = run.get("originalUriBaseIds", {})
    for base in base_ids.values():
        assert base["uri"].endswith("/"), f"a base URI must end with '/': {base['uri']}"
    assert isinstance(run.get("results"), list), "GitHub needs a results array"
    for number, result in enumerate(run["results"]):
        where = f"result {number} ({result.get('ruleId')})"
        assert result.get("ruleId"), f"{where}: no ruleId"
        assert result.get("message", {}).get("text"), f"{where}: no message.text"
        if "ruleIndex" in result:
            index = result["ruleIndex"]
            assert 0 <= index < len(rules), f"{where}: ruleIndex {index} out of range"
            assert rules[index]["id"] == result["ruleId"], f"{where}: ruleIndex names another rule"
        assert result.get("locations"), f"{where}: GitHub needs a location"
        physical = result["locations"][0]["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert artifact.get("uri"), f"{where}: no artifactLocation.uri"
        assert not artifact["uri"].startswith("/"), f"{where}: uri must be repo-relative"
        assert artifact.get("uriBaseId"), f"{where}: no uriBaseId"
        assert artifact["uriBaseId"] in base_ids, f"{where}: uriBaseId not in originalUriBaseIds"
        region = physical["region"]
        assert region.get("startLine", 0) >= 1, f"{where}: GitHub needs region.startLine"
        assert region.get("endLine", region["startLine"]) >= region["startLine"], where
        assert result.get("partialFingerprints"), f"{where}: no partialFingerprints"
