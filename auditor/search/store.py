"""The persistent search index of one repository for one model: one SQLite file.

Kept under the cache directory (never in the work tree), named by the repository's path and
the model key, so two models never mix vectors. It holds what the last refresh saw of each
file (size, mtime, content digest), the file's units and their windows' vectors, and an FTS5
table of the units' split identifiers. SQLite in WAL mode lets searches read while another run
writes; writers take the lock for one short transaction at the end of a refresh. A file that
cannot be opened or read as an index is moved aside and rebuilt, with a warning.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from auditor.embed.base import Vectors
from auditor.model import AuditorError, CodeUnit
from auditor.search import snapshot
from auditor.search.filters import Filters
from auditor.search.lexical import COLUMN_WEIGHTS, fts_columns, stems, words

# 3: the FTS table has a docstring column; 4: function summaries; 5: plurals in terms' stems
FORMAT = "auditor-search/5"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS files ("
    " path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT)",
    "CREATE TABLE IF NOT EXISTS units ("
    " id INTEGER PRIMARY KEY, path TEXT NOT NULL, qualname TEXT, kind TEXT, language TEXT,"
    " start_line INTEGER, end_line INTEGER, hash TEXT, text TEXT, terms TEXT)",
    "CREATE INDEX IF NOT EXISTS units_path ON units (path)",
    "CREATE TABLE IF NOT EXISTS windows ("
    " id INTEGER PRIMARY KEY, unit_id INTEGER NOT NULL, start_line INTEGER, end_line INTEGER,"
    " vector BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS windows_unit ON windows (unit_id)",
    "CREATE TABLE IF NOT EXISTS summaries (unit_id INTEGER PRIMARY KEY, vector BLOB NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5("
    " name, doc, body, tokenize='porter unicode61')",
)


def index_path(cache_dir: Path, root: Path, model_key: str) -> Path:
    """Where the index of ``root`` for ``model_key`` lives."""
    resolved = str(root.resolve())
    digest = hashlib.sha256(resolved.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model_key)
    return cache_dir / "search" / f"{root.name}-{digest}" / f"{slug}.sqlite3"


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int
    digest: str


@dataclass(frozen=True)
class FileUnits:
    """A file's new content as the index keeps it: units, each with its windows' vectors and
    its summary's vector (search/summary.py; None for module-level code)."""

    path: str
    state: FileState
    units: tuple[tuple[CodeUnit, tuple[tuple[int, int], ...], Vectors, Vectors | None], ...]


@dataclass(frozen=True)
class UnitRow:
    id: int
    path: str
    qualname: str
    kind: str
    language: str
    start_line: int
    end_line: int
    text: str
    terms: str  # the unit's distinct word stems, space-separated (see rank.coverage)


class SearchIndex:
    def __init__(self, path: Path, model_key: str, warnings: list[str]) -> None:
        self.path = path
        self.model_key = model_key
        self._warnings = warnings
        self._db: sqlite3.Connection | None = None

    # --- opening, and rebuilding a damaged file ------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
                    raise AuditorError(
                        f"cannot open the search index {self.path}: {exc}; "
                        "set AUDITOR_CACHE_DIR to a writable directory"
                    ) from None
                self._db = self._rebuild(str(exc))
            except OSError as exc:
                raise AuditorError(
                    f"cannot create the search index in {self.path.parent}: {exc.strerror}; "
                    "set AUDITOR_CACHE_DIR to a writable directory"
                ) from None
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60.0, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if tables and "meta" not in tables:
                raise sqlite3.DatabaseError("not an auditor search index")
            for statement in _SCHEMA:
                db.execute(statement)
            with _immediate(db):
                db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
                db.execute("INSERT OR IGNORE INTO meta VALUES ('model', ?)", (self.model_key,))
                db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
            found = dict(db.execute("SELECT name, value FROM meta").fetchall())
            if found.get("format") != FORMAT or found.get("model") != self.model_key:
                raise sqlite3.DatabaseError(
                    f"format {found.get('format')!r} / model {found.get('model')!r}, "
                    f"expected {FORMAT!r} / {self.model_key!r}"
                )
            db.execute("SELECT COUNT(*) FROM fts").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _rebuild(self, reason: str) -> sqlite3.Connection:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        self._warnings.append(
            f"search index {self.path} is unreadable ({reason}); moved to {aside.name} and "
            "rebuilt (vectors come from the cache)"
        )
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        with contextlib.suppress(OSError):
            self.path.rename(aside)
        # The new file counts generations from 0 again: the old one's snapshots and graph must
        # not pass for the new one's when it reaches the same number.
        for stale in self.path.parent.glob(f"{glob.escape(self.path.name)}.g*"):
            with contextlib.suppress(OSError):
                stale.unlink()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                self.path.with_name(self.path.name + suffix).unlink()
        return self._open()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # --- reading --------------------------------------------------------------------------------

    def files(self) -> dict[str, FileState]:
        """What the last refresh saw of each file. A damaged index is rebuilt (and empty)."""
        query = "SELECT path, size, mtime_ns, digest FROM files"
        try:
            rows = self._connect().execute(query).fetchall()
        except sqlite3.DatabaseError as exc:
            self._db = self._rebuild(str(exc))
            rows = []
        return {path: FileState(size, mtime, digest) for path, size, mtime, digest in rows}

    def generation(self) -> int:
        row = self._connect().execute("SELECT value FROM meta WHERE name='generation'").fetchone()
        return int(row[0]) if row else 0

    def vectors(self, summaries: bool = True) -> tuple[int, np.ndarray, Vectors]:
        """The generation, and every window's (and summary's) unit id and vector, by unit id.

        A unit's vectors are adjacent. Read in one transaction, so the generation is the
        one the vectors belong to; kept as two .npy files per generation beside the index,
        which later runs memory-map instead of reading every row again.
        """
        db = self._connect()
        variant = "all" if summaries else "code"
        query = "SELECT unit_id, vector FROM windows"
        if summaries:
            query += " UNION ALL SELECT unit_id, vector FROM summaries"
        db.execute("BEGIN")
        try:
            generation = self.generation()
            found = snapshot.load(self.path, generation, variant)
            if found is not None:
                return generation, *found
            rows = db.execute(f"{query} ORDER BY unit_id").fetchall()
        finally:
            db.execute("COMMIT")
        if not rows:
            return generation, np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        matrix = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32)
        matrix = matrix.reshape(len(rows), -1)
        snapshot.save(self.path, generation, variant, ids, matrix)
        return generation, ids, matrix

    def allowed(self, filters: Filters) -> set[int]:
        where, params = filters.where()
        query = f"SELECT u.id FROM units u WHERE {where}"
        return {r[0] for r in self._connect().execute(query, params)}

    def lexical(self, expression: str, limit: int, filters: Filters) -> list[tuple[int, float]]:
        """(unit id, BM25 score, higher is better) of the best matches, best first."""
        if not expression:
            return []
        where, params = filters.where()
        query = (
            f"SELECT f.rowid, -bm25(fts, {', '.join(map(str, COLUMN_WEIGHTS))}) AS s"
            " FROM fts f JOIN units u ON u.id = f.rowid"
            f" WHERE fts MATCH ? AND {where} ORDER BY s DESC LIMIT ?"
        )
        rows = self._connect().execute(query, [expression, *params, limit]).fetchall()
        return [(int(r[0]), float(r[1])) for r in rows]

    def units(self, ids: Sequence[int]) -> dict[int, UnitRow]:
        out: dict[int, UnitRow] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            query = (
                "SELECT id, path, qualname, kind, language, start_line, end_line, text, terms"
                f" FROM units WHERE id IN ({marks})"
            )
            for row in self._connect().execute(query, chunk):
                out[row[0]] = UnitRow(*row)
        return out

    def windows_of(self, unit_id: int) -> list[tuple[int, int, Vectors]]:
        query = "SELECT start_line, end_line, vector FROM windows WHERE unit_id = ? ORDER BY id"
        return [
            (start, end, np.frombuffer(blob, dtype=np.float32))
            for start, end, blob in self._connect().execute(query, (unit_id,))
        ]

    def stats(self) -> dict[str, object]:
        db = self._connect()

        def one(query: str) -> int:
            return int(db.execute(query).fetchone()[0] or 0)

        languages = dict(
            db.execute("SELECT language, COUNT(*) FROM units GROUP BY language ORDER BY 2 DESC")
        )
        size = sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
            if p.exists()
        )
        refreshed = db.execute("SELECT value FROM meta WHERE name='refreshed'").fetchone()
        return {
            "index": str(self.path),
            "model": self.model_key,
            "files": one("SELECT COUNT(*) FROM files"),
            "files_with_units": one("SELECT COUNT(DISTINCT path) FROM units"),
            "units": one("SELECT COUNT(*) FROM units"),
            "windows": one("SELECT COUNT(*) FROM windows"),
            "summaries": one("SELECT COUNT(*) FROM summaries"),
            "languages": languages,
            "bytes": size,
            "generation": self.generation(),
            "refreshed": refreshed[0] if refreshed else None,
        }

    # --- writing --------------------------------------------------------------------------------

    def apply(
        self,
        changed: Sequence[FileUnits],
        touched: Sequence[tuple[str, FileState]],
        removed: Sequence[str],
    ) -> int:
        """Replace changed files' units, record new stat data, drop removed files.

        One transaction. A file another run has already brought to the same digest is left
        alone, so two refreshes racing each other write each change once. Returns the number
        of files whose units were written (removed files not counted).
        """
        db = self._connect()
        written = 0
        with _immediate(db):
            current = dict(db.execute("SELECT path, digest FROM files").fetchall())
            dropped = [p for p in removed if p in current]
            for path in dropped:
                self._drop(db, path)
            for entry in changed:
                if current.get(entry.path) == entry.state.digest:
                    continue
                self._drop(db, entry.path)
                self._insert(db, entry)
                written += 1
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                [(p, s.size, s.mtime_ns, s.digest) for p, s in touched],
            )
            if written or dropped:
                db.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE name='generation'"
                )
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            db.execute("INSERT OR REPLACE INTO meta VALUES ('refreshed', ?)", (stamp,))
        return written

    @staticmethod
    def _drop(db: sqlite3.Connection, path: str) -> None:
        ids = [r[0] for r in db.execute("SELECT id FROM units WHERE path = ?", (path,))]
        db.executemany("DELETE FROM windows WHERE unit_id = ?", [(i,) for i in ids])
        db.executemany("DELETE FROM summaries WHERE unit_id = ?", [(i,) for i in ids])
        db.executemany("DELETE FROM fts WHERE rowid = ?", [(i,) for i in ids])
        db.execute("DELETE FROM units WHERE path = ?", (path,))
        db.execute("DELETE FROM files WHERE path = ?", (path,))

    @staticmethod
    def _insert(db: sqlite3.Connection, entry: FileUnits) -> None:
        state = entry.state
        db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
            (entry.path, state.size, state.mtime_ns, state.digest),
        )
        path_words = " ".join(words(entry.path))
        for unit, spans, vectors, summary in entry.units:
            body = words(unit.text)
            cursor = db.execute(
                "INSERT INTO units (path, qualname, kind, language, start_line, end_line, hash,"
                " text, terms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    unit.path,
                    unit.qualname,
                    unit.kind,
                    unit.language,
                    unit.start_line,
                    unit.end_line,
                    unit.content_hash,
                    unit.text,
                    " ".join(sorted(stems(body))),
                ),
            )
            unit_id = cursor.lastrowid
            db.executemany(
                "INSERT INTO windows (unit_id, start_line, end_line, vector) VALUES (?, ?, ?, ?)",
                [
                    (unit_id, start, end, np.asarray(vector, dtype=np.float32).tobytes())
                    for (start, end), vector in zip(spans, vectors, strict=True)
                ],
            )
            if summary is not None:
                db.execute(
                    "INSERT INTO summaries VALUES (?, ?)",
                    (unit_id, np.asarray(summary, dtype=np.float32).tobytes()),
                )
            db.execute(
                "INSERT INTO fts (rowid, name, doc, body) VALUES (?, ?, ?, ?)",
                (unit_id, *fts_columns(unit, path_words, body)),
            )


@contextlib.contextmanager
def _immediate(db: sqlite3.Connection) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
