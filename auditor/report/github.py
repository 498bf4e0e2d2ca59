"""GitHub Actions workflow commands: one annotation per finding, then a plain totals line.

GitHub shows at most 10 annotations of each level per step and drops the rest, so we choose
which 10: the highest scores of each level. The totals line says how many were left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditor.model import Finding, ScanResult, Severity
from auditor.report.base import ReportContext, Reporter
from auditor.report.text import LEVELS_DESCENDING, describe_levels, plural, sort_key

MAX_PER_LEVEL = 10

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (the part after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (``file=``, ``title=``...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """``::error file=PATH,line=L,endLine=E,title=RULE (CWE-N)::MESSAGE``."""
    title = finding.rule.id
    if finding.rule.cwe:
        title = f"{title} ({finding.rule.cwe[0]})"
    properties = {
        "file": finding.unit.path,
        "line": str(finding.start_line),
        "endLine": str(max(finding.end_line, finding.start_line)),
        "title": title,
    }
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_COMMANDS[finding.level]} {rendered}::{escape_data(finding.message)}"


def chosen(findings: Sequence[Finding]) -> list[Finding]:
    """The findings worth an annotation: the best-scoring ``MAX_PER_LEVEL`` of each level."""
    picked: list[Finding] = []
    for level in LEVELS_DESCENDING:
        of_level = sorted(
            (f for f in findings if f.level is level), key=lambda f: (-f.score, sort_key(f))
        )
        picked.extend(of_level[:MAX_PER_LEVEL])
    return picked


class GithubReporter(Reporter):
    def render(self, result: ScanResult, context: ReportContext) -> str:
        picked = chosen(result.findings)
        lines = [annotation(finding) for finding in picked]
        levels = describe_levels(result.findings)
        total = f"auditor: {levels[:1].lower()}{levels[1:]}"
        left_out = len(result.findings) - len(picked)
        if left_out:
            total += (
                f"; {plural(left_out, 'finding')} not annotated"
                f" (GitHub shows at most {MAX_PER_LEVEL} per level)"
            )
        lines.append(total)
        return "\n".join(lines) + "\n"
