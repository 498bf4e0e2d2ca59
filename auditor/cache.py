"""Vectors on disk by (model key, content hash): a second run over unchanged code embeds nothing.

The store is one SQLite file. SQLite gives atomic transactions (a crash never leaves half a batch),
safe concurrent readers and writers (two hooks at once), and detects a damaged file for us.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.embed.base import Vectors

FORMAT = "auditor-vectors/1"


def text_hash(kind: str, text: str) -> str:
    """A text's key in the cache, by what kind of text it is (a window, a query...)."""
    return hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


class VectorCache:
    def __init__(self, directory: Path, warnings: list[str]) -> None:
        self.path = directory / "vectors.sqlite3"
        self._warnings = warnings
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return self._in_memory(
                f"cache directory {self.path.parent} is not writable ({exc.strerror})"
            )
        try:
            self._db = self._open(str(self.path))
        except sqlite3.OperationalError as exc:  # cannot open or write: read-only, full, ...
            return self._in_memory(f"cannot use vector cache {self.path} ({exc})")
        except sqlite3.DatabaseError as exc:
            self._db = self._rebuild(f"{exc}")
        return self._db

    def _in_memory(self, reason: str) -> sqlite3.Connection:
        """Run without the cache (a warning, not a crash): the vectors live for this run only."""
        self._warnings.append(f"{reason}; vectors are kept in memory only (set AUDITOR_CACHE_DIR)")
        self._db = self._open(":memory:")
        return self._db

    @staticmethod
    def _open(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=10.0)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
        row = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if row is None and tables - {"meta", "vectors"}:
            db.close()
            raise sqlite3.DatabaseError("not an auditor cache")
        if row is not None and row[0] != FORMAT:
            db.close()
            raise sqlite3.DatabaseError(f"cache format {row[0]!r}, expected {FORMAT!r}")
        db.execute(
            "CREATE TABLE IF NOT EXISTS vectors ("
            " model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, hash)) WITHOUT ROWID"
        )
        db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
        db.commit()
        return db

    def _rebuild(self, reason: str) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        self._warnings.append(
            f"vector cache {self.path} is unreadable ({reason}); moved to {aside.name} and rebuilt"
        )
        with contextlib.suppress(OSError):
            self.path.rename(aside)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                self.path.with_name(self.path.name + suffix).unlink()
        try:
            return self._open(str(self.path))
        except sqlite3.DatabaseError as exc:
            return self._in_memory(f"cannot recreate vector cache {self.path} ({exc})")

    def get_many(self, model: str, dims: int, hashes: Sequence[str]) -> dict[str, Vectors]:
        """The cached vectors among ``hashes``; a wrongly sized entry counts as a miss."""
        import numpy as np  # only when vectors are asked for: a hook with nothing to embed

        found: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(hashes))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT hash, vector FROM vectors WHERE model = ? AND hash IN ({marks})"
            try:
                rows = self._connect().execute(query, (model, *chunk)).fetchall()
            except sqlite3.OperationalError as exc:  # e.g. locked past the timeout: a miss
                self._warnings.append(f"could not read vector cache {self.path}: {exc}")
                return found
            except sqlite3.DatabaseError as exc:
                self._db = self._rebuild(str(exc))
                return {}
            for digest, blob in rows:
                if len(blob) == dims * 4:
                    found[digest] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def has(self, model: str, dims: int, digest: str) -> bool:
        """Whether a vector of the right size is cached under ``digest`` (numpy not needed:
        a search asks before it starts the model, and numpy takes ~60 ms to import)."""
        query = "SELECT length(vector) FROM vectors WHERE model = ? AND hash = ?"
        try:
            row = self._connect().execute(query, (model, digest)).fetchone()
        except sqlite3.DatabaseError:
            return False  # get_many says what is wrong with the cache, where it matters
        return row is not None and row[0] == dims * 4

    def put_many(self, model: str, items: Iterable[tuple[str, Vectors]]) -> None:
        import numpy as np

        rows = [(model, digest, np.asarray(v, dtype=np.float32).tobytes()) for digest, v in items]
        if not rows:
            return
        db = self._connect()
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except sqlite3.OperationalError as exc:
            # A read-only or locked cache must not fail the scan: the vectors are in memory.
            self._warnings.append(f"could not write vector cache {self.path}: {exc}")
        except sqlite3.DatabaseError as exc:
            self._db = self._rebuild(str(exc))

    def count(self, model: str) -> int:
        row = (
            self._connect()
            .execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (model,))
            .fetchone()
        )
        return int(row[0])

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
