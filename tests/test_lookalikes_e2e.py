"""Code that merely looks like the planted problems gets no finding in strict mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write
from tests.test_scan_e2e import plant

PY_SAFE = """import hashlib
import os
import random
import secrets
import sqlite3

import requests

PAYMENTS_API_KEY = os.environ["PAYMENTS_API_KEY"]


def find_user(conn: sqlite3.Connection, name: str):
    cursor = conn.cursor()
    cursor.execute("SELECT id, email FROM users WHERE name = %s", (name,))
    return cursor.fetchone()


def fetch_invoice(url: str) -> dict:
    response = requests.get(url, timeout=10, verify="/etc/ssl/certs/internal-ca.pem")
    response.raise_for_status()
    return response.json()


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)


def file_checksum(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def deal_cards(seed: int) -> list[str]:
    deck = [f"{rank}{suit}" for rank in "A23456789TJQK" for suit in "SHDC"]
    random.Random(seed).shuffle(deck)
    return deck[:5]
"""

JS_SAFE = """const { execFile } = require("child_process");
const express = require("express");

const app = express();
const ALLOWED = new Set(["logs", "uploads", "tmp"]);

app.get("/list", (req, res) => {
  const dir = req.query.dir;
  if (!ALLOWED.has(dir)) {
    res.status(400).send("unknown directory");
    return;
  }
  execFile("ls", ["-l", dir], (err, stdout) => {
    if (err) {
      res.status(500).send("failed");
      return;
    }
    res.send(stdout);
  });
});

module.exports = { app };
"""


def findings(
    repo: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *extra: str,
) -> list[dict[str, object]]:
    run_cli(repo, ["scan", "--all", "--format", "json", *extra], cache, monkeypatch)
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return found


def test_lookalikes_are_quiet_in_strict_mode(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(repo, "billing.py", PY_SAFE)
    write(repo, "routes.js", JS_SAFE)
    git(repo, "add", ".")
    assert findings(repo, shared_cache, monkeypatch, capsys) == []
    # The gate alone would have raised them: broad mode shows the semantic leads, unconfirmed.
    broad = findings(repo, shared_cache, monkeypatch, capsys, "--precision", "broad")
    assert broad
    assert all(f["confirmed"] is False and f["level"] != "error" for f in broad)


def test_planted_problems_have_narrow_regions(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    plant(repo)
    git(repo, "add", ".")
    found = findings(repo, shared_cache, monkeypatch, capsys)
    assert len(found) == 5
    for finding in found:
        assert finding["confirmed"] is True
        assert int(finding["end_line"]) - int(finding["start_line"]) <= 2  # type: ignore[call-overload]
