"""Stable JSON: sorted keys, fixed indentation, findings in reading order.

The same scan gives the same bytes, so the output can be diffed, cached and used as a
golden file.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.model import Finding, ScanResult
from auditor.report.base import ReportContext, Reporter
from auditor.report.text import level_counts, skip_counts, sort_key

SCORE_DIGITS = 4


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """One finding as plain JSON values."""
    data: dict[str, Any] = {
        "rule_id": finding.rule.id,
        "severity": finding.rule.severity.value,
        "level": finding.level.value,
        "cwe": list(finding.rule.cwe),
        "path": finding.unit.path,
        "language": finding.unit.language,
        "start_line": finding.start_line,
        "end_line": finding.end_line,
        "qualname": finding.unit.qualname,
        "kind": finding.unit.kind,
        "score": round(finding.score, SCORE_DIGITS),
        "confirmed": finding.confirmed,
        "induced": finding.induced,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "snippet": finding.snippet,
    }
    if finding.detail:
        data["detail"] = finding.detail
    if finding.rank:
        data["rank"] = finding.rank
    if finding.flow:
        data["flow"] = [
            {"line": step.line, "role": step.role, "text": step.text} for step in finding.flow
        ]
    if finding.baseline_state:
        data["baseline_state"] = finding.baseline_state
    return data


def summary_to_dict(result: ScanResult) -> dict[str, Any]:
    """The totals every format reports, as plain JSON values."""
    return {
        "findings": len(result.findings),
        "by_level": {level.value: n for level, n in level_counts(result.findings).items()},
        "units_scanned": result.units_scanned,
        "files_scanned": result.files_scanned,
        "files_parsed_with_errors": len(result.parse_errors),
        "files_skipped": len(result.skipped),
        "secrets_only_by_kind": dict(result.secrets_only),
        "skipped_by_reason": dict(skip_counts(result.skipped)),
        "embedded": result.embedded,
        "units_gated": result.units_embedded,
        "warnings": list(result.warnings),
    }


class JsonReporter(Reporter):
    def render(self, result: ScanResult, context: ReportContext) -> str:
        document = {
            "version": context.tool_version,
            "model": result.model,
            "findings": [finding_to_dict(f) for f in sorted(result.findings, key=sort_key)],
            "summary": summary_to_dict(result),
            "skipped": [
                {"path": skip.path, "reason": skip.reason}
                for skip in sorted(result.skipped, key=lambda s: (s.path, s.reason))
            ],
            "parsed_with_errors": sorted(result.parse_errors),
        }
        # ASCII escapes (the default) keep lone surrogates from odd source files writable.
        return json.dumps(document, sort_keys=True, indent=2) + "\n"
