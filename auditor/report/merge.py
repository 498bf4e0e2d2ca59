"""Merge the runs of several auditor SARIF logs into one run.

Useful when a scan is sharded across jobs but the upload should be one document: GitHub
code scanning keeps one analysis per category, and a later upload replaces an earlier one.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from auditor.model import AuditorError
from auditor.report.sarif_ids import FINGERPRINT_KEY, SARIF_VERSION, SCHEMA_URI, TOOL_NAME

_DedupKey = tuple[str, object, object, object]


def merge_sarif(
    documents: list[dict[str, Any]], names: Sequence[str] | None = None
) -> dict[str, Any]:
    """One SARIF 2.1.0 log with a single run holding every run of ``documents``.

    Rules are united by id (the first descriptor of an id wins) and re-indexed; results are
    concatenated in input order, dropping repeats of (ruleId, uri, startLine, fingerprint).
    Tool and automation details come from the first run; base URIs and run properties are
    united (integer counts summed, as for shards of one scan). ``names`` (file names,
    say) label the documents in error messages. Raises AuditorError for anything that is not
    an auditor SARIF 2.1.0 log. The inputs are not modified.
    """
    if not documents:
        raise AuditorError("nothing to merge: no SARIF documents given")
    labels = (
        list(names) if names is not None else [f"document {i + 1}" for i in range(len(documents))]
    )
    if len(labels) != len(documents):
        raise ValueError("names must label every document")
    runs = [run for label, doc in zip(labels, documents, strict=True) for run in _runs(label, doc)]
    if not runs:
        raise AuditorError("nothing to merge: the SARIF documents hold no runs")

    descriptors: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    invocations: list[Any] = []
    base_ids: dict[str, Any] = {}
    properties: dict[str, Any] = {}
    seen: set[_DedupKey] = set()
    for label, run in runs:
        rules = run["tool"]["driver"].get("rules") or []
        for descriptor in rules:
            descriptors.setdefault(descriptor["id"], copy.deepcopy(descriptor))
        for result in run.get("results") or []:
            rule_id = _rule_id(label, result, rules)
            key = _dedup_key(rule_id, result)
            if key in seen:
                continue
            seen.add(key)
            merged = copy.deepcopy(result)
            merged["ruleId"] = rule_id
            results.append(merged)
        invocations.extend(copy.deepcopy(run.get("invocations") or []))
        for base_id, location in (run.get("originalUriBaseIds") or {}).items():
            base_ids.setdefault(base_id, copy.deepcopy(location))
        _add_properties(properties, run.get("properties") or {})

    order = sorted(descriptors)
    index = {rule_id: i for i, rule_id in enumerate(order)}
    for result in results:
        if result["ruleId"] in index:
            result["ruleIndex"] = index[result["ruleId"]]
        else:
            result.pop("ruleIndex", None)

    merged_run = copy.deepcopy(runs[0][1])
    merged_run["tool"]["driver"]["rules"] = [descriptors[rule_id] for rule_id in order]
    merged_run["results"] = results
    if invocations:
        merged_run["invocations"] = invocations
    if base_ids:
        merged_run["originalUriBaseIds"] = base_ids
    if properties:
        merged_run["properties"] = properties
    return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [merged_run]}


def _runs(label: str, document: Any) -> list[tuple[str, dict[str, Any]]]:
    if not isinstance(document, dict):
        raise AuditorError(f"{label}: not a SARIF log (expected a JSON object)")
    version = document.get("version")
    if version != SARIF_VERSION:
        raise AuditorError(
            f"{label}: SARIF version {version!r}, only {SARIF_VERSION} can be merged"
        )
    runs = document.get("runs")
    if not isinstance(runs, list):
        raise AuditorError(f"{label}: not a SARIF log ('runs' is missing or not a list)")
    checked = []
    for number, run in enumerate(runs, start=1):
        where = f"{label}, run {number}"
        driver = run.get("tool", {}).get("driver") if isinstance(run, dict) else None
        if not isinstance(driver, dict):
            raise AuditorError(f"{where}: no tool.driver")
        if driver.get("name") != TOOL_NAME:
            raise AuditorError(
                f"{where}: produced by {driver.get('name')!r}, not {TOOL_NAME!r};"
                f" only {TOOL_NAME} SARIF can be merged"
            )
        rules = driver.get("rules") or []
        if not isinstance(rules, list) or not all(
            isinstance(rule, dict) and isinstance(rule.get("id"), str) for rule in rules
        ):
            raise AuditorError(f"{where}: tool.driver.rules is not a list of rules with ids")
        results = run.get("results") or []
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise AuditorError(f"{where}: 'results' is not a list of results")
        checked.append((where, run))
    return checked


def _add_properties(total: dict[str, Any], properties: dict[str, Any]) -> None:
    """Counts (unitsScanned, filesScanned...) add up across shards; anything else: first wins."""
    for key, value in properties.items():
        if key not in total:
            total[key] = copy.deepcopy(value)
        elif _is_count(total[key]) and _is_count(value):
            total[key] += value


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rule_id(where: str, result: dict[str, Any], rules: list[dict[str, Any]]) -> str:
    rule_id = result.get("ruleId")
    if isinstance(rule_id, str):
        return rule_id
    rule_index = result.get("ruleIndex")
    if isinstance(rule_index, int) and 0 <= rule_index < len(rules):
        return str(rules[rule_index]["id"])
    raise AuditorError(f"{where}: a result names no rule (no ruleId, no valid ruleIndex)")


def _dedup_key(rule_id: str, result: dict[str, Any]) -> _DedupKey:
    locations = result.get("locations") or [{}]
    physical = locations[0].get("physicalLocation", {})
    uri = physical.get("artifactLocation", {}).get("uri")
    start_line = physical.get("region", {}).get("startLine")
    fingerprint = (result.get("partialFingerprints") or {}).get(FINGERPRINT_KEY)
    return (rule_id, uri, start_line, fingerprint)
