"""File kinds for files without a code grammar (identify plus the names it does not know)."""

from __future__ import annotations

import pytest

from auditor.extract import classify
from auditor.filekinds import TEXT_KINDS, is_lock_file, text_kind


@pytest.mark.parametrize(
    ("path", "data", "kind"),
    [
        (".env", b"A=1\n", "dotenv"),
        ("deploy/.env.production", b"A=1\n", "dotenv"),
        ("app.env", b"A=1\n", "dotenv"),
        ("setup.cfg", b"[x]\n", "ini"),
        ("config.ini", b"[x]\n", "ini"),
        (".npmrc", b"x=1\n", "ini"),
        ("application.properties", b"a=b\n", "properties"),
        ("values.yaml", b"a: b\n", "yaml"),
        ("docker-compose.yml", b"a: b\n", "yaml"),
        ("config.json", b"{}\n", "json"),
        ("pyproject.toml", b"[x]\n", "toml"),
        ("web.config.xml", b"<a/>\n", "xml"),
        ("Dockerfile", b"FROM x\n", "dockerfile"),
        ("api/Dockerfile.dev", b"FROM x\n", "dockerfile"),
        ("deploy.sh", b"echo\n", "shell"),
        ("bin/release", b"#!/bin/bash\necho\n", "shell"),
        ("main.tf", b"x = 1\n", "terraform"),
        ("prod.tfvars", b"x = 1\n", "terraform"),
        ("analysis.ipynb", b"{}\n", "notebook"),
        ("README.md", b"# x\n", "markdown"),
        ("notes.txt", b"x\n", "text"),
        ("LICENSE", b"MIT\n", "text"),
    ],
)
def test_kinds(path: str, data: bytes, kind: str) -> None:
    assert text_kind(path, data) == kind
    assert kind in TEXT_KINDS


@pytest.mark.parametrize("path", ["logo.png", "font.woff2", "icon.svg", "app.js.map"])
def test_binary_and_image_files_have_no_kind(path: str) -> None:
    assert text_kind(path, b"") is None


@pytest.mark.parametrize(
    "path", ["package-lock.json", "yarn.lock", "poetry.lock", "Cargo.lock", "go.sum"]
)
def test_lock_files_are_skipped(path: str) -> None:
    assert is_lock_file(path)
    assert classify(path, b"{}\n", 1_000_000) == "lock file"


def test_vendored_and_minified_text_files_stay_skipped() -> None:
    assert classify("node_modules/x/config.json", b"{}\n", 1_000_000) == "vendored"
    assert classify("dist/app.min.css", b"a{}", 1_000_000) == "vendored"
    assert classify("data/blob.json", b"[" + b"1," * 2000 + b"1]", 1_000_000) == "minified"
    assert classify("notes.txt", b"a\0b", 1_000_000) == "binary"
