"""The real `pre-commit` runs auditor's hook from this checkout (pre-commit try-repo)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import planted
from tests.conftest import REPO_ROOT, git, write


@pytest.fixture(scope="module")
def precommit_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    # One pre-commit home for the module: the hook's environment is built once, not per test.
    home = tmp_path_factory.mktemp("pre-commit-home")
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "AUDITOR_CACHE_DIR": str(home / "auditor-cache"),
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }


def try_repo(repo: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO_ROOT), "auditor", *extra],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_hook_blocks_a_planted_problem_and_passes_a_clean_change(
    repo: Path, precommit_env: dict[str, str]
) -> None:
    write(repo, "geometry.py", planted.PY_GEOMETRY)
    write(repo, "service.py", planted.PY_SERVICE)
    git(repo, "add", ".")
    blocked = try_repo(repo, precommit_env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert "service.py:11: error sql-injection" in output
    assert "service.py:16: error tls-verification-disabled" in output
    assert planted.FAKE_KEY not in output  # masked even in the hook's output
    assert "Traceback" not in output

    git(repo, "commit", "-q", "--no-verify", "-m", "existing code")
    with (repo / "geometry.py").open("a", encoding="utf-8") as handle:
        handle.write(planted.HARMLESS)
    git(repo, "add", "geometry.py")
    passed = try_repo(repo, precommit_env)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_all_files_scans_every_file_whole(repo: Path, precommit_env: dict[str, str]) -> None:
    # CI and pre-commit.ci run `pre-commit run --all-files`: nothing is staged there, and a
    # hook that scanned only staged lines passed while checking nothing.
    write(repo, "geometry.py", planted.PY_GEOMETRY)
    write(repo, "service.py", planted.PY_SERVICE)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "--no-verify", "-m", "existing code")
    audited = try_repo(repo, precommit_env, "--all-files")
    output = audited.stdout + audited.stderr
    assert audited.returncode == 1, output
    assert "service.py:11: error sql-injection" in output
    assert "service.py:16: error tls-verification-disabled" in output
    assert planted.FAKE_KEY not in output
    assert "Traceback" not in output


def test_hook_blocks_a_key_in_a_dotenv_file(repo: Path, precommit_env: dict[str, str]) -> None:
    key = "9f8c2e71d4b0" + "5a6e3c1f7d92ab4e6c08"
    write(repo, ".env", f"DEBUG=true\nPAYMENTS_API_KEY={key}\n")
    write(repo, "deploy/values.yaml", "replicas: 2\n")
    git(repo, "add", ".")
    blocked = try_repo(repo, precommit_env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode == 1, output
    assert ".env:2: error hardcoded-secret" in output
    assert key not in output
