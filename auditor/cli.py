"""Command line: argparse subcommands, each a small function returning an exit code.

Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 an error.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from auditor import __version__
from auditor.commands import baseline_cmd, merge_cmd, rules_cmd, search_cmd, serve_cmd
from auditor.commands.common import settings
from auditor.model import AuditorError
from auditor.output import parse_also, write_report
from auditor.report import Format
from auditor.scan import Scan, default_rule_dirs
from auditor.search.service import refresh_after_scan
from auditor.select import Mode, Selection, parse_shard, select
from auditor.session import open_session

EPILOG = "Exit status: 0 no findings at or above --fail-on, 1 findings, 2 error."


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

    scan = sub.add_parser(
        "scan",
        help="scan the staged change, a ref range, the whole tree, or given paths",
        description="Scan code for the rules' problems. Choose exactly one selection: --staged, "
        "--diff, --all, or PATHS alone (whole files).",
        epilog=EPILOG,
    )
    scan.add_argument(
        "paths",
        nargs="*",
        metavar="PATHS",
        help="files or directories (limits --staged/--diff/--all); with --staged, a named "
        "file that has no staged change is scanned whole (pre-commit run --all-files)",
    )
    which = scan.add_mutually_exclusive_group()
    which.add_argument("--staged", action="store_true", help="the staged change (pre-commit)")
    which.add_argument(
        "--diff",
        metavar="BASE[..HEAD]",
        help="functions changed between two refs; BASE...HEAD uses the merge base (pull requests)",
    )
    which.add_argument("--all", action="store_true", help="every tracked file (full audit)")
    scan.add_argument("--format", choices=[f.value for f in Format], help="output format (text)")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report here, not stdout")
    scan.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="FORMAT:PATH",
        help="also write the same result in another format (repeatable; PATH - is stdout), "
        "e.g. --also github:- --also html:report.html",
    )
    scan.add_argument(
        "--fail-on",
        choices=["note", "warning", "error"],
        help="lowest level that makes the exit code 1 (warning)",
    )
    scan.add_argument(
        "--precision",
        choices=["strict", "broad"],
        help="strict: findings confirmed by evidence (default); broad: also semantic-only matches",
    )
    scan.add_argument(
        "--baseline", metavar="FILE", help="report only findings not in this baseline"
    )
    scan.add_argument(
        "--include",
        action="append",
        metavar="GLOB",
        help="only paths matching; these are scanned even when vendored or generated "
        "(by linguist's conventions and .gitattributes linguist-vendored/-generated)",
    )
    scan.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching")
    scan.add_argument("--max-file-bytes", type=int, metavar="N", help="skip larger files (1000000)")
    scan.add_argument(
        "--shard",
        metavar="I/N",
        help="scan only the I-th of N deterministic parts of the files (parallel CI jobs; "
        "join their SARIF with `auditor merge`)",
    )
    scan.add_argument(
        "--test-files",
        choices=["lower", "same"],
        help="credentials in test files (tests/, test_*.py, *_test.go, *.spec.ts, fixtures/): "
        "reported one level lower (lower, the default) or at the rule's level (same)",
    )
    scan.add_argument("--category", help="SARIF automation category (default: the scan mode)")
    scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    _add_common(scan)
    scan.set_defaults(func=cmd_scan)

    rules_cmd.add_parser(sub, _add_common)
    serve_cmd.add_parser(sub)
    merge_cmd.add_parser(sub)
    baseline_cmd.add_parser(sub, _add_common)
    search_cmd.add_parser(sub, _add_search_common)
    return parser


def _selection(args: argparse.Namespace) -> Selection:
    shard = parse_shard(args.shard) if args.shard else (1, 1)
    paths = tuple(args.paths)
    if args.staged:
        return Selection(Mode.STAGED, paths, shard=shard)
    if args.diff:
        return Selection(Mode.DIFF, paths, args.diff, shard=shard)
    if args.all:
        return Selection(Mode.ALL, paths, shard=shard)
    if args.paths:
        return Selection(Mode.PATHS, paths, shard=shard)
    raise AuditorError(
        "nothing to scan: choose --staged, --diff BASE[..HEAD], --all, or give PATHS"
    )


def cmd_scan(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    cwd = Path.cwd()
    selection = _selection(args)
    also = parse_also(args.also)
    root, config = settings(args, environ, cwd)
    targets = select(root, cwd, selection, config.include, config.exclude)
    with open_session(root, config) as session:
        rules = session.load_rules(default_rule_dirs)
        scan = Scan(
            config, rules, session.cache, session.embedder, session.fallback, session.warnings
        )
        result = scan.run(targets)
        if selection == Selection(Mode.ALL):  # a whole audit keeps `auditor search` current
            more = refresh_after_scan(root, config, session.cache, session.embedder)
            result = dataclasses.replace(result, warnings=result.warnings + tuple(more))
    result = session.apply_baseline(result)
    category = config.category or selection.mode.value
    code = write_report(result, config, root, category, also)
    # A text report on standard output already ends with the warnings: say them once.
    in_report = config.format == Format.TEXT.value and config.output in (None, "-")
    if args.quiet or in_report:
        return code
    for warning in result.warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)
    return code


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
