"""`auditor scan`: the main job (pre-commit hook, pull requests, full audits).

The pipeline is imported by the command, not with the parser: `auditor --help` and every other
command start without numpy, the models or the analysis engine.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.commands.common import EPILOG, settings
from auditor.errors import AuditorError
from auditor.report import Format

if TYPE_CHECKING:
    from auditor.select import Selection


def add_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
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
    scan.add_argument(
        "--no-cascade",
        dest="cascade",
        action="store_const",
        const=False,
        help="strict mode: embed every unit, not only those evidence confirmed (slower; the "
        "same findings, for checking)",
    )
    scan.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="processes that extract and analyse files (default: one per core when there are "
        "many files; 1: in this process)",
    )
    scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no summary")
    add_common(scan)
    scan.set_defaults(func=cmd_scan)


def _selection(args: argparse.Namespace) -> Selection:
    from auditor.select import Mode, Selection, parse_shard

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
    import dataclasses

    from auditor.output import parse_also, write_report
    from auditor.scan import Scan, default_rule_dirs
    from auditor.select import Mode, Selection, select
    from auditor.session import open_session

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
        # A whole audit that embedded every unit (broad mode, --no-cascade) keeps `auditor
        # search` current for free; after a strict cascade, search embeds what it lacks itself.
        if selection == Selection(Mode.ALL) and result.units_embedded is None:
            from auditor.search.service import refresh_after_scan

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
