"""GitHub-flavoured Markdown for a workflow's job summary (``$GITHUB_STEP_SUMMARY``).

A summary, not the full report: counts per level and per rule, the top findings as one table,
skipped files per reason and the model line. The SARIF upload carries every finding.

Everything printed that comes from the scanned repository (paths, function names, messages,
even rules, which a pull request can add) is untrusted: it is escaped so it cannot open HTML,
links, images or extra table cells on the summary page. Secrets are masked upstream; the
reporter shows only ``Finding.message`` (masked detail included), never unit text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from auditor.model import Finding, ScanResult, Severity
from auditor.report.base import ReportContext, Reporter
from auditor.report.text import (
    describe_levels,
    level_counts,
    plural,
    printable,
    skip_counts,
    sort_key,
)

MAX_FINDINGS = 50  # rows in the findings table; the rest are counted
MAX_CELL = 300  # characters of one message cell

# Backslash-escaped in table cells: HTML and entities, emphasis, code, links and images,
# strikethrough, the cell separator, mentions and issue references.
_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~@!#])")
_BACKTICKS = re.compile(r"`+")
_SPACES = re.compile(r"\s+")


def cell(text: str, limit: int = MAX_CELL) -> str:
    """``text`` as inert table-cell text: one line, control characters shown, markup escaped."""
    flat = _SPACES.sub(" ", printable(text)).strip()
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "\u2026"
    return _SPECIAL.sub(r"\\\1", flat)


def code(text: str) -> str:
    """``text`` as an inline code span inside a table cell.

    Code spans show their content literally, so only the fence and the cell separator need
    care: the fence is one backtick longer than the longest run inside, and ``|`` is escaped
    (GFM splits cells before it parses code spans).
    """
    flat = _SPACES.sub(" ", printable(text)).strip()
    longest = max((len(run) for run in _BACKTICKS.findall(flat)), default=0)
    fence = "`" * (longest + 1)
    if flat.startswith("`") or flat.endswith("`"):
        flat = f" {flat} "
    return f"{fence}{flat.replace('|', chr(92) + '|')}{fence}"


def location(finding: Finding) -> str:
    """``path:line``, or ``path:start-end`` for a region."""
    where = f"{finding.unit.path}:{finding.start_line}"
    if finding.end_line > finding.start_line:
        where += f"-{finding.end_line}"
    return where


def ranked(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe first, then the highest score, then reading order."""
    return sorted(findings, key=lambda f: (-f.level.rank, -f.score, sort_key(f)))


class MarkdownReporter(Reporter):
    def render(self, result: ScanResult, context: ReportContext) -> str:
        findings = ranked(result.findings)
        blocks = [_heading(findings)]
        if findings:
            blocks.append(_level_table(findings))
            blocks.append(_rule_table(findings))
            blocks.append(_findings_table(findings))
        blocks.extend(_skipped(result))
        blocks.extend(_warnings(result.warnings))
        blocks.append(_footer(result, context))
        return "\n\n".join(blocks) + "\n"


def _table(header: Sequence[str], align: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _heading(findings: Sequence[Finding]) -> str:
    levels = describe_levels(findings)
    return f"## auditor: {levels[:1].lower()}{levels[1:]}"


def _level_table(findings: Sequence[Finding]) -> str:
    counts = level_counts(findings)
    rows = [[_level(level), str(n)] for level, n in counts.items()]
    return _table(["Level", "Findings"], [":--", "--:"], rows)


def _rule_table(findings: Sequence[Finding]) -> str:
    per_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        per_rule.setdefault(finding.rule.id, []).append(finding)
    ordered = sorted(per_rule.items(), key=lambda item: (-len(item[1]), item[0]))
    rows = []
    for rule_id, group in ordered:
        rule = group[0].rule
        top = max((f.level for f in group), key=lambda level: level.rank)
        cwe = ", ".join(rule.cwe)
        rows.append([code(rule_id), cell(rule.title), cell(cwe), _level(top), str(len(group))])
    return _table(["Rule", "Title", "CWE", "Level", "Findings"], [":--"] * 4 + ["--:"], rows)


def _findings_table(findings: Sequence[Finding]) -> str:
    shown = findings[:MAX_FINDINGS]
    rows = [[_level(f.level), code(f.rule.id), code(location(f)), cell(f.message)] for f in shown]
    title = "### Top findings" if len(findings) > len(shown) else "### Findings"
    table = _table(["Level", "Rule", "Location", "Message"], [":--"] * 4, rows)
    text = f"{title}\n\n{table}"
    omitted = len(findings) - len(shown)
    if omitted:
        text += (
            f"\n\n_{plural(omitted, 'more finding')} not shown here "
            f"(the {MAX_FINDINGS} most severe are listed); the SARIF report has them all._"
        )
    return text


def _skipped(result: ScanResult) -> list[str]:
    if not result.skipped:
        return []
    rows = [[cell(reason), str(n)] for reason, n in skip_counts(result.skipped)]
    table = _table(["Reason", "Files"], [":--", "--:"], rows)
    return [f"### Skipped files\n\n{table}"]


def _warnings(warnings: Sequence[str]) -> list[str]:
    if not warnings:
        return []
    items = "\n".join(f"- {cell(warning, limit=1000)}" for warning in warnings)
    return [f"### Warnings\n\n{items}"]


def _footer(result: ScanResult, context: ReportContext) -> str:
    return (
        f"Scanned {plural(result.units_scanned, 'unit')} in "
        f"{plural(result.files_scanned, 'file')} with model {code(result.model)}; "
        f"{plural(result.embedded, 'vector')} embedded this run (cache misses). "
        f"SARIF category {code(context.category)}; auditor {cell(context.tool_version)}."
    )


def _level(level: Severity) -> str:
    return f"**{level.value}**" if level is Severity.ERROR else level.value
