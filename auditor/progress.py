"""A minimal progress bar on stderr, shown only for long work on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Draws ``label [#####.....] done/total`` at most ten times a second; silent when disabled."""

    def __init__(self, label: str, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self._stream = stream or sys.stderr
        self._label = label
        self._total = total
        self._done = 0
        self._last = 0.0
        self._enabled = enabled and total > 0 and self._stream.isatty()
        self._drawn = False

    def advance(self, count: int) -> None:
        self._done += count
        now = time.monotonic()
        if self._enabled and (now - self._last > 0.1 or self._done >= self._total):
            self._last = now
            width = 30
            filled = int(width * min(self._done, self._total) / self._total)
            bar = "#" * filled + "." * (width - filled)
            self._stream.write(f"\r{self._label} [{bar}] {self._done}/{self._total}")
            self._stream.flush()
            self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
