"""Evidence induced from a rule's examples: the structure every violating example shares, and what
sets the safe ones apart.

For one language, each candidate anchor kind (a call, a keyword argument, a string, an ``except``
clause, an ``assert``, an assignment) is tried: one anchor per violating example (the one most
like the first example's), generalized to a skeleton (``requests.get($$$)``; callees, names and
values that differ become alternatives or a common prefix). Then, while a safe example still
matches, the one feature that rejects the most safe matches is added: one all violating anchors
share and the safe one lacks (``shell=True``), or one the safe one has and no violating anchor
has (``timeout=...``, ``Loader=...SafeLoader``, inside ``shlex.quote(...)``, a different callee
is already the skeleton). Where no anchor-level feature separates them, a call only the safe
units make becomes an ``unless``. Every candidate is checked with the real matcher on every
example; of those that confirm all violating and no safe example, the simplest wins (fewest
alternatives and parts), ties by anchor kind then source order. Deterministic: no randomness,
no ordering by hash.

The result is the dict a person would write under ``evidence.<language>``, so the rule loader
reads it like written evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.analysis import patterns
from auditor.analysis.anchors import (
    CATEGORIES,
    SYNTAX,
    Anchor,
    Rule,
    Syntax,
    anchors,
    describe,
    exact,
    short,
)
from auditor.analysis.patterns import Node, StructPattern

_MAX_SEEDS = 16
_MAX_PARTS = 5


@dataclass(frozen=True)
class Induced:
    """What induction found for one language: evidence, or why there is none."""

    language: str
    evidence: dict[str, Any] | None  # {"match": [{"pattern": ...}], "unless": [...]}
    parts: tuple[str, ...] = ()  # labels: the skeleton, then each added part
    problem: str = ""  # when evidence is None: which examples conflict, what would decide
    base: str = ""  # JSON: the skeleton alone, for telling which part rejected a safe example
    checks: tuple[tuple[str, str], ...] = ()  # (label, JSON rule) of each part on the anchor


@dataclass
class _Candidate:
    category: str
    group: list[Anchor]
    base: Rule
    label: str
    cost: int
    added: list[tuple[str, Rule, str]]  # (sign, rule, label)
    unless: list[tuple[Rule, str]]
    left: list[tuple[int, Node]]  # safe matches nothing could reject

    def rule(self) -> Rule:
        parts = [r if sign == "+" else {"not": r} for sign, r, _ in self.added]
        if len(parts) == 1 and "not" in parts[0] and "not" not in self.base:
            return {**self.base, **parts[0]}  # as a person writes it: `not: {...}`
        return {**self.base, "all": parts} if parts else dict(self.base)

    def evidence(self) -> dict[str, Any]:
        body: dict[str, Any] = {"match": [{"pattern": self.rule()}]}
        if self.unless:
            body["unless"] = [{"pattern": rule} for rule, _ in self.unless]
        return body

    def explained(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        labels = self.labels()[1:]
        rules = [r if sign == "+" else {"not": r} for sign, r, _ in self.added]
        return json.dumps(self.base), tuple(
            (label, json.dumps(rule)) for label, rule in zip(labels, rules, strict=False)
        )

    def labels(self) -> tuple[str, ...]:
        words = [f"{'' if s == '+' else 'not '}{label}" for s, _, label in self.added]
        return (self.label, *words, *(f"unless {label}" for _, label in self.unless))


def supported(language: str) -> bool:
    return language in SYNTAX


def induce(
    language: str,
    violating: Sequence[str],
    safe: Sequence[str],
    confirms: Callable[[dict[str, Any], str], bool] | None = None,
) -> Induced:
    """Evidence for ``language`` from the examples' code. ``confirms(evidence, code)`` is the
    real confirmation stage (the rule loader's, through evidence.confirm_evidence); without it
    only the structural matcher checks candidates."""
    syntax = SYNTAX.get(language)
    if syntax is None:
        return Induced(language, None, problem=f"no induction for {language} yet; write evidence")
    if not violating:
        return Induced(language, None, problem="no violating example to learn from")
    vio_trees = [_tree(language, code) for code in violating]
    safe_trees = [_tree(language, code) for code in safe]
    found = [anchors(syntax, tree) for tree in vio_trees]
    candidates: list[_Candidate] = []
    for category in CATEGORIES:
        if not all(per[category] for per in found):
            continue
        seen: set[tuple[str, ...]] = set()
        for seed in found[0][category][:_MAX_SEEDS]:
            group = [seed] + [_closest(seed, per[category]) for per in found[1:]]
            if tuple(a.main for a in group) in seen:
                continue
            seen.add(tuple(a.main for a in group))
            candidate = _build(syntax, category, group, safe_trees, vio_trees)
            if candidate is not None:
                candidates.append(candidate)
    good = [c for c in candidates if not c.left and _checks(c, language, violating, safe, confirms)]
    if good:
        best = min(good, key=lambda c: c.cost + len(c.added) + 2 * len(c.unless))
        return Induced(language, best.evidence(), best.labels(), "", *best.explained())
    return Induced(language, None, problem=_conflict(found, candidates))


def _tree(language: str, code: str) -> Node:
    tree = patterns.root(language, code)
    assert tree is not None  # SYNTAX only names languages ast-grep parses
    return tree


def _closest(seed: Anchor, others: list[Anchor]) -> Anchor:
    def similarity(other: Anchor) -> tuple[int, int]:
        same = 4 if other.main == seed.main else 0
        tail = 2 if other.main.rsplit(".", 1)[-1] == seed.main.rsplit(".", 1)[-1] else 0
        head = 1 if other.main.split(".", 1)[0] == seed.main.split(".", 1)[0] else 0
        shared = len(seed.features.keys() & other.features.keys())
        return (same + tail + head, shared)

    best = max(similarity(o) for o in others)
    return next(o for o in others if similarity(o) == best)  # the first of the best


def _build(
    syntax: Syntax,
    category: str,
    group: list[Anchor],
    safe_trees: list[Node],
    vio_trees: list[Node],
) -> _Candidate | None:
    skeleton = _skeleton(syntax, category, group)
    if skeleton is None:
        return None
    base, label, cost = skeleton
    candidate = _Candidate(category, group, base, label, cost, [], [], [])
    shared = set.intersection(*(set(a.features) for a in group))
    present = set().union(*(a.features for a in group))
    rules = {k: v for a in reversed(group) for k, v in a.features.items()}
    for _ in range(_MAX_PARTS):
        hits = _hits(candidate.rule(), safe_trees)
        if not hits:
            break
        votes: dict[tuple[str, str], int] = {}
        for _index, node in hits:
            have = describe(syntax, category, node, "").features
            for key in sorted(shared - have.keys()):
                votes[("+", key)] = votes.get(("+", key), 0) + 1
            for key in sorted(have.keys() - present):
                votes[("-", key)] = votes.get(("-", key), 0) + 1
                rules.setdefault(key, have[key])
        if not votes:
            candidate.left = hits
            break
        sign, key = max(votes, key=lambda v: (votes[v], v[0] == "+", -len(v[1]), v[1]))
        rule, text = rules[key]
        candidate.added.append((sign, rule, text))
        shared.discard(key)
        present.add(key)
    else:
        candidate.left = _hits(candidate.rule(), safe_trees)
    if candidate.left:
        _unless(syntax, candidate, safe_trees, vio_trees)
    if any(not _hits(candidate.rule(), [tree]) for tree in vio_trees):
        return None
    return candidate


def _unless(
    syntax: Syntax, candidate: _Candidate, safe_trees: list[Node], vio_trees: list[Node]
) -> None:
    """Safe units the anchor cannot reject: a call only they make becomes an ``unless``."""
    in_violating = {a.main for tree in vio_trees for a in anchors(syntax, tree)["call"]}
    while candidate.left and len(candidate.unless) < 3:
        counts: dict[str, int] = {}
        for index in sorted({i for i, _ in candidate.left}):
            calls = {a.main for a in anchors(syntax, safe_trees[index])["call"]}
            for callee in sorted(calls - in_violating):
                counts[callee] = counts.get(callee, 0) + 1
        if not counts:
            return
        callee = max(sorted(counts), key=lambda c: counts[c])
        rule = {"kind": syntax.call, "has": {"field": syntax.callee, "regex": exact(callee)}}
        candidate.unless.append((rule, f"{callee}(...) in the function"))
        in_violating.add(callee)
        candidate.left = [(i, n) for i, n in candidate.left if not _hits(rule, [safe_trees[i]])]


def _skeleton(syntax: Syntax, category: str, group: list[Anchor]) -> tuple[Rule, str, int] | None:
    """The rule every anchor of ``group`` matches, its label and its cost (alternatives)."""
    mains = list(dict.fromkeys(a.main for a in group))
    if category == "string":
        return _string(syntax, mains)
    if category == "call" and len(mains) == 1:
        return {"pattern": f"{mains[0]}($$$)"}, f"{mains[0]}(...)", 1
    named = {
        "call": (syntax.call, syntax.callee, "a call to {}", 0),
        "keyword": (syntax.keyword, syntax.keyword_name, "keyword {}=...", 0),
        "assignment": (syntax.assignment, "left", "assignment to {}", 1),
    }
    if category in named:
        kind, field, words, extra = named[category]
        regex, cost = _dotted(mains) if category == "call" else _names(mains)
        rule = {"kind": kind, "has": {"field": field, "regex": regex}}
        return rule, words.format(" or ".join(mains)), cost + extra
    kind = dict(syntax.statements)[category]
    return {"kind": kind}, kind.replace("_", " "), 2  # a bare statement kind: never first choice


def _dotted(texts: list[str]) -> tuple[str, int]:
    """Callees ``a.get``, ``b.post``: receivers times methods (a.post is as likely as a.get)."""
    split = [t.rsplit(".", 1) for t in texts]
    if all(len(s) == 2 for s in split):
        heads = list(dict.fromkeys(s[0] for s in split))
        tails = list(dict.fromkeys(s[1] for s in split))
        regex = f"^{_alternatives(heads)}\\.{_alternatives(tails)}$"
        return regex, len(heads) + len(tails)
    return f"^{_alternatives(texts)}$", len(texts) + 1


def _alternatives(words: list[str]) -> str:
    escaped = [re.escape(w) for w in words]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def _names(names: list[str]) -> tuple[str, int]:
    """One name, a shared word (``db_password``, ``PASSWORD``: ``(?i)password``), or the list."""
    if len(names) == 1:
        return exact(names[0]), 1
    common = _common_substring([n.lower() for n in names])
    if len(common.strip("_")) >= 4:
        return "(?i)" + re.escape(common.strip("_")), 2
    return f"^{_alternatives(names)}$", len(names)


def _common_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), None)
    return first if size is None else first[:size]


def _common_substring(words: list[str]) -> str:
    first = min(words, key=len)
    for size in range(len(first), 0, -1):
        for start in range(len(first) - size + 1):
            piece = first[start : start + size]
            if all(piece in w for w in words):
                return piece
    return ""


def _string(syntax: Syntax, contents: list[str]) -> tuple[Rule, str, int] | None:
    quote = syntax.quote
    if len(contents) == 1:
        regex, label, cost = (
            f"^{quote}{re.escape(contents[0])}{syntax.close}$",
            f'"{contents[0]}"',
            1,
        )
    else:
        prefix = _common_prefix(contents)
        if len(prefix.strip()) < 3:
            return None
        regex, label, cost = f"^{quote}{re.escape(prefix)}", f'a string starting "{prefix}"', 2
    rule: Rule = {"any": [{"kind": kind} for kind in syntax.strings]}
    if len(syntax.strings) == 1:
        rule = {"kind": syntax.strings[0]}
    rule["regex"] = regex
    if syntax.docstring_parent:
        rule["not"] = {"inside": {"kind": syntax.docstring_parent}}
    return rule, label, cost


def _hits(rule: Rule, trees: list[Node]) -> list[tuple[int, Node]]:
    struct = StructPattern(json.dumps(rule, sort_keys=True))
    return [(i, node) for i, tree in enumerate(trees) for node in patterns.find(tree, struct)]


def _checks(
    candidate: _Candidate,
    language: str,
    violating: Sequence[str],
    safe: Sequence[str],
    confirms: Callable[[dict[str, Any], str], bool] | None,
) -> bool:
    if confirms is None:
        return True
    evidence = candidate.evidence()
    return all(confirms(evidence, code) for code in violating) and not any(
        confirms(evidence, code) for code in safe
    )


def _conflict(found: list[dict[str, list[Anchor]]], candidates: list[_Candidate]) -> str:
    """Which examples conflict, and what extra example would decide."""
    if not candidates:
        lonely = [
            i
            for i, per in enumerate(found)
            if i and not any(per[c] and found[0][c] for c in CATEGORIES)
        ]
        which = f"violating[{lonely[0]}]" if lonely else "the violating examples"
        return (
            f"{which} share no call, keyword argument or string with violating[0]; split the rule "
            "in two, or add violating examples that show the common call"
        )
    best = min(candidates, key=lambda c: (len({i for i, _ in c.left}), c.cost))
    index, node = best.left[0]
    twin = next((a for a in best.group if a.text == short(node.text())), best.group[0])
    vio = best.group.index(twin)
    same = "the same code" if twin.text == short(node.text()) else "nothing the examples tell apart"
    return (
        f"safe[{index}] `{short(node.text())}` and violating[{vio}] `{twin.text}` have {same} "
        f"at {best.label}; add a safe example that differs from violating[{vio}] only in what "
        "makes it safe (a keyword argument, a wrapping call, another callee), or relabel one"
    )
