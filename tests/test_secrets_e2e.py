"""Secrets end to end: real git repositories, the CLI, every output format.

Every planted value is assembled at run time so that this repository never holds it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write
from tests.sarif_check import validate_sarif

SECRET_KEY = "q7R2mZ9xLk4Wv" + "B8nT3pY6sJdF2hK"
DB_PASSWORD = "S3cret" + "Pw9x"
ENV_KEY = "9f8c2e71d4b0" + "5a6e3c1f7d92ab4e6c08"
YAML_TOKEN = "xoxb-" + "2817364510-9182736450-Zq8Xw7Cv6Bn5Ml4Kj3Hg2Fd"
JSON_KEY = "AKIA" + "Z3MQ4YW2PLX7VB6N"
JS_TOKEN = "q8ZfLm2Pw8Rt5" + "Xv3Kc9Jd1Wq"
PAREN_PASSWORD = "Zx9qW3rT" + "7yP2mK"
TEST_PASSWORD = "Tr0ub4" + "dor3xQ"
RAW_VALUES = (
    SECRET_KEY,
    DB_PASSWORD,
    ENV_KEY,
    YAML_TOKEN,
    JSON_KEY,
    JS_TOKEN,
    PAREN_PASSWORD,
    TEST_PASSWORD,
)

SETTINGS_PY = f'''import os

DEBUG = False
SECRET_KEY = "{SECRET_KEY}"
DATABASE_URL = "postgres://app:{DB_PASSWORD}@db.internal:5432/orders"
ALLOWED_HOSTS = ["orders.internal"]
'''
FILES = {
    "app/settings.py": SETTINGS_PY,
    ".env": f"DEBUG=true\nPAYMENTS_API_KEY={ENV_KEY}\nDB_HOST=db.internal\n",
    "deploy/values.yaml": f"replicas: 2\nslack:\n  channel: ops\n  token: {YAML_TOKEN}\n",
    "config/aws.json": f'{{\n  "region": "eu-west-1",\n  "accessKeyId": "{JSON_KEY}"\n}}\n',
    "web/client.js": (
        "export function client() {\n"
        "  const invalidToken =\n"
        f"    '{JS_TOKEN}';\n"
        "  return fetch('/api', { headers: { 'X-Token': invalidToken } });\n"
        "}\n"
    ),
    "app/db.py": (
        f'def connect():\n    db_password = (\n        "{PAREN_PASSWORD}"\n    )\n'
        "    return open_db(password=db_password)\n"
    ),
    "tests/test_login.py": (
        f'def test_login(client):\n    client.login(password="{TEST_PASSWORD}")\n'
    ),
}
EXPECTED = {
    ("app/settings.py", 4),
    ("app/settings.py", 5),
    (".env", 2),
    ("deploy/values.yaml", 4),
    ("config/aws.json", 3),
    ("web/client.js", 3),
    ("app/db.py", 3),
    ("tests/test_login.py", 2),
}


def plant(repo: Path) -> None:
    for name, text in FILES.items():
        write(repo, name, text)


def sarif_findings(path: Path) -> tuple[dict[tuple[str, int], dict], dict]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    validate_sarif(doc)
    out = {}
    for result in doc["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        key = (location["artifactLocation"]["uri"], location["region"]["startLine"])
        assert result["ruleId"] == "hardcoded-secret"
        out[key] = result
    return out, doc


@pytest.mark.parametrize("mode", ["--staged", "--all"])
def test_every_secret_in_every_file_kind_is_its_own_finding(
    repo: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    plant(repo)
    git(repo, "add", ".")
    if mode == "--all":
        git(repo, "commit", "-qm", "planted")
    out = repo.parent / "secrets.sarif"
    code = run_cli(
        repo, ["scan", mode, "--format", "sarif", "-o", str(out)], shared_cache, monkeypatch
    )
    assert code == 1
    found, _ = sarif_findings(out)
    assert set(found) == EXPECTED
    # Two secrets of one unit: two fingerprints, neither with a line number in it.
    prints = {key: r["partialFingerprints"] for key, r in found.items()}
    assert prints[("app/settings.py", 4)] != prints[("app/settings.py", 5)]
    # A test file's credential is one level lower, and says so.
    assert found[("tests/test_login.py", 2)]["level"] == "warning"
    assert "test file" in found[("tests/test_login.py", 2)]["message"]["text"]
    assert found[(".env", 2)]["level"] == "error"


def test_same_level_in_test_files_when_configured(
    repo: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant(repo)
    git(repo, "add", ".")
    out = repo.parent / "same.sarif"
    args = ["scan", "--staged", "--test-files", "same", "--format", "sarif", "-o", str(out)]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 1
    found, _ = sarif_findings(out)
    assert found[("tests/test_login.py", 2)]["level"] == "error"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "html", "markdown"])
def test_no_output_format_shows_a_planted_value(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
) -> None:
    plant(repo)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "planted")
    out = repo.parent / f"report.{fmt}"
    args = ["scan", "--all", "--precision", "broad", "--format", fmt, "-o", str(out)]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 1
    captured = capsys.readouterr()
    report = out.read_text(encoding="utf-8")
    assert "hardcoded-secret" in report
    for text in (report, captured.out, captured.err):
        for value in RAW_VALUES:
            assert value not in text, (fmt, value)
    if fmt == "sarif":
        validate_sarif(json.loads(report))


def test_summary_counts_files_scanned_for_secrets_only(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant(repo)
    write(repo, "package-lock.json", '{"lockfileVersion": 3}\n')
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "planted")
    assert run_cli(repo, ["scan", "--all"], shared_cache, monkeypatch) == 1
    err = capsys.readouterr()
    text = err.out + err.err
    only = "3 files scanned by detectors only (secrets, template sinks)"
    assert f"{only}: 1 dotenv, 1 json, 1 yaml" in text
    assert "1 lock file" in text


def test_unchanged_lines_of_a_text_file_are_not_reported_in_a_change(
    repo: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, ".env", f"PAYMENTS_API_KEY={ENV_KEY}\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "accepted")
    write(repo, ".env", f"PAYMENTS_API_KEY={ENV_KEY}\nDEBUG=false\n")
    git(repo, "add", ".")
    out = repo.parent / "change.sarif"
    args = ["scan", "--staged", "--format", "sarif", "-o", str(out)]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 0
    found, _ = sarif_findings(out)
    assert found == {}
