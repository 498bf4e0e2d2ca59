"""The one exception a user sees: its own module, so the command line can catch it without
importing the value types (the parser of `auditor --help` loads next to nothing)."""

from __future__ import annotations


class AuditorError(Exception):
    """An error the user can fix. The CLI prints its message on one line and exits 2."""
