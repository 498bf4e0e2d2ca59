"""The Markdown reporter: the job summary a workflow appends to $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import dataclasses
import re

from auditor.model import Severity, Skip
from auditor.report import Format, get_reporter, reporter_class
from auditor.report.markdown import MAX_FINDINGS, MarkdownReporter, cell, code
from tests.report_factories import (
    CONTEXT,
    make_finding,
    make_result,
    make_rule,
    make_unit,
    sample_result,
)


def render(result=None) -> str:
    return get_reporter(Format.MARKDOWN).render(result or sample_result(), CONTEXT)


def table_rows(markdown: str, header: str) -> list[list[str]]:
    """The body rows of the table whose header line starts with ``header``, split on ``|``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        # split on unescaped pipes only, as GFM does
        parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([part.strip() for part in parts])
    return rows


def test_registered():
    assert Format("markdown") is Format.MARKDOWN
    assert reporter_class(Format.MARKDOWN) is MarkdownReporter


def test_heading_and_counts():
    out = render()
    assert out.startswith("## auditor: 4 findings (1 error, 2 warnings, 1 note)\n")
    assert table_rows(out, "| Level | Findings |") == [
        ["**error**", "1"],
        ["warning", "2"],
        ["note", "1"],
    ]
    by_rule = table_rows(out, "| Rule | Title |")
    assert [row[0] for row in by_rule] == [
        "`py-sql-injection`",
        "`hardcoded-secret`",
        "`weak-random`",
    ]
    assert by_rule[0][2:] == ["CWE-89", "**error**", "2"]
    assert by_rule[1][2:] == ["CWE-798, CWE-259", "warning", "1"]
    assert "unused-rule" not in out  # rules without findings are not listed


def test_findings_table_most_severe_first_with_locations():
    rows = table_rows(render(), "| Level | Rule | Location | Message |")
    assert [(row[0], row[2]) for row in rows] == [
        ("**error**", "`b/z.py:30-31`"),
        ("warning", "`a/y.py:1`"),
        ("warning", "`a/y.py:12`"),
        ("note", "`a/y.py:5`"),
    ]
    assert rows[2][3] == (
        "Message of py-sql-injection \\[semantic match only, not confirmed by evidence\\]"
    )


def test_skips_warnings_and_model_line():
    out = render()
    assert table_rows(out, "| Reason | Files |") == [["binary", "2"], ["too large", "1"]]
    assert "### Warnings\n\n- rule weak-random has no calibrated threshold\n" in out
    assert (
        "Scanned 12 units in 4 files with model `minilm-int8`; 40 vectors embedded this run" in out
    )
    assert "`auditor-full`" in out
    assert out.endswith(".\n")


def test_no_findings_is_short():
    out = render(make_result())
    assert out.startswith("## auditor: no findings\n")
    assert "| Level |" not in out and "Skipped" not in out and "Warnings" not in out
    assert "minilm-int8" in out


def test_caps_rows_and_says_how_many_were_omitted():
    rule = make_rule()
    findings = tuple(
        make_finding(rule, make_unit(f"src/m{i:03}.py"), score=0.5 + i / 1000, start_line=i + 1)
        for i in range(MAX_FINDINGS + 7)
    )
    out = render(make_result(findings))
    rows = table_rows(out, "| Level | Rule | Location | Message |")
    assert len(rows) == MAX_FINDINGS
    assert rows[0][2] == f"`src/m{MAX_FINDINGS + 6:03}.py:{MAX_FINDINGS + 7}`"  # best score
    assert "### Top findings" in out
    assert "_7 more findings not shown here" in out


def test_errors_outrank_higher_scoring_warnings_in_the_cut():
    warn = make_rule("w", Severity.WARNING)
    err = make_rule("e", Severity.ERROR)
    findings = [make_finding(warn, score=0.99, start_line=i + 1) for i in range(MAX_FINDINGS)]
    findings.append(make_finding(err, score=0.3, start_line=999))
    rows = table_rows(render(make_result(tuple(findings))), "| Level | Rule |")
    assert rows[0][1] == "`e`"


def test_untrusted_text_cannot_inject_markup():
    rule = dataclasses.replace(
        make_rule("evil"),
        title="<img src=x onerror=alert(1)>",
        message="see [here](https://evil.example) | <script>alert(1)</script> @admin",
    )
    unit = make_unit("dir|x/`a`.py", "Cls.method\nnext")
    finding = dataclasses.replace(
        make_finding(rule, unit, snippet="RAW_UNIT_TEXT_MARKER"), detail="AKIA****MPLE"
    )
    out = render(make_result((finding,)))
    assert not re.search(r"(?<!\\)[<>\[\]]", out)  # no bracket left unescaped
    assert "\\<script\\>" in out and "\\<img src" in out
    assert "\\[here\\]" in out and "\\@admin" in out
    assert "RAW_UNIT_TEXT_MARKER" not in out and "execute" not in out  # no unit text
    assert "AKIA\\*\\*\\*\\*MPLE" in out  # masked detail, escaped
    rows = table_rows(out, "| Level | Rule | Location | Message |")
    assert len(rows) == 1 and len(rows[0]) == 4  # the pipes stayed inside their cells
    assert rows[0][2] == "``dir\\|x/`a`.py:11``"


def test_cell_and_code_helpers():
    assert cell("a\n\tb\x1b[2J") == "a b\\\\x1b\\[2J"
    assert cell("x" * 400).endswith("\u2026") and len(cell("x" * 400)) == 300
    assert code("a|b") == "`a\\|b`"
    assert code("a``b") == "```a``b```"
    assert code("`x") == "`` `x ``"


def test_deterministic_and_order_independent():
    result = sample_result()
    shuffled = dataclasses.replace(result, findings=result.findings[::-1])
    assert render(result) == render(shuffled) == render(result)


def test_skips_counted_by_reason_not_listed():
    skipped = tuple(Skip(f"gen/f{i}.js", "generated") for i in range(30))
    out = render(make_result(skipped=skipped))
    assert table_rows(out, "| Reason | Files |") == [["generated", "30"]]
    assert "gen/f0.js" not in out
