"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Built with ``sarif_om`` and serialized with ``jschema_to_python``, then re-dumped with sorted
keys so the same scan gives the same bytes.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sarif_om as om
from jschema_to_python.to_json import to_json

from auditor.model import Finding, Rule, ScanResult, Severity
from auditor.report.base import ReportContext, Reporter
from auditor.report.sarif_ids import FINGERPRINT_KEY, SARIF_VERSION, SCHEMA_URI, TOOL_NAME
from auditor.report.text import plural, skip_counts, sort_key

SRCROOT = "%SRCROOT%"

# GitHub maps these onto critical/high/medium/low (>= 9.0, >= 7.0, >= 4.0, > 0).
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.NOTE: "2.0"}

SKIPPED_PATHS_SHOWN = 10  # per reason, in the tool notification; the rest are counted

_CWE = re.compile(r"CWE-(\d+)", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+")


def cwe_url(cwe: str) -> str | None:
    """The MITRE page of ``CWE-89``-style ids; None for anything else."""
    match = _CWE.fullmatch(cwe.strip())
    if match is None:
        return None
    return f"https://cwe.mitre.org/data/definitions/{int(match.group(1))}.html"


def rule_name(rule_id: str) -> str:
    """``py-sql-injection`` -> ``PySqlInjection`` (SARIF names are identifiers)."""
    return "".join(word[:1].upper() + word[1:] for word in _WORD.findall(rule_id))


def all_rules(result: ScanResult) -> list[Rule]:
    """The scan's rules plus any only a finding knows, one per id, sorted by id."""
    by_id: dict[str, Rule] = {}
    for rule in (*result.rules, *(finding.rule for finding in result.findings)):
        by_id.setdefault(rule.id, rule)
    return [by_id[rule_id] for rule_id in sorted(by_id)]


class SarifReporter(Reporter):
    def render(self, result: ScanResult, context: ReportContext) -> str:
        return json.dumps(sarif_document(result, context), sort_keys=True, indent=2) + "\n"


def sarif_document(result: ScanResult, context: ReportContext) -> dict[str, Any]:
    """The SARIF log as plain JSON values."""
    rules = all_rules(result)
    index = {rule.id: i for i, rule in enumerate(rules)}
    findings = sorted(result.findings, key=sort_key)
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name=TOOL_NAME,
                version=context.tool_version,
                semantic_version=context.tool_version,
                rules=[_descriptor(rule) for rule in rules],
            )
        ),
        results=[_result(finding, index[finding.rule.id]) for finding in findings],
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=_root_uri(context.repo_root))},
        automation_details=om.RunAutomationDetails(id=f"{context.category}/"),
        column_kind="utf16CodeUnits",
        invocations=[
            om.Invocation(
                execution_successful=True,
                tool_execution_notifications=_notifications(result),
            )
        ],
        properties={
            "model": result.model,
            "unitsScanned": result.units_scanned,
            "filesScanned": result.files_scanned,
            "vectorsEmbedded": result.embedded,
        },
    )
    log = om.SarifLog(version=SARIF_VERSION, schema_uri=SCHEMA_URI, runs=[run])
    document: dict[str, Any] = json.loads(to_json(log))
    _restore_levels(document, rules, findings)
    return document


def _descriptor(rule: Rule) -> om.ReportingDescriptor:
    urls = [(cwe, url) for cwe in rule.cwe if (url := cwe_url(cwe)) is not None]
    markdown = rule.help
    if urls:
        links = ", ".join(f"[{cwe.upper()}]({url})" for cwe, url in urls)
        markdown = f"{rule.help}\n\nReferences: {links}" if rule.help else f"References: {links}"
    tags = ["security", *(f"external/cwe/{cwe.strip().lower()}" for cwe in rule.cwe)]
    return om.ReportingDescriptor(
        id=rule.id,
        name=rule_name(rule.id),
        short_description=om.MultiformatMessageString(text=rule.title),
        full_description=om.MultiformatMessageString(text=rule.description),
        help=om.MultiformatMessageString(text=rule.help, markdown=markdown),
        help_uri=urls[0][1] if urls else None,
        default_configuration=om.ReportingConfiguration(level=rule.severity.value),
        properties={
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "high" if rule.has_evidence else "low",
        },
    )


def _result(finding: Finding, rule_index: int) -> om.Result:
    unit = finding.unit
    region = om.Region(
        start_line=finding.start_line,
        end_line=max(finding.end_line, finding.start_line),
        snippet=om.ArtifactContent(text=finding.snippet) if finding.snippet else None,
    )
    location = om.Location(
        physical_location=om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=_path_uri(unit.path), uri_base_id=SRCROOT),
            region=region,
        ),
        logical_locations=[
            om.LogicalLocation(
                name=unit.qualname.rsplit(".", 1)[-1],
                fully_qualified_name=unit.qualname,
                kind="module" if unit.kind == "module" else "function",
            )
        ],
    )
    extra: dict[str, Any] = {}
    if finding.flow:
        extra["code_flows"] = [_code_flow(finding)]
    if finding.rank:
        extra["rank"] = float(finding.rank)
    return om.Result(
        **extra,
        rule_id=finding.rule.id,
        rule_index=rule_index,
        level=finding.level.value,
        message=om.Message(text=finding.message),
        locations=[location],
        partial_fingerprints={FINGERPRINT_KEY: finding.fingerprint},
        baseline_state=finding.baseline_state or None,
        properties={
            "score": round(finding.score, 4),
            "confirmed": finding.confirmed,
            "precision": "high" if finding.confirmed else "low",
            **({"evidence": "induced"} if finding.induced else {}),
        },
    )


def _code_flow(finding: Finding) -> om.CodeFlow:
    """Source, steps and sink of a data-flow finding: GitHub code scanning's "Show paths"."""
    uri = _path_uri(finding.unit.path)
    locations = [
        om.ThreadFlowLocation(
            location=om.Location(
                physical_location=om.PhysicalLocation(
                    artifact_location=om.ArtifactLocation(uri=uri, uri_base_id=SRCROOT),
                    region=om.Region(start_line=step.line),
                ),
                message=om.Message(text=step.text),
            ),
            kinds=[step.role] if step.role != "step" else None,
        )
        for step in finding.flow
    ]
    first = finding.flow[0]
    return om.CodeFlow(
        thread_flows=[om.ThreadFlow(locations=locations)],
        message=om.Message(text=f"from line {first.line} to line {finding.start_line}"),
    )


def _notifications(result: ScanResult) -> list[om.Notification]:
    notes = [om.Notification(message=om.Message(text=w), level="warning") for w in result.warnings]
    groups = [
        (
            f"Skipped {plural(count, 'file')} ({reason})",
            [s.path for s in result.skipped if s.reason == reason],
        )
        for reason, count in skip_counts(result.skipped)
    ]
    if result.parse_errors:
        count = len(result.parse_errors)
        groups.append(
            (f"Scanned {plural(count, 'file')} with syntax errors", list(result.parse_errors))
        )
    for label, names in groups:
        paths = sorted(names)
        shown = ", ".join(paths[:SKIPPED_PATHS_SHOWN])
        more = len(paths) - SKIPPED_PATHS_SHOWN
        if more > 0:
            shown += f" and {more} more"
        notes.append(om.Notification(message=om.Message(text=f"{label}: {shown}"), level="note"))
    return notes


def _path_uri(path: str) -> str:
    """A relative URI reference for a repository path (spaces, ``#`` and ``%`` escaped)."""
    try:
        # Paths that came from undecodable bytes carry them as surrogate escapes.
        return quote(path, errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, errors="surrogatepass")


def _root_uri(repo_root: str) -> str:
    uri = Path(os.path.abspath(repo_root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _restore_levels(
    document: dict[str, Any], rules: Iterable[Rule], findings: Sequence[Finding]
) -> None:
    """Write back the ``"warning"`` levels that jschema_to_python drops as schema defaults.

    An absent result level is not "warning" to a consumer: SARIF (3.27.10) says it falls back to
    the rule's defaultConfiguration, so a gate-only finding of an error rule would read as an
    error. Explicit levels everywhere avoid that reading.
    """
    run = document["runs"][0]
    for descriptor, rule in zip(run["tool"]["driver"]["rules"], rules, strict=True):
        descriptor.setdefault("defaultConfiguration", {})["level"] = rule.severity.value
    for sarif_result, finding in zip(run["results"], findings, strict=True):
        sarif_result["level"] = finding.level.value
