"""Text, JSON, GitHub and HTML reporters, and the registry. SARIF: test_report_sarif.py."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from auditor.model import Severity, Skip
from auditor.report import REPORTERS, Format, Reporter, get_reporter, reporter_class
from auditor.report.github import MAX_PER_LEVEL, escape_data, escape_property
from auditor.report.text import describe_scan, printable
from tests.report_factories import (
    CONTEXT,
    make_finding,
    make_result,
    make_rule,
    make_unit,
    sample_result,
)


def render(fmt: Format, result=None, context=CONTEXT) -> str:
    return get_reporter(fmt).render(result or sample_result(), context)


# --- registry ---------------------------------------------------------------------------


def test_every_format_has_a_reporter():
    assert set(REPORTERS) == set(Format)
    for fmt in Format:
        reporter = get_reporter(fmt)
        assert isinstance(reporter, Reporter)
        assert isinstance(reporter, reporter_class(fmt))


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_empty_and_full_results(fmt):
    for result in (make_result(), sample_result()):
        out = render(fmt, result)
        assert out.endswith("\n")
        assert render(fmt, result) == out  # deterministic


# --- text ---------------------------------------------------------------------------------


def test_text_groups_by_file_sorted_by_line():
    lines = render(Format.TEXT).splitlines()
    heads = [line for line in lines if re.match(r"^[\w/]+\.py:\d+: ", line)]
    assert [h.split(" ")[0] for h in heads] == [
        "a/y.py:1:",
        "a/y.py:5:",
        "a/y.py:12:",
        "b/z.py:30:",
    ]
    assert lines[0] == "a/y.py"
    assert "b/z.py" in lines
    assert lines.index("b/z.py") > lines.index(heads[2])
    assert lines[lines.index("b/z.py") - 1] == ""  # blank line between files


def test_text_headline_format():
    out = render(Format.TEXT)
    assert "b/z.py:30: error py-sql-injection: Message of py-sql-injection (score 0.90)\n" in out
    # gate-only: one level lower, and the message says so
    assert "a/y.py:12: warning py-sql-injection: Message of py-sql-injection [semantic" in out


def test_text_snippet_numbered_indented_and_capped():
    snippet = "\n".join(f"    line{i}" for i in range(9))
    finding = make_finding(start_line=20, end_line=28, snippet=snippet)
    out = render(Format.TEXT, make_result((finding,)))
    assert "    20 | line0\n" in out
    assert "    24 | line4\n" in out
    assert "line5" not in out
    assert "4 more lines" in out


def test_text_summary_counts_levels_skips_vectors_and_warnings():
    out = render(Format.TEXT)
    summary = [line for line in out.splitlines() if line.startswith("4 findings")]
    assert summary == [
        "4 findings (1 error, 2 warnings, 1 note). Scanned 12 units in 4 files;"
        " skipped 3 files: 2 binary, 1 too large; 40 vectors embedded this run (minilm-int8)."
    ]
    assert out.endswith("warning: rule weak-random has no calibrated threshold\n")


def test_text_no_findings():
    out = render(Format.TEXT, make_result())
    assert out.startswith("No findings. Scanned 12 units in 4 files; 40 vectors embedded")
    assert "skipped" not in out


def test_text_color_only_when_asked():
    plain = render(Format.TEXT)
    assert "\x1b[" not in plain
    colored = render(Format.TEXT, context=dataclasses.replace(CONTEXT, color=True))
    assert "\x1b[31merror\x1b[0m" in colored
    assert re.sub(r"\x1b\[\d+m", "", colored) == plain


def test_text_neutralizes_terminal_escapes_in_snippets():
    finding = make_finding(snippet="x = '\x1b[2J\u202e'\r")
    out = render(Format.TEXT, make_result((finding,)))
    assert "\x1b" not in out and "\u202e" not in out and "\r" not in out
    assert "\\x1b[2J\\u202e" in out
    assert printable("a\tb\nc") == "a\tb\nc"


# --- JSON -------------------------------------------------------------------------------


def test_json_is_stable_and_sorted():
    first = render(Format.JSON)
    assert first == render(Format.JSON)
    data = json.loads(first)
    assert first == json.dumps(data, sort_keys=True, indent=2) + "\n"
    # input order does not matter
    shuffled = dataclasses.replace(sample_result(), findings=sample_result().findings[::-1])
    assert render(Format.JSON, shuffled) == first


def test_json_content():
    data = json.loads(render(Format.JSON))
    assert data["version"] == "0.1.0"
    assert data["model"] == "minilm-int8"
    assert [(f["path"], f["start_line"]) for f in data["findings"]] == [
        ("a/y.py", 1),
        ("a/y.py", 5),
        ("a/y.py", 12),
        ("b/z.py", 30),
    ]
    gate_only = data["findings"][2]
    assert gate_only["rule_id"] == "py-sql-injection"
    assert gate_only["severity"] == "error" and gate_only["level"] == "warning"
    assert gate_only["confirmed"] is False
    assert gate_only["cwe"] == ["CWE-89"]
    assert gate_only["score"] == 0.55
    assert gate_only["qualname"] == "find_user"
    assert len(gate_only["fingerprint"]) == 32
    assert "baseline_state" not in gate_only
    assert data["findings"][1]["baseline_state"] == "new"
    assert data["summary"]["by_level"] == {"error": 1, "warning": 2, "note": 1}
    assert data["summary"]["skipped_by_reason"] == {"binary": 2, "too large": 1}
    assert data["summary"]["embedded"] == 40
    assert data["skipped"][0] == {"path": "big.sql", "reason": "too large"}


def test_json_rounds_score():
    data = json.loads(render(Format.JSON, make_result((make_finding(score=0.123456789),))))
    assert data["findings"][0]["score"] == 0.1235


# --- GitHub -----------------------------------------------------------------------------


def test_github_annotation_per_level():
    lines = render(Format.GITHUB).splitlines()
    assert lines[0] == (
        "::error file=b/z.py,line=30,endLine=31,title=py-sql-injection (CWE-89)"
        "::Message of py-sql-injection"
    )
    assert lines[1].startswith(
        "::warning file=a/y.py,line=1,endLine=1,title=hardcoded-secret (CWE-798)::"
    )
    assert (
        lines[3]
        == "::notice file=a/y.py,line=5,endLine=5,title=weak-random::Message of weak-random"
    )
    assert lines[-1] == "auditor: 4 findings (1 error, 2 warnings, 1 note)"
    assert len(lines) == 5


def test_github_escaping():
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    rule = dataclasses.replace(make_rule(), message="bad\ninput: 50%, really")
    finding = make_finding(rule, make_unit("dir,x/a:b.py"))
    line = render(Format.GITHUB, make_result((finding,))).splitlines()[0]
    assert line == (
        "::error file=dir%2Cx/a%3Ab.py,line=11,endLine=11,title=py-sql-injection (CWE-89)"
        "::bad%0Ainput: 50%25, really"
    )


def test_github_caps_ten_per_level_by_score():
    errors = [make_finding(score=i / 100, start_line=i + 1) for i in range(15)]
    notes_rule = make_rule("n", Severity.NOTE, ())
    notes = [make_finding(notes_rule, score=0.5, start_line=i + 1) for i in range(3)]
    lines = render(Format.GITHUB, make_result((*errors, *notes))).splitlines()
    annotated = [line for line in lines if line.startswith("::")]
    error_lines = [line for line in annotated if line.startswith("::error ")]
    assert len(error_lines) == MAX_PER_LEVEL
    # the highest scores (lines 6..15), highest first
    assert [int(re.search(r"line=(\d+)", x).group(1)) for x in error_lines] == list(
        range(15, 5, -1)
    )
    assert sum(line.startswith("::notice ") for line in annotated) == 3
    assert lines[-1] == (
        "auditor: 18 findings (15 errors, 3 notes); 5 findings not annotated"
        " (GitHub shows at most 10 per level)"
    )
    assert len(lines) == len(annotated) + 1  # nothing else on stdout


def test_github_no_findings():
    assert render(Format.GITHUB, make_result()) == "auditor: no findings\n"


# --- HTML -------------------------------------------------------------------------------


def _loads(html: str) -> list[str]:
    """Every attribute that makes a browser fetch something, and every url()/@import."""
    tag_attrs = re.findall(
        r"<(\w+)\b[^>]*?\b(src|href|srcset|data|poster|action)\s*=\s*\"([^\"]*)\"", html
    )
    fetched = [f"{tag} {attr}={value}" for tag, attr, value in tag_attrs if tag.lower() != "a"]
    fetched += re.findall(r"url\([^)]*\)|@import[^;]*", html)
    return fetched


def test_html_is_self_contained():
    html = render(Format.HTML)
    assert html.startswith("<!DOCTYPE html>")
    assert _loads(html) == []
    assert "<link" not in html
    assert not re.search(r"<script[^>]*\bsrc", html)
    anchors = re.findall(r"<a\b[^>]*href=\"([^\"]*)\"", html)
    assert anchors and all(a.startswith("https://cwe.mitre.org/") for a in anchors)
    # the only absolute URLs at all are those CWE links
    urls = re.findall(r"https?://[^\s\"'<)]+", html)
    assert all(url.startswith("https://cwe.mitre.org/data/definitions/") for url in urls), urls


def test_html_escapes_untrusted_snippet():
    rule = dataclasses.replace(make_rule(), help="Avoid <b>raw</b> HTML")
    evil = make_finding(rule, snippet='el.innerHTML = "<script>alert(1)</script>"')
    html = render(Format.HTML, make_result((evil,)))
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html
    assert html.count("<script>") == 1  # ours


def test_html_content():
    html = render(Format.HTML)
    assert "minilm-int8" in html
    assert re.search(r'class="card error"><div class="n">1<', html)
    assert re.search(r'class="card warning"><div class="n">2<', html)
    for rule_id in ("py-sql-injection", "hardcoded-secret", "weak-random"):
        assert f'title="Title of {rule_id}">{rule_id}</span>' in html  # one bar per rule
    assert "unused-rule" not in html
    assert 'style="width: 100.0%"' in html and 'style="width: 50.0%"' in html
    # rows start severity-first; severity sorts by rank
    assert [int(r) for r in re.findall(r'data-rank="(\d)"', html)] == [3, 2, 2, 1]
    assert "b/z.py:30-31" in html
    assert "https://cwe.mitre.org/data/definitions/89.html" in html
    assert "Use parameterized queries." in html
    assert "2 binary" in html and "img.png" in html
    assert "rule weak-random has no calibrated threshold" in html


def test_html_no_findings():
    html = render(Format.HTML, make_result(skipped=(Skip("a.png", "binary"),)))
    assert "No findings" in html
    assert "<table" not in html
    assert _loads(html) == []


def test_files_with_syntax_errors_are_counted_as_scanned_not_skipped() -> None:
    result = dataclasses.replace(make_result(), parse_errors=("a.ts", "b.c"))
    assert describe_scan(result).startswith(
        "scanned 12 units in 4 files (2 parsed with syntax errors);"
    )
