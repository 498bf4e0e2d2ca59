"""What a unit's text must contain for an ast-grep rule to match anywhere in it.

A tree search costs about 0.5 ms on a long function whatever it finds, and nearly every unit
matches nearly no rule. So before searching, each rule is reduced to a necessary condition on
the unit's text, checked in microseconds:

- a ``pattern`` needs each of its words (``os.system($C)``: "os" and "system");
- a ``regex`` on one node needs the same regex to occur in the text, with its zero-width
  assertions (``^``, ``$``, ``\\b``, ``\\A``, ``\\z``) dropped: the node's text is part of the
  unit's text, and dropping an assertion can only widen what a regex matches;
- ``all`` (and the keys of one rule object, which ast-grep also joins by "and") needs every
  part; ``any`` needs one of its alternatives; ``has``, ``inside``, ``follows`` and ``precedes``
  need what their sub-rule needs (that node lies in the same tree, so in the same text);
- ``not``, ``kind``, ``nthChild``, ``matches`` and anything not understood need nothing.

Only ever a necessary condition: when it fails, the rule cannot match; when it holds, the tree
search decides. A regex that Python's engine does not read like ast-grep's (Rust) gives none.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

# The standard library's own regex parser (re._parser since 3.11), read for literal factors.
_sre: Any = importlib.import_module("re._parser")

Need = Callable[[str], bool]

_WORD = re.compile(r"(?<![$\w])[A-Za-z_]\w*")
_KEYWORDS = frozenset({"return", "new", "await", "const", "let", "var", "this", "self", "in",
                       "not", "and", "or", "is", "function", "async", "def", "lambda"})  # fmt: skip
_NESTED = ("has", "inside", "follows", "precedes")


def may_match(rule: str, text: str, constraints: str = "") -> bool:
    """False only when ``rule`` (ast-grep rule JSON) cannot match anywhere in ``text``.

    ``constraints`` (JSON: metavariable -> rule) count too: the text a metavariable matched is
    part of the unit's text, so what its rule needs the unit's text needs. Answers are kept for
    the text last asked about: the rules share their source and sink patterns, and a unit is
    judged by every rule in turn.
    """
    global _memo_text
    if text is not _memo_text:
        _memo.clear()
        _memo_text = text
    key = (rule, constraints)
    found = _memo.get(key)
    if found is None:
        found = _may_match(rule, text, constraints)
        _memo[key] = found
    return found


_memo: dict[tuple[str, str], bool] = {}
_memo_text: str | None = None


def _may_match(rule: str, text: str, constraints: str) -> bool:
    need = need_of(rule)
    if need is not None and not need(text):
        return False
    if constraints:
        more = need_of_constraints(constraints)
        return more is None or more(text)
    return True


# A necessary condition as plain data (tuples, strings, frozensets), so the rule-pack cache can
# pickle it: building one parses regexes, which a hook run would otherwise pay for each time.
#   ("w", words)              every word occurs
#   ("r", regex, factors)     one of the factors occurs (if known), then the regex matches
#   ("&", parts) / ("|", parts)
Tree = tuple[Any, ...]
_INSTALLED: dict[str, Tree | None] = {}


def install(trees: dict[str, Tree | None]) -> None:
    """Conditions built earlier (by ``trees_for``), kept with the pickled rule pack."""
    _INSTALLED.update(trees)


def trees_for(rules: Iterable[str]) -> dict[str, Tree | None]:
    """The conditions of these rule (or constraints) JSON strings, to be kept and installed."""
    return {rule: _tree_of(rule) for rule in rules}


def _tree_of(rule: str) -> Tree | None:
    if rule in _INSTALLED:
        return _INSTALLED[rule]
    body = json.loads(rule)
    if isinstance(body, dict) and "__constraints__" in body:
        parts = [t for t in (_tree(r) for r in body["__constraints__"].values()) if t is not None]
        return _joined("&", parts)
    return _tree(body)


def constraints_key(constraints: str) -> str:
    """How a constraints JSON is named among the trees (it is not a rule by itself)."""
    return json.dumps({"__constraints__": json.loads(constraints)}, sort_keys=True)


@functools.lru_cache(maxsize=1024)
def need_of_constraints(constraints: str) -> Need | None:
    return _compile(_tree_of(constraints_key(constraints)))


@functools.lru_cache(maxsize=4096)
def need_of(rule: str) -> Need | None:
    """The rule's necessary condition on a text; None when it needs nothing."""
    return _compile(_tree_of(rule))


def _joined(op: str, parts: list[Tree]) -> Tree | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else (op, tuple(parts))


def _tree(rule: Any) -> Tree | None:
    if not isinstance(rule, dict):
        return None
    parts: list[Tree] = []
    pattern = rule.get("pattern")
    if isinstance(pattern, str):
        words = frozenset(w for w in _WORD.findall(pattern) if w not in _KEYWORDS)
        if words:
            parts.append(("w", words))
    if isinstance(rule.get("regex"), str):
        stripped = _text_regex(rule["regex"])
        if stripped is not None:
            parts.append(("r", stripped, literal_factors(rule["regex"])))
    for key in _NESTED:
        inner = _tree(rule.get(key))
        if inner is not None:
            parts.append(inner)
    if isinstance(rule.get("all"), list):
        parts += [t for t in (_tree(r) for r in rule["all"]) if t is not None]
    if isinstance(rule.get("any"), list):
        alternatives = [_tree(r) for r in rule["any"]]
        if alternatives and all(a is not None for a in alternatives):
            either = _joined("|", [a for a in alternatives if a is not None])
            if either is not None:
                parts.append(either)
    return _joined("&", parts)


def _compile(tree: Tree | None) -> Need | None:
    if tree is None:
        return None
    op = tree[0]
    if op == "w":
        words = tree[1]
        return lambda text: all(w in text for w in words)
    if op == "r":
        return _regex_need(tree[1], tree[2])
    parts = [p for p in (_compile(t) for t in tree[1]) if p is not None]
    if op == "&":
        return lambda text: all(p(text) for p in parts)
    return lambda text: any(p(text) for p in parts)


def _regex_need(stripped: str, factors: frozenset[str] | None) -> Need:
    def need(text: str) -> bool:
        # One of the factors must occur: a substring test, far cheaper than the search, and
        # the regex is only compiled for a text that passes it.
        if factors is not None and not any(f in _lower(text) for f in factors):
            return False
        return _compiled(stripped).search(text) is not None

    return need


@functools.lru_cache(maxsize=1024)
def _compiled(source: str) -> re.Pattern[str]:
    return re.compile(source)


@functools.lru_cache(maxsize=8)
def _lower(text: str) -> str:
    return text.lower()


_ASSERTIONS = frozenset("bBAzZ")


@functools.lru_cache(maxsize=1024)
def _text_regex(source: str) -> str | None:
    """``source`` without its zero-width assertions; None when that is not safe."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(source):
        char = source[i]
        if char == "\\":
            if i + 1 >= len(source):
                return None
            escaped = source[i + 1]
            if not in_class and escaped in _ASSERTIONS:
                i += 2
                continue
            out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "[":
                return None  # a nested class (Rust set operations): not Python's syntax
            opening = bool(out) and out[-1] in ("[", "[^")
            in_class = char != "]" or opening  # `[]...]`: a first `]` is a member
            out.append(char)
        elif char == "[":
            in_class = True
            if source.startswith("[^", i):
                out.append("[^")
                i += 2
                continue
            out.append(char)
        elif char not in "^$":
            out.append(char)
        i += 1
    stripped = "".join(out)
    try:
        re.compile(stripped)
    except (re.error, FutureWarning):
        return None
    return stripped


# -- literal factors: strings one of which every match of a regex contains --------------------

_CAP = 32  # most strings an exact set may hold
_Sets = tuple[frozenset[str] | None, frozenset[str] | None]  # (every string it matches, factors)


def literal_factors(source: str) -> frozenset[str] | None:
    """Lowercase strings of which every match of ``source`` contains one; None if unknown.

    Read from the parse of Python's own regex engine (as RE2's and Hyperscan's prefilters do):
    ``^(hashlib\\.)?(md5|sha1)$`` gives {"md5", "sha1"}, ``(?i)pass(word|wd)`` {"password",
    "passwd"}. Lowercased, so one test on the lowercased text serves case-insensitive regexes.
    """
    try:
        parsed = _sre.parse(source)
    except (re.error, FutureWarning, RecursionError):
        return None
    whole, best = _sequence(list(parsed))
    found = _better(best, whole)
    if found is None or not all(f.isascii() for f in found):
        return None
    return frozenset(f.lower() for f in found)


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two factor sets (longest shortest member); an empty string or an
    empty set is no factor at all."""
    usable = [s for s in (a, b) if s and "" not in s]
    if not usable:
        return None
    # Four characters are selective enough; past that, fewer strings test faster.
    return max(usable, key=lambda s: (min(4, *(len(x) for x in s)), -len(s)))


def _product(a: frozenset[str] | None, b: frozenset[str]) -> frozenset[str] | None:
    if a is None or len(a) * len(b) > _CAP:
        return None
    return frozenset(x + y for x in a for y in b)


def _sequence(items: list[Any]) -> _Sets:
    run: frozenset[str] | None = frozenset({""})
    whole: frozenset[str] | None = frozenset({""})
    best: frozenset[str] | None = None
    for op, arg in items:
        exact, factor = _item(op, arg)
        best = _better(best, factor)
        if exact is None:
            best, run, whole = _better(best, run), frozenset({""}), None
            continue
        joined = _product(run, exact)
        if joined is None:  # too many combinations: keep what the run had, start again
            best, joined = _better(best, run), exact
        run, whole = joined, _product(whole, exact)
    return whole, _better(best, run)


def _item(op: Any, arg: Any) -> _Sets:
    name = str(op)
    if name == "LITERAL":
        return frozenset({chr(arg)}), None
    if name in ("AT", "ASSERT", "ASSERT_NOT"):
        return frozenset({""}), None  # zero width: ignoring it only widens the match
    if name == "IN":
        if len(arg) <= 8 and all(str(o) == "LITERAL" for o, _ in arg):
            return frozenset(chr(c) for _, c in arg), None
        return None, None
    if name == "SUBPATTERN":
        return _sequence(list(arg[-1]))
    if name == "BRANCH":
        branches = [_sequence(list(b)) for b in arg[1]]
        exacts = [e for e, _ in branches]
        exact: frozenset[str] | None = None
        if all(e is not None for e in exacts):
            union = frozenset().union(*(e for e in exacts if e is not None))
            exact = union if len(union) <= _CAP else None
        picks = [_better(f, e) for e, f in branches]
        factor = None
        if all(p is not None for p in picks):
            factor = frozenset().union(*(p for p in picks if p is not None))
        return exact, factor
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = arg
        exact, factor = _sequence(list(body))
        if low == 0:
            optional = exact | {""} if exact is not None and high == 1 else None
            return (frozenset(optional) if optional is not None else None), None
        return (exact if low == high == 1 else None), _better(factor, exact)
    return None, None
