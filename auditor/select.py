"""A scan request becomes the files to read: git selection, include/exclude, .auditorignore."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import git
from auditor.git import Target
from auditor.model import AuditorError
from auditor.vendored import linguist_attributes

if TYPE_CHECKING:
    import pathspec


class Mode(enum.Enum):
    STAGED = "staged"
    DIFF = "diff"
    ALL = "all"
    PATHS = "paths"


@dataclass(frozen=True)
class Selection:
    mode: Mode
    paths: tuple[str, ...] = ()  # limits the selection; in PATHS mode, the files to scan whole
    diff: str = ""  # BASE[..HEAD] for Mode.DIFF
    shard: tuple[int, int] = (1, 1)  # (I, N): this job scans the I-th of N deterministic parts


def parse_shard(value: str) -> tuple[int, int]:
    index, sep, count = value.partition("/")
    if sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
        return int(index), int(count)
    raise AuditorError(f"--shard {value!r}: expected I/N with 1 <= I <= N, e.g. 2/4")


def in_shard(path: str, shard: tuple[int, int]) -> bool:
    """Files are dealt to shards by a hash of their path: stable across runs and machines."""
    index, count = shard
    digest = hashlib.sha256(path.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def _relative(root: Path, cwd: Path, paths: Sequence[str]) -> tuple[str, ...]:
    out = []
    for raw in paths:
        absolute = (cwd / raw).resolve()
        try:
            out.append(absolute.relative_to(root.resolve()).as_posix())
        except ValueError:
            raise AuditorError(f"{raw}: outside the repository {root}") from None
    return tuple("" if p == "." else p for p in out)


def _filters(
    root: Path, include: Sequence[str], exclude: Sequence[str]
) -> tuple[pathspec.GitIgnoreSpec | None, pathspec.GitIgnoreSpec | None]:
    ignore_lines = list(exclude)
    ignore_file = root / ".auditorignore"
    if ignore_file.is_file():
        try:
            ignore_lines += ignore_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise AuditorError(f"{ignore_file}: cannot read ({exc}); fix or remove it") from None
    if not include and not ignore_lines:
        return None, None  # the usual case: pathspec is not even imported
    import pathspec

    inc = pathspec.GitIgnoreSpec.from_lines(include) if include else None
    return inc, pathspec.GitIgnoreSpec.from_lines(ignore_lines) if ignore_lines else None


def select(
    root: Path,
    cwd: Path,
    selection: Selection,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[Target]:
    paths = _relative(root, cwd, selection.paths)
    if paths and "" in paths:
        paths = ()
    if selection.mode is Mode.STAGED:
        targets = git.staged(root, paths)
    elif selection.mode is Mode.DIFF:
        targets = git.between(root, selection.diff, paths)
    elif selection.mode is Mode.ALL:
        targets = git.read_worktree(root, git.tracked(root, paths))
    else:
        missing = [p for p in paths if not (root / p).exists()]
        if missing:
            raise AuditorError(f"{missing[0]}: no such file or directory")
        names: list[str] = []
        for p in paths:
            target = root / p
            if target.is_dir():
                names += [
                    f.relative_to(root).as_posix()
                    for f in sorted(target.rglob("*"))
                    if f.is_file() and ".git" not in f.relative_to(root).parts
                ]
            else:
                names.append(p)
        targets = git.read_worktree(root, names)
    inc, ignored = _filters(root, include, exclude)
    kept = [
        t
        for t in targets
        if (inc is None or inc.match_file(t.path))
        and not (ignored is not None and ignored.match_file(t.path))
        and in_shard(t.path, selection.shard)
    ]
    return _mark(root, kept, included=inc is not None)


def _mark(root: Path, targets: list[Target], included: bool) -> list[Target]:
    """Attach the linguist attributes; a file chosen by --include is scanned even if vendored."""
    if included:
        verdicts = {t.path: "keep" for t in targets}
    else:
        verdicts = linguist_attributes(root, [t.path for t in targets if t.marked is None])
    return [
        dataclasses.replace(t, marked=verdicts.get(t.path)) if t.marked is None else t
        for t in targets
    ]


def path_filter(
    root: Path, include: Sequence[str] = (), exclude: Sequence[str] = ()
) -> Callable[[str], bool]:
    """Whether a repository path passes include/exclude/.auditorignore, as ``select`` decides."""
    inc, ignored = _filters(root, include, exclude)

    def keep(path: str) -> bool:
        return (inc is None or inc.match_file(path)) and not (
            ignored is not None and ignored.match_file(path)
        )

    return keep


def relative_paths(root: Path, cwd: Path, paths: Sequence[str]) -> list[str]:
    """``paths`` (given from ``cwd``) relative to the repository root; the root itself drops out."""
    return [p for p in _relative(root, cwd, paths) if p]
