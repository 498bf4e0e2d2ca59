"""`auditor baseline create`: record today's findings so only new ones alarm."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from auditor.commands.common import settings


def add_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    group = sub.add_parser("baseline", help="create a baseline of the current findings")
    actions = group.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="scan the whole tree and record its findings",
        description="Writes sorted, stable JSON without line numbers or timestamps; commit it "
        "and pass it to `auditor scan --baseline FILE`.",
    )
    create.add_argument(
        "-o",
        "--output",
        dest="baseline_output",
        type=Path,
        default=Path(".auditor-baseline.json"),
        help="baseline file (.auditor-baseline.json)",
    )
    create.add_argument("--precision", choices=["strict", "broad"], help="as for scan (strict)")
    create.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_common(create)
    create.set_defaults(func=cmd_create)


def cmd_create(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor import baseline
    from auditor.output import write_atomic
    from auditor.scan import Scan, default_rule_dirs
    from auditor.select import Mode, Selection, select
    from auditor.session import open_session

    cwd = Path.cwd()
    root, config = settings(args, environ, cwd)
    targets = select(root, cwd, Selection(Mode.ALL), config.include, config.exclude)
    with open_session(root, config) as session:
        rules = session.load_rules(default_rule_dirs)
        result = Scan(
            config, rules, session.cache, session.embedder, session.fallback, session.warnings
        ).run(targets)
    write_atomic(args.baseline_output, baseline.render(result))
    if not args.quiet:
        count = len(result.findings)
        print(
            f"auditor: baseline of {count} findings written to {args.baseline_output}",
            file=sys.stderr,
        )
    return 0
