"""What the CPU stage found in a file, kept by the file's content (incremental full audits).

A full audit re-reads every file, but the units a file is cut into and what every rule's
evidence confirms in them depend only on the file's path and bytes, the rule pack and auditor's
code (and, for a change, the changed lines: a hook re-run pays nothing either). Under a hash
of those, the result is pickled into one SQLite file in the cache directory,
so an audit of an unchanged tree parses nothing and runs no evidence: it reads, hashes and looks
up. Like the rule-pack cache it is an optimisation, never a source of truth: any problem with
it (unreadable, locked, damaged, written by another version) means analysing again, silently.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import pickle
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import auditor
from auditor.git import Target
from auditor.model import Rule

KEEP_DAYS = 30  # entries not used for this long are dropped (files since changed or deleted)
_CODE = ("prepare.py", "evidence.py", "extract.py", "languages.py", "grammars.py", "model.py")


@functools.cache
def code_version() -> str:
    """auditor's version and the bytes of the code that cuts and judges units."""
    package = Path(auditor.__file__).parent
    digest = hashlib.sha256(auditor.__version__.encode())
    sources = [package / name for name in _CODE] + sorted((package / "analysis").rglob("*.py"))
    for path in sources:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"?")
    return digest.hexdigest()


def pack_version(rules: Sequence[Rule]) -> str:
    """The rules as they will be applied, by value.

    Pickled without the memo ("fast" mode), so the bytes do not depend on which equal strings
    happen to be one object (a pack parsed from YAML and one unpickled from the rule cache
    share different ones); tested to be independent of string hashing too.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: equal values give equal bytes (rules hold no cycles)
    pickler.dump(list(rules))
    return hashlib.sha256(buffer.getvalue()).hexdigest()


class AnalysisCache:
    def __init__(self, directory: Path, rules: Sequence[Rule], *, confirm: bool, limit: int):
        self.path = directory / "analysis.sqlite3"
        self._salt = f"{code_version()}\0{pack_version(rules)}\0{confirm}\0{limit}".encode()
        self._db: sqlite3.Connection | None = None
        self._broken = False

    def key(self, target: Target) -> str:
        """The file's path, bytes, marks and (for a change) changed lines, under the salt."""
        digest = hashlib.sha256(self._salt)
        digest.update(target.path.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(f"{target.marked}\0".encode())
        if target.changed is not None:  # a change's units: those its lines touch
            digest.update(",".join(map(str, sorted(target.changed))).encode() + b"\0")
        digest.update(target.data)
        return digest.hexdigest()

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and not self._broken:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._open()
            except sqlite3.DatabaseError:  # damaged, or not ours: start it again, once
                with contextlib.suppress(OSError, sqlite3.Error):
                    self.path.unlink(missing_ok=True)
                    self._db = self._open()
            except (OSError, sqlite3.Error):
                pass
            self._broken = self._db is None
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=5.0)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS files (key TEXT PRIMARY KEY, value BLOB, used REAL)"
            )
        except sqlite3.Error:
            db.close()
            raise
        return db

    def get_many(self, keys: Sequence[str]) -> dict[str, Any]:
        db = self._connect()
        found: dict[str, Any] = {}
        if db is None or not keys:
            return found
        try:
            now = time.time()
            stale: list[str] = []
            for start in range(0, len(keys), 500):
                part = list(keys[start : start + 500])
                marks = ",".join("?" * len(part))
                query = f"SELECT key, value, used FROM files WHERE key IN ({marks})"
                for key, value, used in db.execute(query, part):
                    found[key] = pickle.loads(value)
                    if used < now - 86400:
                        stale.append(key)
            if stale:  # a read writes nothing, except once a day what it used
                db.executemany("UPDATE files SET used = ? WHERE key = ?", [(now, k) for k in stale])
                db.commit()
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self._drop()
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        rows_in = list(items)
        db = self._connect() if rows_in else None
        if db is None:
            return
        now = time.time()
        try:
            rows = [(k, pickle.dumps(v, protocol=5), now) for k, v in rows_in]
            db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", rows)
            db.execute("DELETE FROM files WHERE used < ?", (now - KEEP_DAYS * 86400,))
            db.commit()
        except (sqlite3.Error, pickle.PicklingError):
            self._drop()

    def _drop(self) -> None:
        """A damaged or foreign file: start it again (it only ever saves time)."""
        self.close()
        self._broken = True
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
