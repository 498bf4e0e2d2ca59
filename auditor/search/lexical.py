"""Words for the lexical index: identifiers split on snake_case and camelCase.

``parseHTTPResponse`` and ``parse_http_response`` both index as ``parse http response`` (plus
the whole identifier), so a query in plain words meets code in either style. FTS5's porter
tokenizer then stems both sides ("pools" meets ``pool``). A Python function's docstring is a
column of its own: it says in words what the code does, and BM25 weighs it above the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from auditor.model import CodeUnit
from auditor.search.abbreviations import groups

# BM25 weights of the FTS columns (fts_columns): a unit's qualified name and path, its
# docstring, its code. bench/search.py's tuning half, English: lexical Top-1 0.221 with the
# docstring left in the code, 0.302 with (4, 3, 1) (2 to 6 for the first two tried).
COLUMN_WEIGHTS = (4.0, 3.0, 1.0)

STEM = 5  # letters of a word that decide whether query and code use the same word
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PART = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")

# A Python def/class header (to the colon that ends it), then its first statement: a string.
_DOCSTRING = re.compile(
    r"(?:[ \t]*@[^\n]*\n)*[^\n]*?\b(?:def|class)\b.*?:[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n)*"
    r"[ \t]*[rRuU]?(\"\"\"|\'\'\'|\"|\')(.*?)\1",
    re.S,
)

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


def docstring(text: str, language: str) -> str:
    """The docstring of a Python function or class ``text`` ("" for other code)."""
    if language != "python":
        return ""
    found = _DOCSTRING.match(text)
    return found.group(2).strip() if found else ""


def fts_columns(unit: CodeUnit, path_words: str, body: Sequence[str]) -> tuple[str, str, str]:
    """The FTS row of ``unit``: name (its qualified name's and path's words), doc, body.

    ``body`` is ``words(unit.text)``; a docstring's words move from it to their own column.
    """
    name = f"{' '.join(words(unit.qualname))} {path_words}"
    doc = docstring(unit.text, unit.language) if unit.kind != "module" else ""
    if not doc:
        return name, "", " ".join(body)
    return name, " ".join(words(doc)), " ".join(words(unit.text.replace(doc, " ", 1)))


def stems(found: Iterable[str]) -> set[str]:
    """Crude stems of ``found`` words: enough to compare vocabularies.

    A word's first STEM letters, after a plural "s" ("pools" is "pool"; "class" stays): a
    short word is shorter than STEM, so its plural would not meet it otherwise.
    bench/search.py's tuning half: hybrid MRR@10 0.418 -> 0.422.
    """
    return {_singular(w)[:STEM] for w in found}


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _alternatives() -> dict[str, frozenset[str]]:
    """Each abbreviation group's stems, under each of its members' stems."""
    by_stem: dict[str, frozenset[str]] = {}
    for group in groups():
        group_stems = frozenset(stems(group))
        for stem in group_stems:
            by_stem[stem] = by_stem.get(stem, frozenset()) | group_stems
    return by_stem


# bench/search.py's tuning half, English: hybrid Top-1 0.430 -> 0.453, MRR@10 0.533 -> 0.543
# with the groups in coverage; searching BM25 for them too gave the same hybrid figures and
# cost lexical mode Top-1 0.302 -> 0.267, so the lexical query keeps the query's own words.
_STEM_GROUPS = _alternatives()


def query_stems(query: str) -> list[frozenset[str]]:
    """Per word of ``query`` (stop words aside), its stem and its abbreviations' stems."""
    found = stems(w for w in words(query) if w not in STOP_WORDS)
    return [_STEM_GROUPS.get(stem, frozenset({stem})) for stem in sorted(found)]


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: any of the query's words (quoted), or "" when none is left."""
    terms = [w for w in dict.fromkeys(words(query)) if w not in STOP_WORDS]
    return " OR ".join(f'"{t}"' for t in terms)
