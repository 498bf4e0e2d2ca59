"""Labeled corpora: hand-written units, each labeled with the rules it violates.

Used by `auditor rules calibrate` and bench/quality.py. The format is a YAML list per file:
``{id, language, kind: violating|lookalike|ordinary, labels: [rule ids], code}`` and an
optional ``split``. Entries are split in two by a stable hash of their id (or pinned by their
``split``): thresholds and evidence are tuned on one half ("calibration") and quality is
reported on the other ("held-out") as well as on all of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from auditor.git import Target
from auditor.model import AuditorError

EXTENSIONS = {
    "python": "py",
    "javascript": "js",
    "typescript": "tsx",
    "tsx": "tsx",
    "java": "java",
    "go": "go",
    "csharp": "cs",
    "php": "php",
    "ruby": "rb",
    "rust": "rs",
    "c": "c",
    "cpp": "cpp",
}
KINDS = {"violating", "lookalike", "ordinary"}


@dataclass(frozen=True)
class Entry:
    id: str
    language: str
    kind: str
    labels: frozenset[str]
    code: str
    fixed_split: str = ""  # an entry may be pinned to a split (e.g. development data)

    @property
    def path(self) -> str:
        """A file name for the entry that keeps its language's extension."""
        safe = self.id.replace("/", "__")
        return f"corpus/{safe}.{EXTENSIONS[self.language]}"

    @property
    def split(self) -> str:
        if self.fixed_split:
            return self.fixed_split
        digest = hashlib.sha256(self.id.encode()).digest()
        return "calibration" if digest[0] % 2 == 0 else "held-out"

    def target(self) -> Target:
        return Target(self.path, self.code.encode("utf-8"), None)


def load_corpus(directory: Path) -> list[Entry]:
    if not directory.is_dir():
        raise AuditorError(f"{directory}: corpus directory not found")
    entries: list[Entry] = []
    seen: dict[str, Path] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            items = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise AuditorError(f"{path}: cannot read corpus file ({exc})") from None
        if not isinstance(items, list):
            raise AuditorError(f"{path}: expected a list of entries")
        for position, item in enumerate(items):
            where = f"{path}: entry {position}"
            if not isinstance(item, dict):
                raise AuditorError(f"{where}: expected a mapping")
            try:
                entry = Entry(
                    id=str(item["id"]),
                    language=str(item["language"]),
                    kind=str(item["kind"]),
                    labels=frozenset(item.get("labels") or ()),
                    code=str(item["code"]),
                    fixed_split=str(item.get("split") or ""),
                )
            except KeyError as exc:
                raise AuditorError(f"{where}: key {exc.args[0]!r} missing") from None
            if entry.language not in EXTENSIONS:
                raise AuditorError(f"{where}: key 'language': unknown {entry.language!r}")
            if entry.fixed_split not in ("", "calibration", "held-out"):
                raise AuditorError(f"{where}: key 'split': expected calibration or held-out")
            if entry.kind not in KINDS:
                raise AuditorError(f"{where}: key 'kind': expected one of {sorted(KINDS)}")
            if entry.id in seen:
                raise AuditorError(f"{where}: id {entry.id!r} already used in {seen[entry.id]}")
            seen[entry.id] = path
            entries.append(entry)
    return entries


def select_split(entries: Sequence[Entry], split: str) -> list[Entry]:
    return [e for e in entries if split == "all" or e.split == split]
