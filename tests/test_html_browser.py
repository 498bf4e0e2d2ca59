"""The HTML report in a real browser: headless Chromium renders it, sorts it, and never runs a
snippet's script.

No browser driver is needed. A screenshot proves the page renders; for behaviour, a copy of
the report gets a small harness script that clicks the column headers, the first row and the
filter on load and writes what it saw as JSON into ``<pre id="result">``; ``--dump-dom`` then
prints the DOM, which the test parses. Skipped where Chromium is not installed (CI installs
Debian's ``chromium`` package).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from auditor.model import Severity
from auditor.report import Format, get_reporter
from auditor.report.html import help_html
from tests.report_factories import CONTEXT, make_finding, make_result, make_rule, make_unit

EVIL = 'el.innerHTML = "<script>alert(1)</script>"'
WIDTH, HEIGHT = 1280, 900


def _browser() -> str:
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("chromium not installed")
    return browser


def _result():
    sql = make_rule()
    cmd = make_rule("command-injection", Severity.ERROR, ("CWE-78",))
    xss = make_rule("xss", Severity.WARNING, ("CWE-79",))
    secret = make_rule("hardcoded-secret", Severity.WARNING, ("CWE-798",))
    weak = make_rule("weak-random", Severity.NOTE, (), evidence=False)
    findings = (
        make_finding(sql, make_unit("b/z.py"), 0.9, 30, 31, snippet="a\nb"),
        make_finding(cmd, make_unit("a/x.py", "deploy"), 0.6, 7),
        make_finding(xss, make_unit("c/views.py", "render"), 0.8, 3, snippet=EVIL),
        make_finding(secret, make_unit("a/y.py", "<module>", 1, "KEY = 'x'\n", "module"), 0.7, 1),
        make_finding(sql, make_unit("a/y.py"), 0.55, 12, confirmed=False),  # gate-only: warning
        make_finding(weak, make_unit("a/y.py", "Gen.token"), 0.41, 5),
    )
    return make_result(findings)


def _rows(result) -> list[dict[str, Any]]:
    """What each table row carries, in the report's initial order (severity, then score)."""
    ordered = sorted(
        result.findings, key=lambda f: (-f.level.rank, -f.score, f.unit.path, f.start_line)
    )
    return [
        {
            "order": i,
            "rank": f.level.rank,
            "score": f.score,
            "path": f.unit.path,
            "line": f.start_line,
            "id": f"{f.unit.path}:{f.start_line}",
        }
        for i, f in enumerate(ordered)
    ]


def _chromium(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# Installed first thing in <head>, so that any alert() the page might run is recorded.
ALERT_HOOK = """<script>
window.__alerts = [];
window.alert = function (message) { window.__alerts.push(String(message)); };
</script>"""

# Runs after the report's own script. Each step is what a reader would do.
HARNESS = """<script>
(function () {
  function order() {
    return Array.prototype.map.call(document.querySelectorAll("#findings tbody"), function (b) {
      return b.getAttribute("data-path") + ":" + b.getAttribute("data-line");
    });
  }
  function sortBy(key) {
    document.querySelector('#findings thead button[data-key="' + key + '"]').click();
    var th = document.querySelector('#findings thead button[data-key="' + key + '"]').parentNode;
    return {order: order(), sort: th.getAttribute("aria-sort")};
  }
  var out = {initial: order()};
  out.rank = [sortBy("rank"), sortBy("rank")];
  out.score = [sortBy("score"), sortBy("score")];
  out.path = [sortBy("path"), sortBy("path")];

  var first = document.querySelector("#findings tbody tr.finding");
  var details = first.parentNode.querySelector("tr.details");
  out.detailsHiddenBefore = details.hidden;
  first.querySelector("td:nth-child(3)").click();
  out.detailsHiddenAfter = details.hidden;
  out.expanded = first.querySelector("button.toggle").getAttribute("aria-expanded");

  var filter = document.getElementById("filter");
  filter.value = "VIEWS.PY";
  filter.dispatchEvent(new Event("input"));
  out.visibleAfterFilter = Array.prototype.filter.call(
    document.querySelectorAll("#findings tbody"), function (b) { return !b.hidden; }
  ).map(function (b) { return b.getAttribute("data-path"); });

  out.alerts = window.__alerts;
  out.scripts = document.scripts.length;
  out.snippetText = Array.prototype.map.call(
    document.querySelectorAll("pre.code code"), function (c) { return c.textContent; }
  ).join("\\n");
  var pre = document.createElement("pre");
  pre.id = "result";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


@pytest.fixture(scope="module")
def report_html() -> str:
    return get_reporter(Format.HTML).render(_result(), CONTEXT)


def test_renders_a_screenshot(report_html, tmp_path):
    browser = _browser()
    page = tmp_path / "report.html"
    page.write_text(report_html, encoding="utf-8")
    png = tmp_path / "report.png"
    done = _chromium(
        browser,
        tmp_path,
        f"--window-size={WIDTH},{HEIGHT}",
        "--virtual-time-budget=2000",
        f"--screenshot={png}",
        page.as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (WIDTH, HEIGHT)
    # A blank page compresses to a few hundred bytes; text, badges and bars take far more.
    assert len(data) > 20_000


@pytest.fixture(scope="module")
def seen(report_html, tmp_path_factory) -> dict[str, Any]:
    browser = _browser()
    tmp_path = tmp_path_factory.mktemp("browser")
    assert report_html.count("</body>") == 1 and report_html.count("<head>") == 1
    page = report_html.replace("<head>", "<head>\n" + ALERT_HOOK, 1)
    page = page.replace("</body>", HARNESS + "\n</body>", 1)
    path = tmp_path / "harness.html"
    path.write_text(page, encoding="utf-8")
    done = _chromium(browser, tmp_path, "--virtual-time-budget=2000", "--dump-dom", path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    match = re.search(r'<pre id="result">(.*?)</pre>', done.stdout, re.DOTALL)
    assert match, f"harness did not run; DOM dump ends with {done.stdout[-500:]!r}"
    result: dict[str, Any] = json.loads(html.unescape(match.group(1)))
    result["dom"] = done.stdout
    return result


def _ids(rows: list[dict[str, Any]], key) -> list[str]:
    return [row["id"] for row in sorted(rows, key=key)]


def test_initial_order_is_severity_then_score(seen):
    rows = _rows(_result())
    assert seen["initial"] == [row["id"] for row in rows]
    assert seen["initial"][:2] == ["b/z.py:30", "a/x.py:7"]  # both errors, higher score first


def test_severity_header_sorts_by_rank_and_a_second_click_reverses(seen):
    rows = _rows(_result())
    # The table starts sorted by severity, descending, so the first click turns it around.
    first, second = seen["rank"]
    assert first["sort"] == "ascending"
    assert first["order"] == _ids(rows, lambda r: (r["rank"], r["order"]))
    assert second["sort"] == "descending"
    assert second["order"] == _ids(rows, lambda r: (-r["rank"], r["order"]))
    assert first["order"][0] == "a/y.py:5"  # the note


def test_score_header_sorts_high_first_then_low(seen):
    rows = _rows(_result())
    first, second = seen["score"]
    assert first["sort"] == "descending"
    assert first["order"] == _ids(rows, lambda r: -r["score"])
    assert second["sort"] == "ascending"
    assert second["order"] == _ids(rows, lambda r: r["score"])


def test_location_header_sorts_by_file_then_line_number(seen):
    rows = _rows(_result())
    first, second = seen["path"]
    assert first["sort"] == "ascending"
    # numeric line order: a/y.py:1, :5, :12 (not the string order 1, 12, 5)
    assert first["order"] == _ids(rows, lambda r: (r["path"], r["line"]))
    assert first["order"][:4] == ["a/x.py:7", "a/y.py:1", "a/y.py:5", "a/y.py:12"]
    assert second["sort"] == "descending"
    assert second["order"] == first["order"][::-1]


def test_clicking_a_row_opens_its_details(seen):
    assert seen["detailsHiddenBefore"] is True
    assert seen["detailsHiddenAfter"] is False
    assert seen["expanded"] == "true"


def test_filter_hides_rows_that_do_not_match(seen):
    assert seen["visibleAfterFilter"] == ["c/views.py"]


def test_snippet_script_is_text_and_never_runs(seen):
    assert seen["alerts"] == []
    assert seen["scripts"] == 3  # the alert hook, the report's own, the harness
    assert EVIL in seen["snippetText"]  # shown to the reader as code
    dom = seen["dom"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert(1)" not in dom


# --- rule help as HTML (no browser needed) ------------------------------------------------


def test_help_markdown_subset_becomes_html():
    text = (
        "**Why it matters.** Text with `x' OR '1'='1` in it\ncontinues here.\n\n"
        "- first item\n  wraps\n- second\n\n"
        "```python\n    cursor.execute(sql, (name,))\n```\n"
    )
    assert help_html(text) == (
        "<p><strong>Why it matters.</strong> Text with <code>x&#39; OR &#39;1&#39;=&#39;1</code>"
        " in it continues here.</p>\n"
        "<ul><li>first item wraps</li><li>second</li></ul>\n"
        '<pre class="code"><code>cursor.execute(sql, (name,))</code></pre>'
    )


def test_help_cannot_carry_markup_or_links():
    text = (
        '<img src=x onerror="alert(1)"> [click](javascript:alert(1)) **<b>x</b>** `<i>`\n'
        "```\n</code></pre><script>alert(1)</script>\n```"
    )
    out = str(help_html(text))
    assert "<img" not in out and "<script" not in out and "<b>" not in out and "<a" not in out
    assert "<strong>&lt;b&gt;x&lt;/b&gt;</strong>" in out
    assert "<code>&lt;i&gt;</code>" in out
    assert "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;" in out
    assert "[click](javascript:alert(1))" in out  # stays text
