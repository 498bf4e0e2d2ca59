"""The rule commands and path filters through the CLI, on the real built-in model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from auditor.cli import main
from tests import planted
from tests.conftest import REPO_ROOT, git, run_cli, write


def test_rules_list_shows_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list"], {}) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["ID", "SEVERITY", "CWE"]
    for rule in (REPO_ROOT / "rules").glob("*.yaml"):
        if rule.name != "thresholds.yaml":
            assert rule.stem in out
    # TypeScript and TSX share JavaScript's evidence: the column says so.
    row = next(line for line in out.splitlines() if line.startswith("xss "))
    assert "javascript,typescript,tsx" in row.split()[-1]


def test_rules_test_passes_on_the_shipped_pack(
    shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "test"], {"AUDITOR_CACHE_DIR": str(shared_cache)}) == 0
    assert "15 of 15 rules pass" in capsys.readouterr().out


def _eval_rule(
    rule_id: str, threshold: float, safe_body: str, evidence: dict[str, str]
) -> dict[str, object]:
    """A rule about eval with two violating examples, one safe ``def run(expr)`` and
    ``evidence`` for Python."""
    return {
        "id": rule_id,
        "title": "Code evaluated at run time",
        "description": "A string is evaluated as Python code with eval.",
        "severity": "warning",
        "threshold": threshold,
        "message": "eval of a string",
        "help": "Do not eval.",
        "examples": {
            "violating": [
                {"language": "python", "code": "def run(expr):\n    return eval(expr)\n"},
                {"language": "python", "code": "def calc(s):\n    return eval(s, {})\n"},
            ],
            "safe": [{"language": "python", "code": f"def run(expr):\n    {safe_body}\n"}],
        },
        "evidence": {"python": {"match": [evidence]}},
    }


def test_rules_test_fails_a_rule_whose_safe_example_is_reported(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = _eval_rule("eval-anything", 0.1, "return eval('1+1')", {"regex": r"\beval\("})
    rule["cwe"] = ["CWE-95"]
    (tmp_path / "eval-anything.yaml").write_text(yaml.safe_dump(rule))
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    assert main(["rules", "test", "--rules", str(tmp_path)], env) == 1
    out = capsys.readouterr().out
    assert "FAIL eval-anything: safe example 0 (python): would be reported" in out


@pytest.mark.parametrize(
    ("evidence", "code"),
    [({"pattern": "eval($$$)"}, 0), ({"regex": r"\beval\("}, 1)],
)
def test_rules_test_asks_the_gate_only_where_a_scan_does(
    evidence: dict[str, str],
    code: int,
    tmp_path: Path,
    shared_cache: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A scan does not ask the gate about structural evidence: neither does `rules test`."""
    rule = _eval_rule("eval-call", 0.99, "return len(expr)", evidence)  # 0.99: no example passes
    (tmp_path / "eval-call.yaml").write_text(yaml.safe_dump(rule))
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    assert main(["rules", "test", "--rules", str(tmp_path)], env) == code
    out = capsys.readouterr().out
    assert ("gate score" in out) == bool(code)


def test_rules_calibrate_writes_per_model_thresholds(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "thresholds.yaml"
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    args = [
        "rules",
        "calibrate",
        "--corpus",
        str(REPO_ROOT / "tests" / "corpus"),
        "-o",
        str(target),
    ]
    assert main(args, env) == 0
    table = yaml.safe_load(target.read_text())
    values = table["sentence-transformers/all-MiniLM-L6-v2@384"]
    assert set(values) >= {"sql-injection", "hardcoded-secret", "xss"}
    assert all(0.05 <= v <= 0.95 for v in values.values())
    assert "sql-injection" in capsys.readouterr().out
    # --margin 0: at the lowest known violation's score, 0.03 above the default's
    exact = tmp_path / "exact.yaml"
    assert main([*args[:-1], str(exact), "--margin", "0"], env) == 0
    at_lowest = yaml.safe_load(exact.read_text())["sentence-transformers/all-MiniLM-L6-v2@384"]
    for rule_id, value in values.items():
        assert (
            value == max(0.05, at_lowest[rule_id] - 0.03)
            or abs(value - (at_lowest[rule_id] - 0.03)) <= 0.0011
        )
    assert main([*args, "--margin", "1.5"], env) == 2


def test_exclude_and_auditorignore_skip_paths(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "app/service.py", planted.PY_SERVICE)
    write(repo, "fixtures/service.py", planted.PY_SERVICE)
    write(repo, "vendorish/service.py", planted.PY_SERVICE)
    write(repo, ".auditorignore", "# test data\nfixtures/\n")
    git(repo, "add", ".")
    args = ["scan", "--all", "--format", "json", "--exclude", "vendorish/**"]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 1
    paths = {f["path"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert paths == {"app/service.py"}


def _team_rule(evidence: dict[str, object]) -> dict[str, object]:
    return {
        "id": "eval-of-input",
        "title": "Input evaluated as code",
        "description": "A value from the request is evaluated as Python code with eval.",
        "severity": "error",
        "threshold": 0.1,
        "message": "eval of request data",
        "help": "Do not eval.",
        "examples": {
            "violating": [
                {
                    "language": "python",
                    "code": "def calc():\n    expr = request.args['e']\n    return eval(expr)\n",
                }
            ],
            "safe": [{"language": "python", "code": "def calc():\n    return eval('1 + 1')\n"}],
        },
        "evidence": evidence,
    }


def test_rules_test_fails_a_regex_that_reads_code_structure(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence = {"python": {"match": [{"regex": r"\beval\s*\(\s*expr"}]}}
    (tmp_path / "eval-of-input.yaml").write_text(yaml.safe_dump(_team_rule(evidence)))
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    assert main(["rules", "test", "--rules", str(tmp_path)], env) == 1
    out = capsys.readouterr().out
    assert "'evidence.python.match[0]': a regex over the unit's text spans code structure" in out


def test_rules_test_passes_the_same_rule_as_data_flow(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evidence = {
        "python": {
            "taint": {"sources": ["request"], "sinks": [{"pattern": "eval($X)", "focus": "X"}]}
        }
    }
    (tmp_path / "eval-of-input.yaml").write_text(yaml.safe_dump(_team_rule(evidence)))
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    assert main(["rules", "test", "--rules", str(tmp_path)], env) == 0, capsys.readouterr().out
    assert "1 of 1 rules pass" in capsys.readouterr().out
