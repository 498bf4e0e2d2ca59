"""The composite GitHub Action (action.yml) and the example workflows in docs/workflows/.

Structure checks keep the script-injection rule (inputs reach shell code only through
``env:``) and the code-scanning wiring; the scan step's script is then run for real with a
stand-in ``auditor`` on PATH, so its argument building, outputs and exit status are tested
without GitHub.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
WORKFLOWS = {
    "diff": ROOT / "docs" / "workflows" / "pull-request.yml",
    "full": ROOT / "docs" / "workflows" / "nightly.yml",
}
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash not installed")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a YAML document, with the keys that lead to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    if "runs" in document:
        return list(document["runs"]["steps"])
    return [step for job in document["jobs"].values() for step in job["steps"]]


def scan_step() -> dict[str, Any]:
    (step,) = [step for step in steps(load(ACTION)) if step.get("id") == "scan"]
    return step


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on:` key as the boolean True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


# --- structure ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS.values()], ids=lambda p: p.name)
def test_parses(path):
    assert load(path)


def test_is_a_composite_action_with_the_documented_inputs():
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    expected = {
        "mode": "diff",
        "base": "${{ github.event.pull_request.base.sha }}",
        "fail-on": "warning",
        "precision": "strict",
        "backend": "builtin",
        "base-url": "",
        "model": "",
        "rules": "",
        "sarif": "auditor.sarif",
        "args": "",
        "python-version": "3.11",
    }
    assert {name: spec["default"] for name, spec in inputs.items()} == expected
    assert all(spec.get("description") for spec in inputs.values())
    assert set(action["outputs"]) == {"sarif", "exit-code"}
    # the key comes from the environment (AUDITOR_API_KEY), never from an input
    assert not [name for name in inputs if re.search("key|token|secret|password", name)]


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS.values()], ids=lambda p: p.name)
def test_inputs_reach_shell_code_only_through_env(path):
    document = load(path)
    for step in steps(document):
        if "run" in step:
            # no expression at all in a script: GitHub would paste the value in as code
            assert "${{" not in step["run"], step.get("name")
    for keys, text in walk(document):
        for expression in EXPRESSION.findall(text):
            if "inputs." not in expression:
                continue
            # env values become environment variables; `with:` values are data handed to
            # another action; outputs and defaults are metadata. None is parsed by a shell.
            allowed = {"env", "with"} & set(keys[:-1]) or keys[0] in {"outputs", "inputs"}
            assert allowed, f"{path.name}: {'.'.join(map(str, keys))} uses {expression.strip()}"


def test_every_input_is_used():
    text = ACTION.read_text(encoding="utf-8")
    for name in load(ACTION)["inputs"]:
        assert f"inputs.{name} }}}}" in text, name


def test_install_cache_and_scan_steps():
    action_steps = steps(load(ACTION))
    uses = [step.get("uses", "").split("@")[0] for step in action_steps]
    assert uses[0] == "actions/setup-python"
    assert "actions/cache/restore" in uses and "actions/cache/save" in uses
    scan = next(i for i, step in enumerate(action_steps) if step.get("id") == "scan")
    assert uses.index("actions/cache/restore") < scan < uses.index("actions/cache/save")
    install = next(step for step in action_steps if "pip install" in step.get("run", ""))
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"$ACTION_PATH"' in install["run"]
    restore = next(s for s in action_steps if s.get("uses", "").startswith("actions/cache/re"))
    save = next(s for s in action_steps if s.get("uses", "").startswith("actions/cache/save"))
    assert "hashFiles(" in restore["with"]["key"] and "inputs.model" in restore["with"]["key"]
    assert restore["with"]["restore-keys"].strip()
    assert restore["with"]["path"] == save["with"]["path"] == "${{ runner.temp }}/auditor-cache"
    assert scan_step()["env"]["AUDITOR_CACHE_DIR"] == restore["with"]["path"]
    assert save["if"].startswith("always()")  # findings fail the scan; the cache is still saved


@needs_bash
def test_scan_script_is_valid_bash():
    done = subprocess.run(
        ["bash", "-n"], input=scan_step()["run"], text=True, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("mode", sorted(WORKFLOWS))
def test_workflow_uploads_sarif_with_its_category(mode):
    workflow = load(WORKFLOWS[mode])
    assert workflow["permissions"]["security-events"] == "write"
    assert workflow["permissions"]["contents"] == "read"
    all_steps = steps(workflow)
    checkout = next(s for s in all_steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    ours = next(s for s in all_steps if s.get("with", {}).get("mode") == mode)
    assert "api-key" not in ours["with"]
    upload = next(
        s for s in all_steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@")
    )
    assert upload["with"]["category"] == f"auditor-{mode}"
    assert upload["with"]["sarif_file"]
    assert upload["if"] == "always()"


def test_workflow_triggers():
    assert set(triggers(load(WORKFLOWS["diff"]))) == {"pull_request"}
    nightly = triggers(load(WORKFLOWS["full"]))
    assert set(nightly) == {"schedule", "workflow_dispatch"}
    assert nightly["schedule"][0]["cron"]


def test_nightly_keeps_an_html_report():
    all_steps = steps(load(WORKFLOWS["full"]))
    ours = next(s for s in all_steps if s.get("with", {}).get("mode") == "full")
    assert "--also html:auditor-report.html" in ours["with"]["args"]
    artifact = next(s for s in all_steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert artifact["with"]["path"] == "auditor-report.html"
    assert artifact["if"] == "always()"


# --- the scan script, run -----------------------------------------------------------------

FAKE_AUDITOR = """#!/usr/bin/env bash
# Stand-in for auditor: records its arguments, writes the markdown summary it is asked for.
printf '%s\\0' "$@" > "$FAKE_LOG"
for arg in "$@"; do
  case "$arg" in markdown:*) printf '## auditor: fake summary\\n' > "${arg#markdown:}" ;; esac
done
echo "::warning file=a.py,line=1::stand-in annotation"
exit "${FAKE_CODE:-0}"
"""


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def runner(tmp_path):
    """A git checkout, a fake auditor and the files GitHub provides to a step."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "a.py").write_text("x = 1\n", encoding="utf-8")
    subprocess.run([*git, "-C", str(repo), "add", "a.py"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "one"], check=True)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "auditor", FAKE_AUDITOR)
    (bin_dir / "python").symlink_to(sys.executable)
    temp = tmp_path / "runner-temp"
    temp.mkdir()

    def run(code: int = 0, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "AUDITOR_"))}
        defaults = {
            name: spec["default"]
            for name, spec in load(ACTION)["inputs"].items()
            if "${{" not in spec["default"]
        }
        defaults["base"] = head
        values = {**defaults, **{k.replace("_", "-"): v for k, v in inputs.items()}}
        step_env = {
            name: (values[m.group(1)] if (m := re.search(r"inputs\.([\w-]+)", raw)) else raw)
            for name, raw in scan_step()["env"].items()
        }
        step_env["AUDITOR_CACHE_DIR"] = str(temp / "auditor-cache")
        env.update(step_env)
        env.update(
            PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
            RUNNER_TEMP=str(temp),
            GITHUB_OUTPUT=str(tmp_path / "output"),
            GITHUB_STEP_SUMMARY=str(tmp_path / "summary"),
            FAKE_LOG=str(tmp_path / "argv"),
            FAKE_CODE=str(code),
        )
        for name in ("output", "summary", "argv"):
            (tmp_path / name).write_text("", encoding="utf-8")
        done = subprocess.run(
            ["bash", "-e", "-c", scan_step()["run"]],
            cwd=repo,
            env=env,
            text=True,
            capture_output=True,
            check=False,
        )
        argv = (tmp_path / "argv").read_text(encoding="utf-8").split("\0")[:-1]
        outputs = dict(
            line.split("=", 1)
            for line in (tmp_path / "output").read_text(encoding="utf-8").splitlines()
        )
        summary = (tmp_path / "summary").read_text(encoding="utf-8")
        return done, {"argv": argv, "outputs": outputs, "summary": summary, "head": head}

    return run


@needs_bash
@needs_git
def test_diff_mode_builds_one_scan_with_three_outputs(runner):
    done, seen = runner()
    assert done.returncode == 0, done.stderr
    argv = seen["argv"]
    assert argv[0] == "scan"
    assert argv[argv.index("--diff") + 1] == f"{seen['head']}...HEAD"
    assert argv[argv.index("--category") + 1] == "auditor-diff"
    assert argv[argv.index("--format") + 1] == "sarif"
    assert argv[argv.index("--output") + 1] == "auditor.sarif"
    also = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--also"]
    assert also[0] == "github:-" and also[1].startswith("markdown:")
    assert argv[argv.index("--fail-on") + 1] == "warning"
    assert "--all" not in argv and "--model" not in argv and "--base-url" not in argv
    assert "::warning file=a.py" in done.stdout  # annotations go to the log
    assert seen["summary"] == "## auditor: fake summary\n"
    assert seen["outputs"] == {"sarif": "auditor.sarif", "exit-code": "0"}


@needs_bash
@needs_git
def test_findings_fail_the_step_after_the_summary_is_written(runner):
    done, seen = runner(code=1)
    assert done.returncode == 1
    assert seen["summary"] == "## auditor: fake summary\n"
    assert seen["outputs"]["exit-code"] == "1"


@needs_bash
@needs_git
def test_full_mode_options_rules_and_quoted_args(runner, tmp_path):
    done, seen = runner(
        mode="full",
        base="",
        backend="openai",
        base_url="https://gpu.example.invalid/v1",
        model="BAAI/bge-small-en-v1.5",
        rules=".auditor/rules\nteam rules/",
        args="--also html:'my report.html' --exclude '$(touch pwned)'",
        sarif="out/a.sarif",
    )
    assert done.returncode == 0, done.stderr
    argv = seen["argv"]
    assert "--all" in argv and "--diff" not in argv
    assert argv[argv.index("--category") + 1] == "auditor-full"
    assert argv[argv.index("--model") + 1] == "BAAI/bge-small-en-v1.5"
    assert argv[argv.index("--base-url") + 1] == "https://gpu.example.invalid/v1"
    assert [argv[i + 1] for i, arg in enumerate(argv) if arg == "--rules"] == [
        ".auditor/rules",
        "team rules/",
    ]
    assert argv[-4:] == ["--also", "html:my report.html", "--exclude", "$(touch pwned)"]
    assert not (tmp_path / "repo" / "pwned").exists()
    assert seen["outputs"]["sarif"] == "out/a.sarif"


@needs_bash
@needs_git
def test_values_are_never_run_as_code(runner, tmp_path):
    marker = tmp_path / "pwned"
    done, seen = runner(model=f"$(touch {marker})", fail_on=f"warning; touch {marker}")
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert seen["argv"][seen["argv"].index("--model") + 1] == f"$(touch {marker})"


@needs_bash
@needs_git
@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"base": ""}, "needs a base commit"),
        ({"base": "0" * 40}, "fetch-depth: 0"),
        ({"mode": "everything"}, "must be diff or full"),
        ({"args": "--exclude 'unbalanced"}, "args input"),
    ],
)
def test_bad_inputs_exit_2_with_an_error_annotation(runner, inputs, message):
    done, seen = runner(**inputs)
    assert done.returncode == 2
    assert "::error title=auditor::" in done.stdout and message in done.stdout
    assert seen["outputs"] == {"exit-code": "2"}
    assert seen["argv"] == []  # auditor never ran
