"""`auditor rules try "DESCRIPTION"`: tune a plain-language rule before writing it down."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from auditor.commands.common import settings
from auditor.commands.search_cmd import hit_dict, print_hits
from auditor.errors import AuditorError

DEFAULT_THRESHOLD = 0.30  # what a rule without a calibrated threshold usually starts from


def add_parser(actions: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    trial = actions.add_parser(
        "try",
        help="show what a would-be rule description matches in this repository",
        description="Embeds DESCRIPTION as a rule description is embedded and scores every "
        "function and module of the repository's search index against it: the top matches, "
        "the spread of scores, and how many units a threshold would let through. Write the "
        "rule's examples and threshold from what you see.",
    )
    trial.add_argument("description", metavar="DESCRIPTION", help="the rule's description text")
    trial.add_argument("-k", "--top", type=int, default=10, help="how many matches to show (10)")
    trial.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"count units at or above this similarity ({DEFAULT_THRESHOLD})",
    )
    trial.add_argument(
        "--lang", action="append", metavar="LANGUAGE", help="only this language (repeatable)"
    )
    trial.add_argument("--format", choices=["text", "json"], default="text", help="(text)")
    trial.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_common(trial)
    trial.set_defaults(func=cmd_try)


def cmd_try(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.search.engine import Mode, load_table, search
    from auditor.search.filters import Filters
    from auditor.search.service import query_vector, refreshed
    from auditor.search.trial import spread
    from auditor.session import open_session

    if args.top < 1:
        raise AuditorError(f"--top {args.top}: expected a positive number")
    root, config = settings(args, environ, Path.cwd())
    filters = Filters(tuple(args.lang or ()))
    with open_session(root, config) as session:
        embedder = session.embedder()
        index, _ = refreshed(root, config, session.cache, embedder, session.warnings)
        try:
            vector = query_vector(embedder, session.cache, args.description, rule=True)
            table = load_table(index, summaries=False)  # as the gate compares: code only
            hits = search(
                index, table, "", vector, mode=Mode.SEMANTIC, top=args.top, filters=filters
            )
            found = spread(index, table, vector, args.threshold, filters)
            key = embedder.key
        finally:
            index.close()
            embedder.close()
    for warning in session.warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        report = {
            "model": key,
            "matches": [hit_dict(h) for h in hits],
            "units": found.units,
            "quantiles": {str(q): v for q, v in found.quantiles},
            "histogram": [{"from": edge, "units": n} for edge, n in found.histogram],
            "threshold": found.threshold,
            "above_threshold": found.above,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print_hits(hits)
    print(f"\nscores of {found.units} units on {key}:")
    print(
        "  "
        + "  ".join(f"{'max' if q == 1.0 else f'p{q * 100:g}'} {v:.3f}" for q, v in found.quantiles)
    )
    widest = max((n for _, n in found.histogram), default=1)
    for edge, count in found.histogram:
        bar = "#" * max(1, round(40 * count / widest))
        print(f"  {edge:5.2f}-{edge + 0.05:4.2f} {count:>7}  {bar}")
    print(f"{found.above} units at or above {found.threshold:.2f}")
    return 0
