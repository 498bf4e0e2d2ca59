"""Flag handling shared by the subcommands: one place turns argparse options into a Config."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.config import Config

EPILOG = "Exit status: 0 no findings at or above --fail-on, 1 findings, 2 error."

# Options whose argparse name is also a config key.
CONFIG_FLAGS = (
    "format",
    "output",
    "fail_on",
    "precision",
    "baseline",
    "include",
    "exclude",
    "max_file_bytes",
    "test_files",
    "category",
    "backend",
    "base_url",
    "model",
    "dimensions",
    "fallback",
    "cascade",
    "jobs",
)


def settings(
    args: argparse.Namespace, environ: Mapping[str, str], cwd: Path, *, need_repo: bool = True
) -> tuple[Path, Config]:
    """The repository root (cwd outside a repository when allowed) and the merged config."""
    from auditor import git
    from auditor.config import load_config

    root: Path | None
    try:
        root = git.repo_root(cwd)
    except AuditorError:
        if need_repo:
            raise
        root = None
    flags: dict[str, Any] = {name: getattr(args, name, None) for name in CONFIG_FLAGS}
    if getattr(args, "rules", None):
        flags["rules"] = [str(Path(r).resolve()) for r in args.rules]
    if getattr(args, "quiet", False):
        flags["progress"] = False
    config, warnings = load_config(root, environ, flags, getattr(args, "config", None))
    for warning in warnings:
        print(f"auditor: warning: {warning}", file=sys.stderr)
    return root or cwd, config
