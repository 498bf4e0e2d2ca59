"""extract.py against real parses: the edges, windows and classify (languages: next file).

The helpers here are shared with test_extract_languages.py.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import sys
import textwrap

import pytest

from auditor.extract import (
    LANGUAGE_BY_EXTENSION,
    classify,
    decode,
    extract_units,
    language_for_path,
    windows,
)
from auditor.languages import SPECS
from auditor.model import CodeUnit

LANGUAGES = sorted(set(LANGUAGE_BY_EXTENSION.values()))


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def table(units: list[CodeUnit]) -> dict[str, tuple[str, int, int]]:
    """Function units by qualname: (kind, start_line, end_line)."""
    return {u.qualname: (u.kind, u.start_line, u.end_line) for u in units if u.kind != "module"}


def module_of(units: list[CodeUnit]) -> CodeUnit:
    (module,) = [u for u in units if u.kind == "module"]
    return module


def check_mapping(text: str, units: list[CodeUnit]) -> None:
    """Every unit's line k is file line start_line + k; the module unit blanks function lines."""
    rows = text.split("\n")
    covered = {n for u in units if u.kind != "module" for n in range(u.start_line, u.end_line + 1)}
    for unit in units:
        body = unit.text.split("\n")
        assert len(body) == unit.end_line - unit.start_line + 1, unit.qualname
        for offset, row in enumerate(body):
            number = unit.start_line + offset
            if unit.kind == "module" and number in covered:
                assert row == ""
            else:
                assert row == rows[number - 1], (unit.qualname, number)


def extract(text: str, language: str) -> list[CodeUnit]:
    units, has_error = extract_units("f", text, language)
    assert not has_error
    check_mapping(text, units)
    return units


# --- edges ----------------------------------------------------------------------------------


def test_imports_only_yield_no_module_unit() -> None:
    assert extract("import os\nfrom a import (\n    b,\n)\n", "python") == []
    go = 'package x\n\nimport (\n\t"os"\n)\n\nfunc F() {\n\tos.Exit(1)\n}\n'
    assert [u.qualname for u in extract(go, "go")] == ["F"]
    js = '"use strict";\nconst fs = require("fs");\nfunction f() {\n  return fs;\n}\n'
    assert [u.qualname for u in extract(js, "javascript")] == ["f"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_empty_file(language: str) -> None:
    assert extract_units("f", "", language) == ([], False)
    assert extract_units("f", "\n\n  \n", language) == ([], False)


SYNTAX_ERRORS = {
    "python": "def broken(:\n    pass\n\ndef fine():\n    return 1\n",
    "javascript": "function broken( {\n}\n\nfunction fine() {\n  return 1;\n}\n",
    "java": "class A {\n  void broken( {\n  }\n  void fine() {\n    return;\n  }\n}\n",
    "go": "package a\n\nfunc broken( {\n}\n\nfunc fine() int {\n\treturn 1\n}\n",
    "ruby": "def broken(\n  1 +\nend\n\ndef fine\n  1\nend\n",
}


@pytest.mark.parametrize("language", sorted(SYNTAX_ERRORS))
def test_syntax_errors_still_yield_units(language: str) -> None:
    text = SYNTAX_ERRORS[language]
    units, has_error = extract_units("f", text, language)
    assert has_error
    assert any(u.qualname.endswith("fine") for u in units)
    check_mapping(text, units)


_TOKENS = [
    *("def", "class", "fn", "func", "function", "end", "impl", "x", "1", "\n", '"', "'"),
    *("{", "}", "(", ")", "[", "]", ":", ";", "=", "=>", "->", "<", ">", "::", "#", "@"),
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_never_raises_on_junk(language: str) -> None:
    rng = random.Random(language)
    for size in (1, 7, 64, 500, 3000):
        data = bytes(rng.randrange(256) for _ in range(size))
        junk = data.decode("utf-8", "replace")
        tokens = "".join(rng.choice(_TOKENS) + rng.choice(("", " ", "\n")) for _ in range(size))
        for text in (junk, tokens, junk + "\r\n" + tokens, "\ud800" + tokens):
            units, _ = extract_units("f", text, language)
            check_mapping(text, units)


def test_crlf_keeps_line_numbers() -> None:
    text = "X = 1\r\n\r\ndef f():\r\n    return X\r\n"
    units = extract(text, "python")
    assert table(units) == {"f": ("function", 3, 4)}
    assert module_of(units).text == "X = 1\r"


# --- windows --------------------------------------------------------------------------------


def unit_of(rows: list[str], start: int = 11) -> CodeUnit:
    text = "\n".join(rows)
    return CodeUnit("f.py", "python", "f", "function", start, start + len(rows) - 1, text)


def test_windows_of_a_long_function() -> None:
    unit = unit_of([f"    x{i} = {i}" for i in range(100)])  # file lines 11..110
    pieces = windows(unit)
    assert [(w.start_line, w.end_line) for w in pieces] == [(11, 50), (41, 80), (71, 110)]
    for first, second in itertools.pairwise(pieces):
        assert first.end_line - second.start_line + 1 == 10
    for piece in pieces:
        assert piece.text == unit.lines(piece.start_line, piece.end_line)
        assert piece.unit is unit
    # One more line and the last window still ends on the last line.
    longer = windows(unit_of([f"y{i}" for i in range(101)], start=1))
    assert [(w.start_line, w.end_line) for w in longer][-2:] == [(61, 100), (62, 101)]


def test_windows_short_unit_is_whole() -> None:
    unit = unit_of(["a"] * 40)
    assert windows(unit) == [windows(unit)[0]]
    assert (windows(unit)[0].start_line, windows(unit)[0].end_line) == (11, 50)
    assert windows(unit)[0].text == unit.text


def test_windows_skip_blank_slices() -> None:
    rows = ["KEY = 1"] + [""] * 98 + ["OTHER = 2"]
    unit = CodeUnit("f.py", "python", "<module>", "module", 1, 100, "\n".join(rows))
    assert [(w.start_line, w.end_line) for w in windows(unit)] == [(1, 40), (61, 100)]


def test_windows_reject_bad_sizes() -> None:
    with pytest.raises(ValueError):
        windows(unit_of(["a"]), max_lines=10, overlap=10)


# --- classify -------------------------------------------------------------------------------

MAX = 1_000_000


@pytest.mark.parametrize(
    ("path", "data", "reason"),
    [
        ("photo.png", b"\x89PNG", "unsupported language"),
        ("package-lock.json", b"{}\n", "lock file"),
        ("big.py", b"x = 1\n" * 200, "too large"),
        ("blob.c", b"int x;\0\0\0", "binary"),
        ("latin.py", b"name = '\xe9t\xe9'\n", "undecodable"),
        ("node_modules/left-pad/index.js", b"module.exports = 1;\n", "vendored"),
        ("src/vendor/lib.go", b"package lib\n", "vendored"),
        ("third_party/zlib/inflate.c", b"int x;\n", "vendored"),
        (".venv/lib/python3.11/site-packages/x.py", b"x = 1\n", "vendored"),
        ("static/app.min.js", b"var a=1;\n", "vendored"),
        ("static/app.bundle.js", b"var a=1;\n", "vendored"),
        ("api/service_pb2.py", b"x = 1\n", "generated"),
        ("api/service.pb.go", b"package api\n", "generated"),
        ("Forms/Main.Designer.cs", b"class A {}\n", "generated"),
        ("gen.go", b"// Code generated by stringer; DO NOT EDIT.\n\npackage a\n", "generated"),
        ("gen.ts", b"/* eslint-disable */\n// This file is auto-generated.\n", "generated"),
        ("gen.java", b"// @generated by tool\nclass A {}\n", "generated"),
        ("app.js", b"var a=" + b"1+" * 2000 + b"1;\n", "minified"),
    ],
)
def test_classify_reasons(path: str, data: bytes, reason: str) -> None:
    assert classify(path, data, max_bytes=1000 if reason == "too large" else MAX) == reason


def test_classify_accepts_valid_files() -> None:
    assert classify("src/app.py", b"import os\n\ndef f():\n    return os.sep\n", MAX) is None
    bom = b"\xef\xbb\xbfusing System;\nclass A {}\n"
    assert classify("A.cs", bom, MAX) is None
    assert decode(bom).startswith("using System;")
    assert classify("empty.rb", b"", MAX) is None
    # Long lines in an otherwise ordinary file are not minification.
    assert classify("data.py", b"x = 1\n" * 50 + b"T = '" + b"a" * 1500 + b"'\n", MAX) is None
    # "generated" only counts in the header.
    late = b"x = 1\n" * 20 + b"# DO NOT EDIT below\n"
    assert classify("late.py", late, MAX) is None


def test_language_for_path() -> None:
    assert language_for_path("a/b.PY") == "python"
    assert language_for_path("x.tsx") == "tsx"
    assert language_for_path("x.mts") == "typescript"
    assert language_for_path("lib.h") == "c"
    assert language_for_path("lib.hpp") == "cpp"
    assert language_for_path("Dockerfile") is None
    assert set(LANGUAGE_BY_EXTENSION.values()) == set(SPECS)


def test_import_loads_no_grammar() -> None:
    # The pre-commit hook imports extract on every commit; grammars must wait for first use.
    code = (
        "import sys, auditor.extract\n"
        "loaded = [m for m in sys.modules if m.startswith('tree_sitter_')]\n"
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_typescript_5_type_star_exports_parse_cleanly() -> None:
    text = (
        "export type * from './types'\n"
        "export type * as T from './types'\n"
        "export function route(path: string) {\n  return path\n}\n"
    )
    units, broken = extract_units("index.ts", text, "typescript")
    assert not broken
    assert [u.qualname for u in units] == ["<module>", "route"]
    assert units[0].text.startswith("export type * from")  # the unit keeps the source as written


def test_functions_around_a_syntax_error_are_still_cut_out() -> None:
    # Overloaded generic call signatures: the grammar errs on the second one.
    text = """export interface HandlerInterface<E extends Env = Env> {
  <P extends string = X<S> extends never ? B : X<S>, R = any>(
    handler: H<E, P, R>
  ): HonoBase<IntersectNonAnyTypes<[E, E2]>, S & ToSchema<M, P, I, R>, BasePath>

  <P extends string, MergedPath extends MergePath<B, P> = MergePath<B, P>>(
    path: P
  ): HonoBase<E, S, BasePath>
}

export class HonoBase<E extends Env = Env> {
  basePath<SubPath extends string>(path: SubPath): HonoBase<E> {
    return this.clone(path)
  }
}

export function handle(app: any) {
  return app.fetch
}
"""
    units, broken = extract_units("hono-base.ts", text, "typescript")
    assert broken
    assert [u.qualname for u in units] == ["<module>", "HonoBase.basePath", "handle"]
