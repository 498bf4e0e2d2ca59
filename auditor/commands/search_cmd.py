"""`auditor search QUERY [PATHS...]` and `auditor index [--stats]`."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.commands.common import settings
from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.config import Config
    from auditor.embed.base import Embedder
    from auditor.search.engine import Hit
    from auditor.search.refresh import RefreshStats
    from auditor.session import Session

# The values of auditor.search.engine.Mode (tests check they agree): the parser is built without
# importing the search engine and numpy.
MODES = ("hybrid", "semantic", "lexical")


def add_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    parser = sub.add_parser(
        "search",
        help="find code by describing it in plain language (hybrid lexical + semantic)",
        description="Search the repository's functions and module-level code. The index lives "
        "in the cache directory and is refreshed from the working tree first (only changed "
        "files are read, only new code is embedded).",
    )
    parser.add_argument("query", metavar="QUERY", help="what the code does, in plain words")
    parser.add_argument("paths", nargs="*", metavar="PATHS", help="only results under these")
    parser.add_argument("-k", "--top", type=int, default=10, help="how many results (10)")
    parser.add_argument(
        "--lang", action="append", metavar="LANGUAGE", help="only this language (repeatable)"
    )
    parser.add_argument(
        "--kind", choices=["function", "module"], help="only functions/methods, or module code"
    )
    parser.add_argument(
        "--mode",
        choices=MODES,
        default=MODES[0],
        help="hybrid: both rankings fused (default); semantic: embeddings only; lexical: words",
    )
    parser.add_argument("--format", choices=["text", "json"], default="text", help="(text)")
    parser.add_argument(
        "--min-score",
        type=float,
        help="drop results under this cosine similarity (semantic, hybrid) or BM25 (lexical)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_common(parser)
    parser.set_defaults(func=cmd_search)

    index = sub.add_parser(
        "index",
        help="build or refresh the search index explicitly, or show its statistics",
        description="Bring the repository's search index up to date (with a progress bar), "
        "or with --stats say what it holds.",
    )
    index.add_argument("--stats", action="store_true", help="show what the index holds")
    index.add_argument("--format", choices=["text", "json"], default="text", help="(text)")
    index.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    add_common(index)
    index.set_defaults(func=cmd_index)


def _warn(warnings: Sequence[str]) -> None:
    for warning in warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)


def cmd_search(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.search.early import prepare_for, search_config
    from auditor.session import open_session

    if args.top < 1:
        raise AuditorError(f"--top {args.top}: expected a positive number")
    cwd = Path.cwd()
    root, config = settings(args, environ, cwd)
    config = search_config(config)
    with open_session(root, config) as session:
        first = session.embedder()
        try:
            if args.mode != "lexical":
                # the model loads while the rest of the search is imported and the index is
                # refreshed (a new query's vector is the longest part of a warm search); a
                # server that cannot be reached says so again below, where it falls back
                with contextlib.suppress(AuditorError):
                    prepare_for(first, session.cache, args.query)
            hits = _search(args, root, cwd, config, session, first)
        finally:
            first.close()
    _warn(session.warnings)
    if args.format == "json":
        print(json.dumps([hit_dict(h) for h in hits], indent=2, ensure_ascii=False))
    else:
        print_hits(hits)
    return 0


def _search(
    args: argparse.Namespace,
    root: Path,
    cwd: Path,
    config: Config,
    session: Session,
    first: Embedder,
) -> list[Hit]:
    from auditor.search.early import prepare_for
    from auditor.search.engine import Mode, load_table, search
    from auditor.search.filters import Filters
    from auditor.search.service import query_vector, refreshed, with_fallback
    from auditor.search.vectors import VectorTable
    from auditor.select import relative_paths

    mode = Mode(args.mode)
    filters = Filters(
        tuple(args.lang or ()), args.kind or "", tuple(relative_paths(root, cwd, args.paths))
    )

    def run(embedder: Embedder) -> list[Hit]:
        if mode is not Mode.LEXICAL and embedder is not first:
            prepare_for(embedder, session.cache, args.query)  # the fallback model
        index, _ = refreshed(root, config, session.cache, embedder, session.warnings)
        try:
            vector, table = None, VectorTable.empty()
            if mode is not Mode.LEXICAL:
                vector = query_vector(embedder, session.cache, args.query)
                table = load_table(index)
            return search(
                index,
                table,
                args.query,
                vector,
                mode=mode,
                top=args.top,
                filters=filters,
                min_score=args.min_score,
            )
        finally:
            index.close()

    return with_fallback(lambda: first, session.fallback, session.warnings, run)


def hit_dict(hit: Hit) -> dict[str, object]:
    unit = hit.unit
    return {
        "rank": hit.rank,
        "path": unit.path,
        "start_line": unit.start_line,
        "end_line": unit.end_line,
        "qualname": unit.qualname,
        "kind": unit.kind,
        "language": unit.language,
        "score": hit.score,
        "semantic": hit.semantic,
        "lexical": hit.lexical,
        "window": list(hit.window),
        "snippet": hit.snippet,
    }


def print_hits(hits: Sequence[Hit], stream: Any = None) -> None:
    """Hits in rank order; several hits in one file are printed together under its first."""
    out = stream or sys.stdout
    if not hits:
        print("no matches", file=out)
        return
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.unit.path, []).append(hit)
    for path, members in groups.items():
        if len(members) > 1:
            print(f"{path} ({len(members)} results)", file=out)
        for hit in members:
            unit = hit.unit
            indent = "  " if len(members) > 1 else ""
            print(
                f"{indent}{hit.rank:>2}. {path}:{unit.start_line}-{unit.end_line}  "
                f"{unit.qualname}  {hit.score:.4f}",
                file=out,
            )
            for line in hit.snippet.split("\n"):
                print(f"{indent}      {line.rstrip()[:120]}", file=out)


def cmd_index(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.search.early import search_config
    from auditor.search.service import refreshed, with_fallback
    from auditor.session import open_session

    root, config = settings(args, environ, Path.cwd())
    config = search_config(config)

    def run(embedder: Embedder) -> tuple[dict[str, object], RefreshStats]:
        index, stats = refreshed(root, config, session.cache, embedder, session.warnings)
        try:
            return index.stats(), stats
        finally:
            index.close()

    with open_session(root, config) as session:
        held, stats = with_fallback(session.embedder, session.fallback, session.warnings, run)
    _warn(session.warnings)
    report: dict[str, object] = dict(held) if args.stats else {}
    report["refresh"] = {
        "files_read": stats.read,
        "files_changed": stats.changed,
        "files_removed": stats.removed,
        "embedded": stats.embedded,
    }
    if args.format == "json":
        print(json.dumps(report, indent=2, sort_keys=True))
        return 0
    if args.stats:
        for key, value in held.items():
            shown = value
            if isinstance(value, dict):
                shown = ", ".join(f"{k} {v}" for k, v in value.items())
            print(f"{key + ':':<18}{shown}")
    print(
        f"refreshed: {stats.read} files read, {stats.changed} changed, {stats.removed} removed, "
        f"{stats.embedded} vectors embedded; {held['units']} units in {held['files']} files"
    )
    return 0
