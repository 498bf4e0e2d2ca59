"""Readable text for a terminal, with `path:line:` prefixes that editors can jump to.

The counting helpers here (levels, skips, sort order, printable) are shared by the other
reporters so every format tells the same totals the same way.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from auditor.model import Finding, ScanResult, Severity, Skip
from auditor.report.base import ReportContext, Reporter

SNIPPET_LINES = 5  # more than this and the excerpt is cut with a "more lines" marker

LEVELS_DESCENDING = (Severity.ERROR, Severity.WARNING, Severity.NOTE)

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_COLORS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.NOTE: "\x1b[36m"}

# Bidirectional overrides and isolates: shown escaped so a "trojan source" line reads as stored.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: str) -> str:
    """``text`` with control and bidi characters shown as escapes (tabs and newlines kept).

    Snippets are untrusted file content: an escape sequence in scanned code must not drive
    the terminal, and a bidi override must not reorder what the reader sees.
    """
    out: list[str] = []
    for char in text:
        if char in "\t\n":
            out.append(char)
        elif char in _BIDI or unicodedata.category(char) == "Cc":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    """The reading order of every reporter: file, then line, then rule."""
    return (finding.unit.path, finding.start_line, finding.end_line, finding.rule.id)


def level_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Findings per effective level, every level present (zero included)."""
    counts = Counter(finding.level for finding in findings)
    return {level: counts.get(level, 0) for level in LEVELS_DESCENDING}


def skip_counts(skipped: Iterable[Skip]) -> list[tuple[str, int]]:
    """Skipped files per reason, most frequent first, ties by reason."""
    counts = Counter(skip.reason for skip in skipped)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def describe_levels(findings: Sequence[Finding]) -> str:
    """``3 findings (1 error, 2 warnings)`` or ``No findings``."""
    if not findings:
        return "No findings"
    parts = [plural(n, level.value) for level, n in level_counts(findings).items() if n]
    return f"{plural(len(findings), 'finding')} ({', '.join(parts)})"


_OVERRIDABLE = frozenset({"vendored", "generated"})


def describe_skips(skipped: Sequence[Skip]) -> str:
    """``skipped 3 files: 2 binary, 1 too large``, or "" when nothing was skipped."""
    if not skipped:
        return ""
    reasons = ", ".join(f"{n} {reason}" for reason, n in skip_counts(skipped))
    hint = " (--include GLOB scans them)" if _OVERRIDABLE & {s.reason for s in skipped} else ""
    return f"skipped {plural(len(skipped), 'file')}: {reasons}{hint}"


def describe_scan(result: ScanResult) -> str:
    """Everything the summary says besides the findings, as one sentence."""
    scanned = (
        f"scanned {plural(result.units_scanned, 'unit')} in {plural(result.files_scanned, 'file')}"
    )
    if result.parse_errors:
        scanned += f" ({len(result.parse_errors)} parsed with syntax errors)"
    parts = [scanned]
    if result.secrets_only:
        kinds = ", ".join(f"{n} {kind}" for kind, n in result.secrets_only)
        total = sum(n for _, n in result.secrets_only)
        only = "scanned by detectors only (secrets, template sinks)"
        parts.append(f"{plural(total, 'file')} {only}: {kinds}")
    skips = describe_skips(result.skipped)
    if skips:
        parts.append(skips)
    if result.units_embedded is not None:
        parts.append(
            f"{result.units_embedded} of {plural(result.units_scanned, 'unit')} needed the "
            "model (strict: evidence confirmed nothing in the others)"
        )
    parts.append(f"{plural(result.embedded, 'vector')} embedded this run ({result.model})")
    return "; ".join(parts)


class TextReporter(Reporter):
    def render(self, result: ScanResult, context: ReportContext) -> str:
        paint = _Painter(context.color)
        lines: list[str] = []
        findings = sorted(result.findings, key=sort_key)
        current_path: str | None = None
        for finding in findings:
            if finding.unit.path != current_path:
                if current_path is not None:
                    lines.append("")
                current_path = finding.unit.path
                lines.append(paint.bold(printable(current_path)))
            lines.append(_headline(finding, paint))
            lines.extend(_excerpt(finding, paint))
        if findings:
            lines.append("")
        summary = f"{describe_levels(findings)}. {_capitalize(describe_scan(result))}."
        lines.append(paint.bold(summary))
        for warning in result.warnings:
            lines.append(paint.level(Severity.WARNING, "warning: ") + printable(warning))
        return "\n".join(lines) + "\n"


def _headline(finding: Finding, paint: _Painter) -> str:
    level = finding.level
    location = f"{printable(finding.unit.path)}:{finding.start_line}:"
    rule = f"{paint.level(level, level.value)} {paint.bold(finding.rule.id)}"
    if finding.unit.kind == "file":  # a text file is never embedded: there is no score
        return f"{location} {rule}: {printable(finding.message)}"
    induced = ", evidence induced from the rule's examples" if finding.induced else ""
    score = paint.dim(f"(score {finding.score:.2f}{induced})")
    return f"{location} {rule}: {printable(finding.message)} {score}"


def _excerpt(finding: Finding, paint: _Painter) -> list[str]:
    rows = textwrap.dedent(finding.snippet.expandtabs(4)).rstrip().split("\n")
    if rows == [""]:
        return []
    shown = rows[:SNIPPET_LINES]
    width = len(str(finding.start_line + len(shown) - 1))
    out = []
    for offset, row in enumerate(shown):
        number = str(finding.start_line + offset).rjust(width)
        out.append(f"    {paint.dim(number + ' |')} {printable(row.rstrip())}")
    hidden = len(rows) - len(shown)
    if hidden:
        out.append(f"    {paint.dim(' ' * width + ' | ... ' + plural(hidden, 'more line'))}")
    return out


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Painter:
    """ANSI styling that collapses to plain text when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap(_BOLD, text)

    def dim(self, text: str) -> str:
        return self._wrap(_DIM, text)

    def level(self, level: Severity, text: str) -> str:
        return self._wrap(_COLORS[level], text)
