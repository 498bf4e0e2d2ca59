"""One line, one rule, one finding: a nested function is not reported again for its outer one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write

JS_NESTED = """const { exec } = require("child_process");

function makeHandlers(app) {
  function listFiles(req, res) {
    exec("ls " + req.query.dir, (err, out) => res.send(out));
  }
  app.get("/files", listFiles);
  return listFiles;
}

module.exports = { makeHandlers };
"""

PY_NESTED = """import subprocess


def make_handler(app):
    def list_files(request):
        return subprocess.check_output("ls " + request.args["dir"], shell=True)

    app.route("/files")(list_files)
    return list_files
"""


def test_a_nested_function_is_reported_once(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "routes.js", JS_NESTED)
    write(repo, "handlers.py", PY_NESTED)
    git(repo, "add", "-A")
    assert run_cli(repo, ["scan", "--all", "--format", "json"], shared_cache, monkeypatch) == 1
    found = [
        (f["path"], f["start_line"], f["rule_id"], f["qualname"])
        for f in json.loads(capsys.readouterr().out)["findings"]
    ]
    assert ("routes.js", 5, "command-injection", "makeHandlers.listFiles") in found
    assert ("handlers.py", 6, "command-injection", "make_handler.list_files") in found
    assert len(found) == len({(path, line, rule) for path, line, rule, _ in found}), found
