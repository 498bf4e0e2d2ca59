"""Structural patterns: ast-grep rules matched on the syntax tree of a unit.

A pattern reads like the code it finds (``$CUR.execute($SQL)``, ``requests.$M($$$, verify=False)``)
and is matched on the parse, so quoting, line breaks, comments and string contents are what they
are: a pattern never matches inside a string literal or a comment. Rules may use the whole
ast-grep rule language (``kind``, ``inside``, ``has``, ``not``, ``any``, ``all``, ``regex`` on one
node's text). ``focus`` names the metavariable that a sink's data must not reach.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any

from ast_grep_py import SgRoot

from auditor.analysis.languages import SG_LANGUAGES
from auditor.analysis.prefilter import may_match
from auditor.model import AuditorError

Node = Any
# PHP units cut out of a file lack the opening tag the grammar needs; the prefix stays on line 0.
_PHP_PREFIX = "<?php "
# A JavaScript/TypeScript class method cut out of its class does not parse on its own
# (`async find(@Query() q) {...}` reads as a call and a block, its parameters lost): such a
# unit is parsed inside a class opened on line 0, so lines stay the same.
_CLASS_PREFIX = "class __unit { "
_MEMBER_HEAD = re.compile(
    r"\s*(?:@[\w.$]+(?:\([^)]*\))?\s*)*"
    r"(?:(?:public|private|protected|static|async|readonly|override|abstract|get|set)\s+)*"
    r"\*?\s*[\w$#]+\s*(?:<[^>]*>)?\s*\("
)
_CLASS_MEMBERS = frozenset({"javascript", "typescript", "tsx"})
_OWN_KEYS = ("focus", "label", "constraints", "analyzer")  # auditor's, not ast-grep's
ANALYZERS = ("credential",)  # see analysis/analyzers.py
RULE_KEYS = frozenset(
    {"pattern", "kind", "regex", "inside", "has", "not", "any", "all",
     "follows", "precedes", "nthChild", "matches", "stopBy", "field"}
)  # fmt: skip


@dataclass(frozen=True)
class StructPattern:
    """One ast-grep rule (kept as JSON so the pattern is hashable), and its focus."""

    rule: str
    focus: str = ""
    label: str = ""  # a short name for messages; defaults to the pattern text
    constraints: str = ""  # JSON: ast-grep constraints on metavariables
    analyzer: str = ""  # a check on what the match holds (analysis/analyzers.py)

    @classmethod
    def create(cls, value: object, where: str) -> StructPattern:
        if isinstance(value, str):
            return cls(json.dumps(_optional_rest({"pattern": value})), label=_label(value))
        if not isinstance(value, dict):
            raise AuditorError(f"{where}: expected a pattern string or a mapping, got {value!r}")
        body = {k: v for k, v in value.items() if k not in _OWN_KEYS}
        body = _optional_rest(body)
        unknown = set(body) - RULE_KEYS
        if unknown:
            raise AuditorError(
                f"{where}: unknown key {sorted(unknown)[0]!r} (allowed: "
                f"{', '.join(_OWN_KEYS)}, {', '.join(sorted(RULE_KEYS))})"
            )
        if not body:
            raise AuditorError(f"{where}: a pattern needs at least one of 'pattern', 'kind', ...")
        focus = value.get("focus", "")
        if not isinstance(focus, str):
            raise AuditorError(f"{where}.focus: expected a metavariable name such as SQL")
        # an `any:`/`all:` rule has neither: the matched code itself then names the sink
        named = body.get("pattern") or body.get("kind") or ""
        label = str(value.get("label") or _label(str(named)))
        constraints = json.dumps(value["constraints"]) if "constraints" in value else ""
        analyzer = value.get("analyzer", "")
        if analyzer and analyzer not in ANALYZERS:
            raise AuditorError(
                f"{where}.analyzer: expected one of {', '.join(ANALYZERS)}, got {analyzer!r}"
            )
        return cls(
            json.dumps(body, sort_keys=True), focus.lstrip("$"), label, constraints, analyzer
        )

    def config(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": json.loads(self.rule)}
        if self.constraints:
            out["constraints"] = json.loads(self.constraints)
        return out


_REST = re.compile(r", \$\$\$(?=[)\]])|(?<=[(\[])\$\$\$, ")


def _optional_rest(rule: dict[str, Any]) -> dict[str, Any]:
    """``f($A, $$$)`` also matches ``f(a)``: ast-grep reads the comma literally, so the pattern
    would need a second argument. The rule gets the variants without the comma as alternatives.
    """
    pattern = rule.get("pattern")
    if not isinstance(pattern, str) or "$$$" not in pattern:
        return rule
    spots = [m.span() for m in _REST.finditer(pattern)][:4]
    variants: list[str] = []
    for keep in itertools.product((True, False), repeat=len(spots)):
        text, last = "", 0
        for (start, end), kept in zip(spots, keep, strict=True):
            text += pattern[last:start] + (pattern[start:end] if kept else "")
            last = end
        text += pattern[last:]
        if text not in variants:
            variants.append(text)
    if len(variants) == 1:
        return rule
    rest = {k: v for k, v in rule.items() if k != "pattern"}
    return {"any": [{"pattern": v} for v in variants], **rest}


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 50 else text[:47] + "..."


@functools.lru_cache(maxsize=64)
def _parse(sg_language: str, text: str) -> SgRoot:
    if sg_language == "php" and not text.lstrip().startswith("<?"):
        text = _PHP_PREFIX + text
    parsed = SgRoot(text, sg_language)
    if (
        sg_language in _CLASS_MEMBERS
        and _MEMBER_HEAD.match(text)
        and parsed.root().find(kind="ERROR") is not None
    ):
        member = SgRoot(_CLASS_PREFIX + text + "\n}", sg_language)
        if member.root().find(kind="ERROR") is None:
            return member
    return parsed


def root(language: str, text: str) -> Node | None:
    """The syntax tree of ``text`` (parsed once per text, shared by every rule)."""
    sg_language = SG_LANGUAGES.get(language)
    if sg_language is None:
        return None
    return _parse(sg_language, text).root()


_CLASS_LANGUAGES = frozenset({"javascript", "typescript", "tsx"})
_CLASS_OPEN = "class __Unit { "  # on the method's first line: every line keeps its number


def unit_root(language: str, text: str) -> Node | None:
    """The tree the data-flow engine walks: ``root``, except that a JavaScript or TypeScript
    class method cut out on its own (``@Get() welcome(@Query('team') team) {...}``), which
    does not parse outside its class, is parsed inside one. Lines are unchanged; byte offsets
    on the first line are not, so this tree is not for mapping matches back to the text."""
    tree = root(language, text)
    if tree is None or language not in _CLASS_LANGUAGES or not _top_error(tree):
        return tree
    wrapped = root(language, _CLASS_OPEN + text + "\n}")
    return wrapped if wrapped is not None and not _top_error(wrapped) else tree


def _top_error(tree: Node) -> bool:
    return any(child.kind() == "ERROR" for child in tree.children())


def find(tree: Node, pattern: StructPattern, text: str = "") -> list[Node]:
    """The matches of ``pattern`` in ``tree``; none where the grammar cannot express it.

    With the unit's ``text``, a pattern whose every alternative names a word the text lacks
    (``os.system($C)`` in a unit without "system") is not run: most units match no pattern,
    and the word test is far cheaper than a tree search.
    JavaScript evidence also serves TypeScript, whose grammar has no JSX node kinds: a pattern
    that names one matches nothing there (``rules test`` checks each in its own language).
    """
    if text and not may_match(pattern.rule, text, pattern.constraints):
        return []
    config: Any = pattern.config()
    try:
        return list(tree.find_all(config))
    except RuntimeError:
        return []


@functools.lru_cache(maxsize=1024)
def combined(rules: tuple[str, ...]) -> StructPattern:
    """One rule matching wherever any of ``rules`` would: one tree search tells whether any
    of them can match at all (most units match none)."""
    return StructPattern(json.dumps({"any": [json.loads(rule) for rule in rules]}))


def any_match(tree: Node, rules: tuple[str, ...], text: str) -> bool:
    """Whether any of ``rules`` (ast-grep rules as JSON, no constraints) matches in ``tree``."""
    live = tuple(rule for rule in rules if may_match(rule, text))
    if not live:
        return False
    return bool(find(tree, combined(live)))


def focus_nodes(match: Node, pattern: StructPattern) -> list[Node]:
    """The nodes a sink's data must not reach: the focus metavariable's, or the whole match."""
    if not pattern.focus:
        return [match]
    single = match.get_match(pattern.focus)
    if single is not None:
        return [single]
    return [n for n in match.get_multiple_matches(pattern.focus) if n.is_named()]


def check(language: str, pattern: StructPattern) -> None:
    """Compile ``pattern`` for ``language``: AuditorError with ast-grep's message if invalid."""
    sg_language = SG_LANGUAGES.get(language)
    if sg_language is None:
        raise AuditorError(f"no structural patterns for language {language!r}")
    try:
        config: Any = pattern.config()
        SgRoot("", sg_language).root().find_all(config)
    except Exception as exc:  # ast-grep raises plain RuntimeError/ValueError with its reason
        raise AuditorError(f"invalid pattern for {language}: {exc}") from None
