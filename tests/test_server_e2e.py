"""The scanner on the server backend, over real HTTP to `auditor serve` on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import git, run_cli
from tests.servers import Server, start_server, stop_server
from tests.test_scan_e2e import expected, plant, results

BUILTIN = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server()
    yield running
    stop_server(running)


@pytest.fixture
def planted_repo(repo: Path) -> Path:
    plant(repo)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "planted")
    return repo


def server_args(base: str, model: str = BUILTIN) -> list[str]:
    return ["--backend", "openai", "--base-url", f"{base}/v1", "--model", model]


def test_server_backend_finds_what_the_builtin_finds(
    planted_repo: Path,
    server: Server,
    tmp_path: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    local = tmp_path / "local.sarif"
    remote = tmp_path / "remote.sarif"
    sarif = ["scan", "--all", "--format", "sarif", "-o"]
    assert run_cli(planted_repo, [*sarif, str(local)], shared_cache, monkeypatch) == 1
    fresh = tmp_path / "server-cache"  # nothing cached: every vector comes over HTTP
    code = run_cli(
        planted_repo, [*sarif, str(remote), *server_args(server.base)], fresh, monkeypatch
    )
    assert code == 1
    assert results(remote) == results(local) == expected()


def test_each_model_keeps_its_own_vectors(
    planted_repo: Path,
    server: Server,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache = tmp_path / "cache"
    scan = ["scan", "--all", "--format", "json"]
    run_cli(planted_repo, [*scan, *server_args(server.base)], cache, monkeypatch)
    first = json.loads(capsys.readouterr().out)["summary"]["embedded"]
    # The same server under its alias is another model key: everything is embedded again,
    # and the first model's vectors stay.
    run_cli(
        planted_repo, [*scan, *server_args(server.base, "all-MiniLM-L6-v2")], cache, monkeypatch
    )
    second = json.loads(capsys.readouterr().out)["summary"]["embedded"]
    assert first > 0 and second >= first
    with sqlite3.connect(cache / "vectors.sqlite3") as db:
        models = dict(db.execute("SELECT model, COUNT(*) FROM vectors GROUP BY model"))
    assert models[f"{BUILTIN}@384"] == first
    assert models["all-MiniLM-L6-v2@384"] == second


def test_unreachable_server_is_one_line_and_exit_2(
    planted_repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    dead = start_server()
    base = dead.base
    stop_server(dead)
    cache = tmp_path / "cache"
    code = run_cli(planted_repo, ["scan", "--all", *server_args(base)], cache, monkeypatch)
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("auditor: error:")]
    assert len(errors) == 1 and base in errors[0]
    assert (
        not (cache / "vectors.sqlite3").exists()
        or sqlite3.connect(cache / "vectors.sqlite3")
        .execute("SELECT COUNT(*) FROM vectors")
        .fetchone()[0]
        == 0
    )

    # With --fallback builtin the scan goes on, on the CPU, and says so once.
    args = ["scan", "--all", "--fallback", "builtin", "--format", "json", *server_args(base)]
    code = run_cli(planted_repo, args, cache, monkeypatch)
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.count("falling back to the built-in model") == 1
    found = sorted((f["path"], f["rule_id"]) for f in json.loads(captured.out)["findings"])
    assert found == sorted((path, rule) for path, rule, _ in expected())
