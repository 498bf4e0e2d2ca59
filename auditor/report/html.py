"""One self-contained HTML file: inline CSS and JS, no fonts, scripts or images from anywhere.

The page carries no timestamp, so the same scan gives the same file. All values reach the
template as plain data and are escaped by Jinja2 (autoescape on); snippets are untrusted.
The one exception is a rule's help, which ``help_html`` turns from Markdown into a few tags
after escaping every piece of it.
"""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup, escape

from auditor.model import Finding, ScanResult, Severity, Skip
from auditor.report.base import ReportContext, Reporter
from auditor.report.sarif import cwe_url
from auditor.report.text import (
    LEVELS_DESCENDING,
    describe_scan,
    level_counts,
    printable,
    skip_counts,
    sort_key,
)

TEMPLATE = "report.html.j2"
SNIPPET_LINES = 40  # the details pane shows at most this many lines of a finding's region
SKIPPED_LISTED = 200  # skipped paths listed by name; the rest are counted


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None


@dataclass(frozen=True)
class Row:
    """A finding as the template shows it."""

    order: int  # the initial position: severity, then score, both descending
    level: str
    rank: int
    rule_id: str
    rule_title: str
    path: str
    line: int
    location: str
    qualname: str
    score: str
    score_value: float
    confirmed: bool
    message: str
    snippet: list[tuple[int, str]]
    snippet_hidden: int
    help: Markup
    cwes: list[Link]
    baseline_state: str
    fingerprint: str


@dataclass(frozen=True)
class Bar:
    rule_id: str
    title: str
    level: str
    count: int
    percent: str


class HtmlReporter(Reporter):
    def render(self, result: ScanResult, context: ReportContext) -> str:
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("auditor.report", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        return environment.get_template(TEMPLATE).render(**page_data(result, context))


def page_data(result: ScanResult, context: ReportContext) -> dict[str, Any]:
    """Everything the template shows, as plain values."""
    findings = sorted(result.findings, key=lambda f: (-f.level.rank, -f.score, sort_key(f)))
    counts = level_counts(findings)
    return {
        "repo": os.path.basename(os.path.normpath(context.repo_root)) or context.repo_root,
        "tool_version": context.tool_version,
        "model": result.model,
        "total": len(findings),
        "counts": [(level.value, counts[level]) for level in LEVELS_DESCENDING],
        "scan": _sentence(describe_scan(result)),
        "units": result.units_scanned,
        "files": result.files_scanned,
        "embedded": result.embedded,
        "warnings": [printable(w) for w in result.warnings],
        "skip_reasons": skip_counts(result.skipped),
        "skipped": _skipped(result.skipped),
        "skipped_more": max(0, len(result.skipped) - SKIPPED_LISTED),
        "bars": _bars(findings),
        "rows": [_row(i, finding) for i, finding in enumerate(findings)],
    }


def _row(order: int, finding: Finding) -> Row:
    # Dedented like the text report: the excerpt's shared indentation says nothing.
    rows = textwrap.dedent(finding.snippet.expandtabs(4)).rstrip().split("\n")
    if rows == [""]:
        rows = []
    shown = rows[:SNIPPET_LINES]
    location = f"{finding.unit.path}:{finding.start_line}"
    if finding.end_line > finding.start_line:
        location += f"-{finding.end_line}"
    return Row(
        order=order,
        level=finding.level.value,
        rank=finding.level.rank,
        rule_id=finding.rule.id,
        rule_title=finding.rule.title,
        path=printable(finding.unit.path),
        line=finding.start_line,
        location=printable(location),
        qualname=printable(finding.unit.qualname),
        score=f"{finding.score:.2f}",
        score_value=round(finding.score, 4),
        confirmed=finding.confirmed,
        message=printable(finding.message),
        snippet=[(finding.start_line + i, printable(text)) for i, text in enumerate(shown)],
        snippet_hidden=len(rows) - len(shown),
        help=help_html(finding.rule.help),
        cwes=[Link(cwe, cwe_url(cwe)) for cwe in finding.rule.cwe],
        baseline_state=finding.baseline_state,
        fingerprint=finding.fingerprint,
    )


def _bars(findings: list[Finding]) -> list[Bar]:
    """Findings per rule, most first; widths relative to the largest."""
    per_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        per_rule.setdefault(finding.rule.id, []).append(finding)
    if not per_rule:
        return []
    top = max(len(group) for group in per_rule.values())
    ordered = sorted(per_rule.items(), key=lambda item: (-len(item[1]), item[0]))
    return [
        Bar(
            rule_id=rule_id,
            title=group[0].rule.title,
            level=max((f.level for f in group), key=_rank).value,
            count=len(group),
            percent=f"{100 * len(group) / top:.1f}",
        )
        for rule_id, group in ordered
    ]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rank(level: Severity) -> int:
    return level.rank


def _skipped(skipped: tuple[Skip, ...]) -> list[tuple[str, str]]:
    ordered = sorted(skipped, key=lambda s: (s.path, s.reason))[:SKIPPED_LISTED]
    return [(printable(skip.path), skip.reason) for skip in ordered]


_FENCE = re.compile(r"^\s*(```|~~~)")
_BULLET = re.compile(r"^\s*[-*]\s+")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def help_html(text: str) -> Markup:
    """A rule's help, written in Markdown, as a small safe subset of HTML.

    Paragraphs, bullet lists, fenced code blocks, ``inline code`` and **bold**; anything
    else stays text. Every piece of the source is escaped before our own tags are added, so
    a rule (which a pull request may bring) cannot put markup or links on the page.
    """
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []

    def flush() -> None:
        if paragraph:
            out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            lis = "".join(f"<li>{_inline(' '.join(item))}</li>" for item in items)
            out.append(f"<ul>{lis}</ul>")
            items.clear()

    lines = text.expandtabs(4).split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        fence = _FENCE.match(line)
        if fence:
            flush()
            code: list[str] = []
            while index < len(lines) and not lines[index].strip().startswith(fence.group(1)):
                code.append(lines[index])
                index += 1
            index += 1  # the closing fence
            body = escape(textwrap.dedent("\n".join(code)).strip("\n"))
            out.append(f'<pre class="code"><code>{body}</code></pre>')
        elif not line.strip():
            flush()
        elif _BULLET.match(line):
            if paragraph:
                flush()
            items.append([_BULLET.sub("", line).strip()])
        elif items and line.startswith(" "):
            items[-1].append(line.strip())
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return Markup("\n".join(out))


def _inline(text: str) -> str:
    parts: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(text):
        parts.append(_BOLD.sub(r"<strong>\1</strong>", str(escape(text[last : match.start()]))))
        parts.append(f"<code>{escape(match.group(2).strip())}</code>")
        last = match.end()
    parts.append(_BOLD.sub(r"<strong>\1</strong>", str(escape(text[last:]))))
    return "".join(parts)
