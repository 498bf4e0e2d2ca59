"""Evidence induced from a rule's examples: real rules, the real loader and matcher, the CLI."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml

from auditor import evidence, rule_cache
from auditor.analysis.induce import induce
from auditor.cli import main
from auditor.model import AuditorError, CodeUnit, Rule
from auditor.rules import load_rule, load_rules, shipped_rules_dir
from auditor.ruletest import example_unit
from tests.conftest import git, run_cli, write
from tests.sarif_check import validate_sarif

DATA = Path(__file__).parent / "data" / "induce"
TIMEOUT_RULE = DATA / "http-without-timeout.yaml"


def _unit(code: str) -> CodeUnit:
    lines = code.rstrip("\n").split("\n")
    return CodeUnit("x.py", "python", "f", "function", 1, len(lines), "\n".join(lines))


def _confirmed(rule: Rule, code: str) -> bool:
    return bool(evidence.confirm(rule, _unit(code)))


def test_a_rule_without_evidence_gets_evidence_that_separates_its_examples() -> None:
    rule = load_rule(TIMEOUT_RULE)
    assert rule.induced == ("python",) and rule.induced_for("python")
    for i, example in enumerate(rule.violating):
        assert evidence.confirm(rule, example_unit(rule, example, "violating", i))
    for i, example in enumerate(rule.safe):
        assert not evidence.confirm(rule, example_unit(rule, example, "safe", i))
    # code the examples never showed
    assert _confirmed(rule, "def f(u):\n    return requests.get(u, params={'a': 1}).text\n")
    assert not _confirmed(rule, "def f(u):\n    return requests.get(u, timeout=3).text\n")
    assert not _confirmed(rule, "def f(u):\n    return cache.get(u)\n")


def test_the_shipped_pack_keeps_its_written_evidence() -> None:
    assert not [r.id for r in load_rules([shipped_rules_dir()]) if r.induced or r.unlearned]


CASES = {
    "shell-true": (
        ["def run(c):\n    subprocess.call(c, shell=True)\n",
         "def run(c):\n    return subprocess.Popen(c, shell=True, stdout=PIPE)\n"],
        ["def run(c):\n    subprocess.call(c.split(), shell=False)\n",
         "def run(c):\n    subprocess.run(['ls', c], check=True)\n"],
        ["def go(x):\n    return subprocess.check_output(x, shell=True)\n"],
        ["def go(x):\n    return subprocess.check_output(x, shell=False)\n"],
    ),
    "yaml-load": (
        ["def l(f):\n    return yaml.load(f)\n",
         "def l(f):\n    return yaml.load(f, Loader=yaml.Loader)\n"],
        ["def l(f):\n    return yaml.load(f, Loader=yaml.SafeLoader)\n",
         "def l(f):\n    return yaml.safe_load(f)\n"],
        ["def l(t):\n    data = yaml.load(t, Loader=yaml.FullLoader)\n    return data\n"],
        ["def l(t):\n    return yaml.load(t, Loader=SafeLoader)\n"],
    ),
    "tmp-path": (
        ["def f():\n    open('/tmp/data.txt', 'w').write('x')\n", "LOG = '/tmp/app.log'\n"],
        ["def f():\n    with tempfile.NamedTemporaryFile() as t:\n        t.write(b'x')\n"],
        ['def g():\n    os.makedirs("/tmp/cache/x")\n'],
        ['def g():\n    """Writes under /tmp/ when asked."""\n    os.makedirs(base)\n'],
    ),
    "except-pass": (
        ["try:\n    x()\nexcept Exception:\n    pass\n",
         "def f():\n    try:\n        y()\n    except:\n        pass\n"],
        ["try:\n    x()\nexcept Exception:\n    log.exception('x')\n"],
        ["def g():\n    try:\n        z()\n    except BaseException as exc:\n"
         "        # fine\n        pass\n"],
        ["def g():\n    try:\n        z()\n    except Exception:\n        cleanup()\n"
         "        pass\n",
         "def g():\n    try:\n        z()\n    except KeyError:\n        pass\n"],
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CASES))
def test_induced_evidence_generalizes_beyond_its_examples(name: str) -> None:
    violating, safe, new_violating, new_safe = CASES[name]
    found = induce("python", violating, safe)
    assert found.evidence is not None, found.problem
    body = {"evidence": {"python": found.evidence}}
    rule = _rule_with(body, violating, safe)
    assert all(_confirmed(rule, code) for code in violating + new_violating)
    assert not any(_confirmed(rule, code) for code in safe + new_safe)
    assert induce("python", violating, safe) == found  # deterministic


def _rule_with(extra: dict[str, object], violating: list[str], safe: list[str]) -> Rule:
    data = {
        "id": "r", "title": "t", "description": "d", "severity": "warning", "threshold": 0.1,
        "message": "m", "help": "h",
        "examples": {"violating": [{"language": "python", "code": c} for c in violating],
                     "safe": [{"language": "python", "code": c} for c in safe]},
        **extra,
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.yaml"
        path.write_text(yaml.safe_dump(data))
        return load_rule(path)


def test_rules_suggest_prints_evidence_that_loads_as_written_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "suggest", str(TIMEOUT_RULE)], {}) == 0
    out = capsys.readouterr().out
    assert "safe[0]: line 2 `requests.post(hook, json=payload, timeout=5)`: rejected by" in out
    assert "violating[1]: matched at line 2 `requests.get(url)`" in out
    pasted = yaml.safe_load(TIMEOUT_RULE.read_text()) | yaml.safe_load(out)
    target = tmp_path / TIMEOUT_RULE.name
    target.write_text(yaml.safe_dump(pasted))
    written = load_rule(target)
    assert written.induced == () and written.evidence == load_rule(TIMEOUT_RULE).evidence


def test_conflicting_examples_name_the_conflict(
    tmp_path: Path, shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = yaml.safe_load(TIMEOUT_RULE.read_text())
    data["examples"]["safe"].append(dict(data["examples"]["violating"][0]))
    data["evidence"] = "from-examples"
    (tmp_path / TIMEOUT_RULE.name).write_text(yaml.safe_dump(data))
    assert main(["rules", "suggest", str(tmp_path / TIMEOUT_RULE.name)], {}) == 1
    out = capsys.readouterr().out
    assert "no evidence: safe[2] `requests.post(hook, json=payload)` and violating[0]" in out
    assert "the same code" in out
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    assert main(["rules", "test", "--rules", str(tmp_path)], env) == 1
    assert "FAIL http-without-timeout: no python evidence could be induced" in (
        capsys.readouterr().out
    )


def test_rules_suggest_rejects_a_file_that_is_not_a_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["rules", "suggest", str(tmp_path / "missing.yaml")], {}) == 2
    err = capsys.readouterr().err
    assert "missing.yaml: file not found" in err and "Traceback" not in err


def test_the_rule_pack_cache_keeps_induced_evidence(tmp_path: Path) -> None:
    pack = tmp_path / "rules"
    pack.mkdir()
    shutil.copy(TIMEOUT_RULE, pack)
    first = rule_cache.load([pack], tmp_path / "cache", load_rules)
    second = rule_cache.load([pack], tmp_path / "cache", lambda dirs: [])  # from the pickle
    assert second == first and second[0].induced == ("python",)


def test_a_scan_marks_findings_from_induced_evidence(
    repo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".auditor" / "rules").mkdir(parents=True)
    shutil.copy(TIMEOUT_RULE, repo / ".auditor" / "rules")
    write(
        repo,
        "client.py",
        "import requests\n\n\ndef user(uid):\n    return requests.get(f'/u/{uid}').json()\n\n\n"
        "def team(tid):\n    return requests.get(f'/t/{tid}', timeout=10).json()\n",
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "client")
    assert run_cli(repo, ["scan", "--all", "--format", "sarif"], cache_dir, monkeypatch) == 1
    doc = json.loads(capsys.readouterr().out)
    validate_sarif(doc)
    results = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "http-without-timeout"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [5]
    assert results[0]["properties"]["evidence"] == "induced"
    assert run_cli(repo, ["scan", "--all", "--format", "json"], cache_dir, monkeypatch) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule_id"], f["start_line"], f["induced"]) for f in found] == [
        ("http-without-timeout", 5, True)
    ]
    assert run_cli(repo, ["scan", "--all"], cache_dir, monkeypatch) == 1
    assert "evidence induced from the rule's examples" in capsys.readouterr().out


TEAM_RULES = Path(__file__).parent.parent / "bench" / "data" / "team-rules"


@pytest.mark.parametrize("path", sorted(TEAM_RULES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_team_rule_gets_evidence_that_passes_its_examples(path: Path) -> None:
    """Rules a team wrote as a sentence and examples, with no evidence and no threshold."""
    rule = load_rule(path)
    assert rule.induced == ("python",) and not rule.unlearned
    for i, example in enumerate(rule.violating):
        assert evidence.confirm(rule, example_unit(rule, example, "violating", i)), i
    for i, example in enumerate(rule.safe):
        assert not evidence.confirm(rule, example_unit(rule, example, "safe", i)), i


def test_a_literal_named_by_a_comparison_is_one_compared_for_equality() -> None:
    """``password == "letmein"`` gives the literal a name; ``"accessToken" in token`` looks
    for a key in it (botocore's credential code)."""
    rule = load_rule(TEAM_RULES / "hardcoded-password-string.yaml")
    assert _confirmed(rule, 'def f(token):\n    return token != "tok_live_123"\n')
    assert _confirmed(rule, 'def f(user, password):\n    return password == "hunter22"\n')
    assert not _confirmed(rule, 'def f(token):\n    return "accessToken" in token\n')
    assert not _confirmed(rule, 'def f(token):\n    return "dpopKey" not in token\n')


def test_a_password_rule_is_about_credentials_not_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every violating literal is what the secret detector takes for a credential, so the
    induced evidence says so (``analyzer: credential``): Bandit's B105 findings on the standard
    library and botocore (lexer tokens, empty defaults, environment-variable names, a regex)
    are not, a key format under a password name is."""
    rule = load_rule(TEAM_RULES / "hardcoded-password-string.yaml")
    (pattern,) = rule.evidence_for("python").match
    assert pattern.analyzer == "credential"
    for code in (
        "def f(self):\n    self.token = ''  # past end of file\n",
        "def f(token):\n    if token == '.':\n        return 1\n",
        "def f(token):\n    return token == 'lambda'\n",
        "def f():\n    login = account = password = ''\n",
        "def f():\n    ENV_VAR_AUTH_TOKEN = 'AWS_CONTAINER_AUTHORIZATION_TOKEN'\n",
        "def f():\n    password = r'([a-f0-9]{48}(?![a-f0-9]))'\n",
        "def f(token):\n    return (token is not None) and (token != 'None')\n",
    ):
        assert not _confirmed(rule, code), code
    sendgrid = "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"
    assert _confirmed(rule, f"def f():\n    EMAIL_HOST_PASSWORD = '{sendgrid}'\n")
    assert _confirmed(rule, "def f(db):\n    return db.login(user='ops', password='Winter#2031')\n")
    source = TEAM_RULES / "hardcoded-password-string.yaml"
    assert main(["rules", "suggest", str(source)], {}) == 0
    out = capsys.readouterr().out
    assert "holds what the secret detector takes for a credential" in out
    (tmp_path / source.name).write_text(
        yaml.safe_dump(yaml.safe_load(source.read_text()) | yaml.safe_load(out))
    )
    assert load_rule(tmp_path / source.name).evidence == rule.evidence  # pasted as written


def test_a_pattern_names_only_a_known_analyzer() -> None:
    body = {"evidence": {"python": {"match": [{"pattern": {"kind": "string", "analyzer": "x"}}]}}}
    with pytest.raises(AuditorError, match="analyzer: expected one of credential, got 'x'"):
        _rule_with(body, ["x = 'a'\n"], [])


def test_a_function_name_from_a_safe_example_also_excuses_its_private_spelling() -> None:
    """The safe example prints in ``main``; ``python -m inspect`` prints in ``_main``."""
    rule = load_rule(TEAM_RULES / "policy-print-in-library.yaml")
    assert not _confirmed(rule, "def _main(argv):\n    print(argv)\n")
    assert _confirmed(rule, "def domain(argv):\n    print(argv)\n")
    assert _confirmed(rule, "def main_loop(argv):\n    print(argv)\n")


def test_what_a_function_does_with_the_value_tells_a_factory_from_a_throwaway() -> None:
    """The safe examples keep the session (``self.session = ...``, ``return session``); real
    factories and setup methods have other names than the examples' ``make_*``/``__init__``."""
    rule = load_rule(TEAM_RULES / "policy-session-per-call.yaml")
    factory = "def get_session():\n    s = requests.Session()\n    s.mount('h', a)\n    return s\n"
    assert not _confirmed(rule, factory)
    assert not _confirmed(rule, "def _connect(self):\n    self.session = requests.Session()\n")
    assert not _confirmed(rule, "def build():\n    return requests.Session()\n")
    throwaway = "def get(u):\n    s = requests.Session()\n    r = s.get(u)\n    return r.json()\n"
    assert _confirmed(rule, throwaway)
    assert _confirmed(rule, "def get(u):\n    return requests.Session().get(u).json()\n")


def test_rules_test_passes_the_team_rules(
    shared_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"AUDITOR_CACHE_DIR": str(shared_cache)}
    assert main(["rules", "test", "--rules", str(TEAM_RULES)], env) == 0
    out = capsys.readouterr().out
    assert "21 of 21 rules pass" in out and "FAIL" not in out
    assert "note: assert-used: python evidence induced from the examples" in out


def test_javascript_options_objects_act_as_keyword_arguments() -> None:
    violating = [
        "async function status(url) {\n  return axios.get(url);\n}\n",
        "async function send(url, body) {\n  return axios.post(url, body, { headers: H });\n}\n",
    ]
    safe = ["async function status(url) {\n  return axios.get(url, { timeout: 5000 });\n}\n"]
    found = induce("javascript", violating, safe)
    assert found.parts == ("a call to axios.get or axios.post", "not timeout=...")
    data = {
        "id": "r", "title": "t", "description": "d", "severity": "warning", "message": "m",
        "help": "h", "languages": ["javascript", "typescript"],
        "examples": {"violating": [{"language": "javascript", "code": c} for c in violating],
                     "safe": [{"language": "javascript", "code": c} for c in safe]},
    }  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "r.yaml").write_text(yaml.safe_dump(data))
        rule = load_rule(Path(tmp) / "r.yaml")
    assert rule.induced_for("typescript")  # TypeScript shares the JavaScript evidence

    def flagged(code: str) -> bool:
        lines = code.split("\n")
        unit = CodeUnit("x.ts", "typescript", "f", "function", 1, len(lines), code)
        return bool(evidence.confirm(rule, unit))

    assert flagged("function f(u: string) {\n  return axios.post(u, {});\n}")
    assert not flagged("function f(u: string) {\n  return axios.get(u, { timeout: 1 });\n}")
