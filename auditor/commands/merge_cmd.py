"""`auditor merge`: join the SARIF files of a sharded audit into one."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from auditor.errors import AuditorError


def add_parser(sub: Any) -> None:
    merge = sub.add_parser(
        "merge",
        help="merge auditor SARIF files (e.g. from --shard jobs) into one",
        description="Union of rules, concatenated results, duplicates dropped.",
    )
    merge.add_argument("inputs", nargs="+", type=Path, metavar="FILE", help="SARIF files to merge")
    merge.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    merge.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.output import write_atomic
    from auditor.report.merge import merge_sarif

    documents = []
    for path in args.inputs:
        try:
            documents.append(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise AuditorError(f"{path}: no such file") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise AuditorError(f"{path}: not a readable SARIF file ({exc})") from None
    text = (
        json.dumps(
            merge_sarif(documents, names=[str(p) for p in args.inputs]), indent=2, sort_keys=True
        )
        + "\n"
    )
    if args.output:
        write_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
