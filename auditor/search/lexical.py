"""Words for the lexical index: identifiers split on snake_case and camelCase.

``parseHTTPResponse`` and ``parse_http_response`` both index as ``parse http response`` (plus
the whole identifier), so a query in plain words meets code in either style. FTS5's porter
tokenizer then stems both sides ("pools" meets ``pool``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

STEM = 5  # letters of a word that decide whether query and code use the same word
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# Words that carry no meaning in a question about code; left out of lexical queries only.
_STOP = """a an and are as at be by can do does for from has have how i if in into is it its of on
    or our that the their them then there these this to was we what when where which who why
    will with you your all any find show code function functions method methods"""
STOP_WORDS = frozenset(_STOP.split())


def words(text: str) -> list[str]:
    """The lower-case words of ``text``: each identifier's parts, and the identifier itself."""
    out: list[str] = []
    for identifier in _IDENTIFIER.findall(text):
        parts = [p.lower() for chunk in identifier.split("_") for p in _PART.findall(chunk)]
        if len(parts) > 1:
            out.append(identifier.lower().strip("_"))
        out += parts
    return out


def stems(found: Iterable[str]) -> set[str]:
    """Crude stems of ``found`` words (their first STEM letters): enough to compare vocabularies."""
    return {w[:STEM] for w in found}


def query_stems(query: str) -> set[str]:
    return stems(w for w in words(query) if w not in STOP_WORDS)


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: any of the query's words (quoted), or "" when none is left."""
    terms = [w for w in dict.fromkeys(words(query)) if w not in STOP_WORDS]
    return " OR ".join(f'"{t}"' for t in terms)
