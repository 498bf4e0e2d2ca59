"""Which files and which lines: the staged change, a ref range, the whole tree, or given paths."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.filekinds import binary_by_name
from auditor.model import AuditorError


@dataclass(frozen=True)
class Target:
    """One file to scan: its content as bytes and the lines that changed (None: all of them)."""

    path: str  # relative to the repository root, POSIX
    data: bytes
    changed: frozenset[int] | None
    # What is known of the file before its content is looked at: a Skip reason ("vendored",
    # "generated" from linguist attributes; "symlink", "not in the work tree"), or "keep"
    # (scan it even if it looks vendored: an attribute set false, or --include).
    marked: str | None = None

    def touches(self, start: int, end: int) -> bool:
        if self.changed is None:
            return True
        return any(start <= line <= end for line in self.changed)


def _git(root: Path | None, args: Sequence[str], what: str) -> bytes:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, check=False, stdin=subprocess.DEVNULL
        )
    except FileNotFoundError:
        raise AuditorError("git is not installed or not on PATH; install git") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit code {proc.returncode}"
        raise AuditorError(f"{what} failed: {detail}")
    return proc.stdout


def repo_root(cwd: Path) -> Path:
    try:
        out = _git(cwd, ["rev-parse", "--show-toplevel"], "git rev-parse")
    except AuditorError:
        raise AuditorError(
            f"{cwd} is not inside a git repository; run auditor from a git checkout"
        ) from None
    return Path(out.decode().strip())


_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_OCTAL = re.compile(rb"\\([0-7]{3}|.)")
_ESCAPES = {b"n": b"\n", b"t": b"\t", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b"}


def _unquote(raw: bytes) -> str:
    """Undo git's C-style quoting of unusual path names (core.quotePath)."""
    if raw.startswith(b'"') and raw.endswith(b'"'):

        def repl(m: re.Match[bytes]) -> bytes:
            token = m.group(1)
            if len(token) == 3:
                return bytes([int(token, 8)])
            return _ESCAPES.get(token, token)

        raw = _OCTAL.sub(repl, raw[1:-1])
    return raw.decode("utf-8", "surrogateescape")


def parse_unified_zero(diff: bytes) -> dict[str, set[int]]:
    """Added/changed line numbers (new side) per file from ``git diff -U0`` output."""
    changes: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.split(b"\n"):
        if line.startswith(b"+++ "):
            # git ends the name with a TAB when it holds a space ("+++ b/with space.py\t")
            target = line[4:-1] if line.endswith(b"\t") else line[4:]
            if target == b"/dev/null":
                current = None  # deleted file: nothing to scan
                continue
            name = _unquote(target)
            if name.startswith("b/"):
                name = name[2:]
            current = changes.setdefault(name, set())
        elif line.startswith(b"@@") and current is not None:
            m = _HUNK.match(line)
            if m:
                start = int(m.group(1))
                count = int(m.group(2)) if m.group(2) is not None else 1
                current.update(range(start, start + count))
    return {path: lines for path, lines in changes.items() if lines}


def _diff(root: Path, args: Sequence[str]) -> dict[str, set[int]]:
    out = _git(
        root,
        [
            "-c",
            "core.quotePath=true",
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--diff-filter=ACMR",
            "-M",
            *args,
        ],
        "git diff",
    )
    return parse_unified_zero(out)


def read_blobs(root: Path, specs: Sequence[str]) -> list[bytes | None]:
    """Contents of ``rev:path`` objects in one ``git cat-file --batch`` call (None if missing)."""
    if not specs:
        return []
    payload = b"".join(s.encode("utf-8", "surrogateescape") + b"\n" for s in specs)
    proc = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=root, input=payload, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise AuditorError(f"git cat-file failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
    out, pos = proc.stdout, 0
    blobs: list[bytes | None] = []
    for _ in specs:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) < 3 or header[1] != b"blob":
            blobs.append(None)
            continue
        size = int(header[2])
        blobs.append(out[pos : pos + size])
        pos += size + 1
    return blobs


def _in_paths(path: str, paths: Sequence[str]) -> bool:
    return not paths or any(path == p or path.startswith(p.rstrip("/") + "/") for p in paths)


def _staged_names(root: Path) -> set[str]:
    """Every path the staged change touches, whatever the change (deletions of lines included)."""
    out = _git(root, ["diff", "--cached", "--name-only", "-z", "--no-renames"], "git diff")
    return {n for n in out.decode("utf-8", "surrogateescape").split("\0") if n}


def _read_objects(root: Path, rev: str, names: Sequence[str]) -> list[bytes | None]:
    """Contents of ``rev:name`` for each name (``rev`` "" is the index).

    ``--batch`` reads one object name per line, so a name holding a newline is read on its own.
    Every file is read but those whose name says binary (an image, an archive: counted from
    the name alone): a text file of any kind is scanned for secrets, and whether an
    extensionless file is a shell script only its first line says.
    """
    readable = [n for n in names if "\n" not in n and not binary_by_name(n)]
    batch = dict(zip(readable, read_blobs(root, [f"{rev}:{n}" for n in readable]), strict=True))
    blobs: list[bytes | None] = []
    for name in names:
        if name in batch:
            blobs.append(batch[name])
        elif binary_by_name(name):
            blobs.append(b"")  # counted as "unsupported language" from its name alone
        else:
            try:
                blobs.append(_git(root, ["cat-file", "blob", f"{rev}:{name}"], "git cat-file"))
            except AuditorError:
                blobs.append(None)
    return blobs


def _binary(root: Path, args: Sequence[str], paths: Sequence[str]) -> set[str]:
    """Changed files git counts as binary: their diff has no lines, yet they changed."""
    out = _git(
        root,
        [
            "diff",
            "--numstat",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            "--diff-filter=ACMR",
            *args,
        ],
        "git diff",
    )
    names = set()
    for record in out.split(b"\0"):
        added, _, rest = record.partition(b"\t")
        _, _, name = rest.partition(b"\t")
        path = name.decode("utf-8", "surrogateescape")
        if added == b"-" and name and _in_paths(path, paths):
            names.add(path)
    return names


def _targets(
    root: Path, rev: str, changes: dict[str, set[int]], whole: Iterable[str]
) -> list[Target]:
    """Targets for changed lines per file, and for files to read whole (changed: None)."""
    names = sorted(changes) + sorted(set(whole) - set(changes))
    blobs = _read_objects(root, rev, names)
    return [
        Target(name, blob, frozenset(changes[name]) if name in changes else None)
        for name, blob in zip(names, blobs, strict=True)
        if blob is not None
    ]


def staged(root: Path, paths: Sequence[str] = ()) -> list[Target]:
    """The staged change: content from the index (not the working tree), changed lines only.

    A file named in ``paths`` that the staged change does not touch is read whole from the
    index: that is how ``pre-commit run --all-files`` (CI, pre-commit.ci) hands over every file
    with nothing staged, and scanning none of them would pass a check that checked nothing.
    A binary file has no changed lines; it is read whole, to be counted as skipped.
    """
    changes = {p: c for p, c in _diff(root, ["--cached"]).items() if _in_paths(p, paths)}
    whole = _binary(root, ["--cached"], paths)
    if paths:
        named = set(paths) & set(tracked(root, paths))
        whole |= named - _staged_names(root)
    return _targets(root, "", changes, whole)


def between(root: Path, spec: str, paths: Sequence[str] = ()) -> list[Target]:
    """A pull request's change: ``BASE..HEAD``, ``BASE...HEAD`` (merge base), or ``BASE``."""
    if "..." in spec:
        base, head = spec.split("...", 1)
        merge_base = _git(root, ["merge-base", base, head or "HEAD"], "git merge-base")
        base = merge_base.decode().strip()
    elif ".." in spec:
        base, head = spec.split("..", 1)
    else:
        base, head = spec, "HEAD"
    head = head or "HEAD"
    for ref in (base, head):
        _git(
            root,
            ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
            f"unknown ref {ref!r}: git rev-parse",
        )
    changes = {p: c for p, c in _diff(root, [base, head]).items() if _in_paths(p, paths)}
    return _targets(root, head, changes, _binary(root, [base, head], paths))


def tracked(root: Path, paths: Sequence[str] = ()) -> list[str]:
    """Every tracked file (working-tree content), optionally limited to some paths."""
    # Literal: a file named `a*.py` or `:x` is that file, not a pattern.
    out = _git(root, ["--literal-pathspecs", "ls-files", "-z", "--", *paths], "git ls-files")
    return sorted({name for name in out.decode("utf-8", "surrogateescape").split("\0") if name})


def read_worktree(root: Path, names: Iterable[str]) -> list[Target]:
    """Work-tree content of tracked files. A link is not followed (it may lead out of the
    repository) and a file that is gone is not read; both are counted as skipped."""
    targets = []
    for name in names:
        path = root / name
        if path.is_symlink():
            targets.append(Target(name, b"", None, marked="symlink"))
            continue
        try:
            data = path.read_bytes()
        except OSError:  # deleted, now a directory or a submodule, or vanished just now
            targets.append(Target(name, b"", None, marked="not in the work tree"))
            continue
        targets.append(Target(name, data, None))
    return targets


def worktree_files(root: Path) -> list[str]:
    """Tracked files plus untracked ones git does not ignore: what a search should see."""
    out = _git(
        root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], "git ls-files"
    )
    return sorted({name for name in out.decode("utf-8", "surrogateescape").split("\0") if name})
