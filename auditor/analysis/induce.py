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

import dataclasses
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from auditor.analysis import patterns
from auditor.analysis.analyzers import holds_credential
from auditor.analysis.anchors import (
    CATEGORIES,
    SYNTAX,
    Anchor,
    Rule,
    Syntax,
    anchors,
    context_name,
    describe,
    exact,
    named_rule,
    short,
)
from auditor.analysis.generalize import (
    alternatives,
    common_prefix,
    covering,
    shared_words,
    skeleton_of,
)
from auditor.analysis.patterns import Node, StructPattern

_MAX_SEEDS = 16
_MAX_GROUPS = 8  # per seed: the two closest anchors of each other example, combined
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
    keys: list[str] = dataclasses.field(default_factory=list)  # of the added parts
    analyzer: str = ""  # a check on what the anchor holds (analysis/analyzers.py)

    def rule(self) -> Rule:
        parts = [r if sign == "+" else {"not": r} for sign, r, _ in self.added]
        if len(parts) == 1 and "not" in parts[0] and "not" not in self.base:
            return {**self.base, **parts[0]}  # as a person writes it: `not: {...}`
        return {**self.base, "all": parts} if parts else dict(self.base)

    def evidence(self) -> dict[str, Any]:
        rule = self.rule()
        body: dict[str, Any] = {"match": [{"pattern": {**rule, "analyzer": self.analyzer}}]}
        if not self.analyzer:
            body["match"] = [{"pattern": rule}]
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
        held = [_HELD[self.analyzer]] if self.analyzer else []
        return (self.label, *words, *held, *(f"unless {label}" for _, label in self.unless))


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
            choices = [_closest(seed, per[category]) for per in found[1:]]
            for rest in itertools.islice(itertools.product(*choices), _MAX_GROUPS):
                group = [seed, *rest]
                if tuple(a.main for a in group) in seen:
                    continue
                seen.add(tuple(a.main for a in group))
                candidate = _build(syntax, category, group, safe_trees, vio_trees)
                if candidate is not None:
                    candidates.append(candidate)
    good = [c for c in candidates if not c.left and _checks(c, language, violating, safe, confirms)]
    if good:
        best = min(good, key=_complexity)
        return Induced(language, best.evidence(), best.labels(), "", *best.explained())
    return Induced(language, None, problem=_conflict(found, candidates))


def _tree(language: str, code: str) -> Node:
    tree = patterns.root(language, code)
    assert tree is not None  # SYNTAX only names languages ast-grep parses
    return tree


def _closest(seed: Anchor, others: list[Anchor]) -> list[Anchor]:
    """The two anchors most like ``seed`` (the first of equals first)."""

    def similarity(other: Anchor) -> tuple[int, int]:
        if seed.category == "string":
            return (len(common_prefix([seed.main, other.main])), 0)
        same = 4 if other.main == seed.main else 0
        tail = 2 if other.main.rsplit(".", 1)[-1] == seed.main.rsplit(".", 1)[-1] else 0
        head = 1 if other.main.split(".", 1)[0] == seed.main.split(".", 1)[0] else 0
        shared = len(seed.features.keys() & other.features.keys())
        return (same + tail + head, shared)

    ranked = sorted(range(len(others)), key=lambda i: (similarity(others[i]), -i), reverse=True)
    return [others[i] for i in ranked[:2]]


def _build(
    syntax: Syntax,
    category: str,
    group: list[Anchor],
    safe_trees: list[Node],
    vio_trees: list[Node],
) -> _Candidate | None:
    skeleton = skeleton_of(syntax, category, group)
    if skeleton is None:
        return None
    base, label, cost = skeleton
    candidate = _Candidate(category, group, base, label, cost, [], [], [])
    shared = set.intersection(*(set(a.features) for a in group))
    present = set().union(*(a.features for a in group))
    rules = {k: v for a in reversed(group) for k, v in a.features.items()}
    if category == "string":
        words = shared_words([context_name(syntax, a.node) for a in group])
        if words:
            key = f"named:{words}"
            rules[key] = (named_rule(syntax, words), f"named like {words}")
            shared.add(key)
            present.add(key)
    for _ in range(_MAX_PARTS):
        hits = _hits(candidate.rule(), safe_trees)
        if not hits:
            break
        votes: dict[tuple[str, str], int] = {}
        order: dict[tuple[str, str], int] = {}  # features nearer the anchor come first
        for _index, node in hits:
            have = describe(syntax, category, node, "").features
            for key in sorted(shared - have.keys()):
                votes[("+", key)] = votes.get(("+", key), 0) + 1
                order.setdefault(("+", key), list(rules).index(key))
            for position, key in enumerate(k for k in have if k not in present):
                votes[("-", key)] = votes.get(("-", key), 0) + 1
                order.setdefault(("-", key), position)
                rules.setdefault(key, have[key])
        if not votes:
            candidate.left = hits
            break
        sign, key = max(
            sorted(votes),
            key=lambda v: (votes[v], v[0] == "+", _rank(v[1]), -order.get(v, 0), -len(v[1])),
        )
        rule, text = rules[key]
        candidate.added.append((sign, rule, text))
        candidate.keys.append(key)
        shared.discard(key)
        present.add(key)
    else:
        candidate.left = _hits(candidate.rule(), safe_trees)
    if category in ("except", "assert"):
        _what_it_calls(syntax, candidate)
    if category == "except":
        _what_it_catches(candidate)
    if category == "string":
        _what_it_holds(syntax, candidate)
    if candidate.left:
        _unless(syntax, candidate, safe_trees, vio_trees)
    if any(not _hits(candidate.rule(), [tree]) for tree in vio_trees):
        return None
    return candidate


def _what_it_calls(syntax: Syntax, candidate: _Candidate) -> None:
    """A statement anchor (``except``) is about what it does: the methods every violating one
    calls (``*.error`` or ``*.critical``) become part of it, so that the evidence does not
    stand for every ``except`` clause the safe examples happen not to show."""
    tails = [
        {key.split(":", 1)[1] for key in a.features if key.startswith("calls.:")}
        for a in candidate.group
    ]
    cover = covering(tails)
    if not cover:
        return
    regex = r"(^|\.)" + alternatives(cover) + "$"
    rule = {"has": {"kind": syntax.call, "stopBy": "end",
                    "has": {"field": syntax.callee, "regex": regex}}}  # fmt: skip
    candidate.added.append(("+", rule, f"calls *.{' or *.'.join(cover)}(...)"))
    candidate.keys.append("lgg:calls")


_HELD = {"credential": "holds what the secret detector takes for a credential"}


def _what_it_holds(syntax: Syntax, candidate: _Candidate) -> None:
    """When every violating string is what the secret detector takes for a credential under
    the name it is given, the rule is about credentials: a name alone (``token = "."`` in a
    lexer, ``password = ""``, ``SECRET_KEY = "AWS_SECRET_ACCESS_KEY"``) is another matter."""
    if all(holds_credential(syntax, a.node) for a in candidate.group):
        candidate.analyzer = "credential"
        candidate.left = [(i, n) for i, n in candidate.left if holds_credential(syntax, n)]


_CATCH_ALL = frozenset({"Exception", "BaseException"})


def _what_it_catches(candidate: _Candidate) -> None:
    """When every violating ``except`` catches everything (bare, ``Exception``,
    ``BaseException``), a clause for one named exception is another matter."""
    caught = [
        {k.split(":", 1)[1] for k in a.features if k.startswith("type:")} for a in candidate.group
    ]
    if not all(types <= _CATCH_ALL for types in caught):
        return
    names = sorted(_CATCH_ALL)
    # bare: no child but the keyword, the colon, comments and the body
    plain = {"any": [{"kind": "block"}, {"kind": "comment"}, {"regex": "^except$"}]}
    typed = {"regex": "^[^:]", "not": plain}
    everything = {"regex": f"^{alternatives(names)}$"}
    named = {"kind": "as_pattern", "has": {"kind": "identifier", **everything}}
    broad = {"has": {"any": [{"kind": "identifier", **everything}, named]}}
    rule = {"any": [{"not": {"has": typed}}, broad]}
    candidate.added.append(("+", rule, f"catches everything (bare or {' or '.join(names)})"))
    candidate.keys.append("lgg:catches")


# Which kind of part reads best when several reject as many safe matches: what the code says
# (a keyword, an argument, a wrapping call) before where it is (the node around it, the
# function's name).
_RANKS = ("kw:", "value", "arg", "kept", "in:", "calls:", "callskw:", "only:", "body:", "type:",
          "named:", "in.:", "calls.:", "within:", "def:", "argv")  # fmt: skip


def _rank(key: str) -> int:
    matching = [(len(p), i) for i, p in enumerate(_RANKS) if key.startswith(p)]
    return -max(matching)[1] if matching else -len(_RANKS)  # the longest prefix: argv, not arg


def _complexity(candidate: _Candidate) -> int:
    """Alternatives and parts: the simplest evidence that separates the examples wins."""
    # what the violating examples share beyond the separators (lgg: parts) costs nothing
    parts = [
        (k, p) for k, p in zip(candidate.keys, candidate.added, strict=True) if k[:4] != "lgg:"
    ]
    alternatives = sum(json.dumps(rule).count("|") for _, (_, rule, _) in parts)
    weak = sum(1 for key, _ in parts if _rank(key) <= _rank("within:"))
    return candidate.cost + len(parts) + 2 * len(candidate.unless) + alternatives + weak


def _unless(
    syntax: Syntax, candidate: _Candidate, safe_trees: list[Node], vio_trees: list[Node]
) -> None:
    """Safe units the anchor cannot reject: a call only they make becomes an ``unless``."""
    in_violating = {a.main for tree in vio_trees for a in anchors(syntax, tree)["call"]}
    while candidate.left and len(candidate.unless) < 3:
        counts: dict[str, int] = {}
        for index in sorted({i for i, _ in candidate.left}):
            calls = {
                a.main
                for a in anchors(syntax, safe_trees[index])["call"]
                if not a.node.matches(**candidate.base)  # not the thing the rule is about
            }
            for callee in sorted(calls - in_violating):
                counts[callee] = counts.get(callee, 0) + 1
        if not counts:
            return
        callee = max(sorted(counts), key=lambda c: counts[c])
        rule = {"kind": syntax.call, "has": {"field": syntax.callee, "regex": exact(callee)}}
        candidate.unless.append((rule, f"{callee}(...) in the function"))
        in_violating.add(callee)
        candidate.left = [(i, n) for i, n in candidate.left if not _hits(rule, [safe_trees[i]])]


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
