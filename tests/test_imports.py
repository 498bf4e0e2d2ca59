"""Guards on how auditor's native dependencies load together."""

from __future__ import annotations

import subprocess
import sys


def test_usearch_then_onnxruntime_does_not_crash() -> None:
    # The scan imports usearch first and onnxruntime only when a vector is missing; some usearch
    # releases (2.26.2+) segfault in exactly that order, so the pin in pyproject.toml matters.
    code = "import usearch.index\nimport onnxruntime\nprint('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]


# What `auditor --version`, `--help` and the parser of every command must start without: each
# command imports its own machinery when it runs.
_HEAVY = (
    "onnxruntime",
    "tokenizers",
    "openai",
    "starlette",
    "numpy",
    "usearch",
    "yaml",
    "jinja2",
    "sarif_om",
    "tree_sitter",
    "ast_grep_py",
    "tqdm",
    "auditor.scan",
    "auditor.analysis",
    "auditor.search.engine",
)


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {_HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.split()


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _loaded_after("import auditor.cli") == []


def test_help_and_version_load_no_heavy_module() -> None:
    for argv in (["--version"], ["--help"], ["scan", "--help"], ["rules", "test", "--help"]):
        code = (
            "from auditor.cli import main\nimport contextlib, io\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    main({argv!r})"
        )
        assert _loaded_after(code) == [], argv


def test_search_modes_in_the_parser_are_the_engine_modes() -> None:
    from auditor.commands.search_cmd import MODES
    from auditor.search.engine import Mode

    assert tuple(m.value for m in Mode) == MODES
