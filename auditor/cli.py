"""Command line: argparse subcommands, each a small function returning an exit code.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 an error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from auditor import __version__
from auditor.commands import baseline_cmd, merge_cmd, rules_cmd, scan_cmd, search_cmd, serve_cmd
from auditor.commands.common import EPILOG
from auditor.errors import AuditorError


def _add_backend_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("embedding backend")
    group.add_argument(
        "--backend",
        choices=["builtin", "openai"],
        help="builtin: the CPU model inside auditor (default); openai: any OpenAI-compatible "
        "/v1/embeddings server (SGLang, vLLM, TEI, OpenAI, auditor serve)",
    )
    group.add_argument("--base-url", help="the server's base URL, e.g. http://gpu-host:30000/v1")
    group.add_argument("--model", help="the model name the server serves")
    group.add_argument(
        "--dimensions", type=int, help="vector size to use (Matryoshka models: truncate to N)"
    )
    group.add_argument(
        "--fallback",
        choices=["builtin"],
        help="if the server fails, scan with the built-in model instead of exiting 2",
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="read settings from this TOML file")
    parser.add_argument(
        "--rules",
        action="append",
        metavar="DIR",
        help="rule directory (repeatable); default: the shipped pack plus .auditor/rules/",
    )
    _add_backend_flags(parser)


def _add_search_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="read settings from this TOML file")
    _add_backend_flags(parser)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditor",
        description="Semantic code audit for git: plain-language rules matched against the "
        "functions a change touches, confirmed by evidence, reported as text or SARIF.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"auditor {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    scan_cmd.add_parser(sub, _add_common)

    rules_cmd.add_parser(sub, _add_common)
    serve_cmd.add_parser(sub)
    merge_cmd.add_parser(sub)
    baseline_cmd.add_parser(sub, _add_common)
    search_cmd.add_parser(sub, _add_search_common)
    return parser


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = dict(os.environ if environ is None else environ)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (argparse exits 2)
        return int(exc.code or 0)
    try:
        return int(args.func(args, env))
    except AuditorError as exc:
        print(f"auditor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("auditor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if env.get("AUDITOR_DEBUG"):
            raise
        name = type(exc).__name__
        print(
            f"auditor: internal error: {name}: {exc} (rerun with AUDITOR_DEBUG=1 for a traceback "
            "and report it)",
            file=sys.stderr,
        )
        return 2
