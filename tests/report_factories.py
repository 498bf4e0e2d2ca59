"""Rules, findings and scan results built directly, for the reporter tests."""

from __future__ import annotations

from auditor.model import (
    CodeUnit,
    Evidence,
    Finding,
    Pattern,
    Rule,
    ScanResult,
    Severity,
    Skip,
)
from auditor.report.base import ReportContext

CONTEXT = ReportContext(repo_root="/work/repo", tool_version="0.1.0", category="auditor-full")


def make_rule(
    rule_id: str = "py-sql-injection",
    severity: Severity = Severity.ERROR,
    cwe: tuple[str, ...] = ("CWE-89",),
    evidence: bool = True,
    help: str = "Use parameterized queries.",
) -> Rule:
    return Rule(
        id=rule_id,
        title=f"Title of {rule_id}",
        description=f"Description of {rule_id}.",
        severity=severity,
        cwe=cwe,
        message=f"Message of {rule_id}",
        help=help,
        threshold=0.5,
        evidence=(("python", Evidence(match=(Pattern("regex", "execute"),))),) if evidence else (),
    )


def make_unit(
    path: str = "app/db.py",
    qualname: str = "find_user",
    start_line: int = 10,
    text: str = "def find_user(name):\n    cur.execute('SELECT ' + name)\n",
    kind: str = "function",
) -> CodeUnit:
    end_line = start_line + text.count("\n")
    return CodeUnit(path, "python", qualname, kind, start_line, end_line, text)


def make_finding(
    rule: Rule | None = None,
    unit: CodeUnit | None = None,
    score: float = 0.623456,
    start_line: int = 11,
    end_line: int | None = None,
    confirmed: bool = True,
    snippet: str = "    cur.execute('SELECT ' + name)",
    baseline_state: str = "",
) -> Finding:
    return Finding(
        rule=rule or make_rule(),
        unit=unit or make_unit(),
        score=score,
        start_line=start_line,
        end_line=start_line if end_line is None else end_line,
        confirmed=confirmed,
        snippet=snippet,
        baseline_state=baseline_state,
    )


def make_result(
    findings: tuple[Finding, ...] = (),
    rules: tuple[Rule, ...] | None = None,
    skipped: tuple[Skip, ...] = (),
    warnings: tuple[str, ...] = (),
) -> ScanResult:
    if rules is None:
        rules = tuple({f.rule.id: f.rule for f in findings}.values()) or (make_rule(),)
    return ScanResult(
        findings=findings,
        rules=rules,
        units_scanned=12,
        files_scanned=4,
        skipped=skipped,
        embedded=40,
        model="minilm-int8",
        warnings=warnings,
    )


def sample_result() -> ScanResult:
    """Two files, three rules, every level, a gate-only finding, skips and a warning."""
    sql = make_rule()
    secret = make_rule("hardcoded-secret", Severity.WARNING, ("CWE-798", "CWE-259"))
    note = make_rule("weak-random", Severity.NOTE, (), evidence=False)
    unused = make_rule("unused-rule", Severity.WARNING, ("CWE-20",))
    findings = (
        make_finding(sql, make_unit("b/z.py"), 0.9, 30, 31, snippet="a\nb"),
        make_finding(secret, make_unit("a/y.py", "<module>", 1, "KEY = 'x'\n", "module"), 0.7, 1),
        make_finding(sql, make_unit("a/y.py"), 0.55, 12, confirmed=False),
        make_finding(note, make_unit("a/y.py", "Gen.token"), 0.41, 5, baseline_state="new"),
    )
    return make_result(
        findings,
        rules=(sql, secret, note, unused),
        skipped=(Skip("img.png", "binary"), Skip("big.sql", "too large"), Skip("x.bin", "binary")),
        warnings=("rule weak-random has no calibrated threshold",),
    )
