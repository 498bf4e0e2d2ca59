"""The one place secrets are hidden: every output that shows a secret's characters masks them.

Masking works from spans found in the whole unit or file (``find_secrets`` on the full text),
never by re-detecting secrets in a short snippet: a snippet may lack the keyword on the line
before the value, and then a re-detection misses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.analysis.detectors.secrets import SecretHit, find_secrets


def mask(value: str) -> str:
    """A description of ``value`` that never contains all of it: ``AKIA…(20 chars)``.

    One style everywhere: values under 12 characters show none of their characters
    (``…(8 chars)``); longer ones show at most their first four (for most key formats, the
    public prefix).
    """
    if not value:
        return ""
    if len(value) < 12:
        return f"…({len(value)} chars)"
    return f"{value[:4]}…({len(value)} chars)"


@dataclass(frozen=True)
class LineSpan:
    """A secret's characters as (1-based line, column) positions, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


def line_spans(text: str, hits: Iterable[SecretHit], first_line: int = 1) -> list[LineSpan]:
    """``hits`` found in ``text`` (whose line 0 is file line ``first_line``) as line spans."""
    spans: list[LineSpan] = []
    for hit in hits:
        start_row = text.count("\n", 0, hit.start)
        end_row = text.count("\n", 0, hit.end)
        start_col = hit.start - (text.rfind("\n", 0, hit.start) + 1)
        end_col = hit.end - (text.rfind("\n", 0, hit.end) + 1)
        spans.append(LineSpan(first_line + start_row, start_col, first_line + end_row, end_col))
    return spans


def mask_lines(lines: Sequence[str], first_line: int, spans: Iterable[LineSpan]) -> str:
    """``lines`` (file lines from ``first_line``) joined, with every span's characters masked.

    A span that starts or ends outside the lines shown is masked in the part that is shown;
    overlapping spans (the same secret found in a unit and in its file) are merged.
    """
    rows = list(lines)
    # Per shown row, (start, end, whether the span starts there): a continuation row of a
    # multi-line value (a PEM body) is starred out whole rather than showing its first chars.
    cuts: dict[int, list[tuple[int, int, bool]]] = {}
    for span in spans:
        for number in range(
            max(span.line, first_line), min(span.end_line, first_line + len(rows) - 1) + 1
        ):
            row = rows[number - first_line]
            start = span.column if number == span.line else 0
            end = span.end_column if number == span.end_line else len(row)
            if start < end:
                head = number == span.line
                cuts.setdefault(number - first_line, []).append((start, end, head))
    for index, pieces in cuts.items():
        merged: list[tuple[int, int, bool]] = []
        for start, end, head in sorted(pieces):
            if merged and start <= merged[-1][1]:
                first, last, was_head = merged[-1]
                merged[-1] = (first, max(last, end), was_head)
            else:
                merged.append((start, end, head))
        row = rows[index]
        for start, end, head in reversed(merged):  # right to left: earlier columns stay valid
            piece = row[start:end]
            row = row[:start] + (mask(piece) if head else "*" * len(piece)) + row[end:]
        rows[index] = row
    return "\n".join(rows)


def mask_text(text: str, language: str) -> str:
    """``text`` with every secret detected in it replaced by its mask."""
    hits = find_secrets(text, language)
    if not hits:
        return text
    return mask_lines(text.split("\n"), 1, line_spans(text, hits))
