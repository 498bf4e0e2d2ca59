"""A function's summary: what the search index embeds beside its code.

The built-in model was trained on sentences, and a code window reaches it as identifiers cut
into word pieces and truncated at 256 tokens. A function's qualified name, its
parameters and its docstring's first paragraph, written as words, read to it like the
descriptions people type: ``HTTPResponse._read_status(self)`` becomes "http response, read
status. Read and parse the status line". The summary is one more vector of the unit, and the
unit scores its best vector (bench/search.py: semantic and hybrid Top-1 rise on both halves of
the labeled queries; see README). The file's path is left out (it is in the lexical index's
name column), so a renamed file keeps its summaries' vectors as it keeps its code's.
"""

from __future__ import annotations

import re

from auditor.model import CodeUnit
from auditor.search.lexical import docstring, words

# A Python def's parameter list (to the parenthesis that closes it before the colon).
_PARAMETERS = re.compile(r"\bdef\s+\w+\s*\((.*?)\)\s*(?:->[^:]*)?:", re.S)
_RECEIVERS = frozenset({"self", "cls"})


def _phrase(identifier: str) -> str:
    """An identifier's parts as words: ``_read_status`` -> "read status"."""
    found = words(identifier)  # the whole identifier first when it has several parts
    return " ".join(found[1:] if len(found) > 1 else found)


def _parts(text: str) -> list[str]:
    """The parts of every identifier in ``text`` (not the identifiers themselves)."""
    return [p for name in re.findall(r"\w+", text) for p in _phrase(name).split() if p]


def summary(unit: CodeUnit) -> str | None:
    """The summary of a function or method, or None for module-level code."""
    if unit.kind == "module":
        return None
    name = ", ".join(_phrase(part) or part for part in unit.qualname.split("."))
    text = name
    if unit.language == "python":
        found = _PARAMETERS.search(unit.text)
        parameters = [p for p in _parts(found.group(1)) if p not in _RECEIVERS] if found else []
        if parameters:
            text += f" ({' '.join(parameters)})"
        doc = docstring(unit.text, unit.language).split("\n\n")[0].strip()
        if doc:
            text += f". {' '.join(doc.split())}"
    return text
