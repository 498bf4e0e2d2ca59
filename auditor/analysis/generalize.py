"""Generalizing what several anchors have in common: callees, names and strings that differ
become alternatives, shared words or shared beginnings (see induce.py)."""

from __future__ import annotations

import re

from auditor.analysis.anchors import Anchor, Rule, Syntax, exact


def skeleton_of(syntax: Syntax, category: str, group: list[Anchor]) -> tuple[Rule, str, int] | None:
    """The rule every anchor of ``group`` matches, its label and its cost (alternatives)."""
    mains = list(dict.fromkeys(a.main for a in group))
    if category == "string":
        return string(syntax, mains)
    if category == "call" and len(mains) == 1:
        return {"pattern": f"{mains[0]}($$$)"}, f"{mains[0]}(...)", 1
    named = {
        "call": (syntax.call, syntax.callee, "a call to {}", 0),
        "keyword": (syntax.keyword, syntax.keyword_name, "keyword {}=...", 0),
        "assignment": (syntax.assignment, "left", "assignment to {}", 1),  # names: costly
    }
    if category in named:
        kind, field, words, extra = named[category]
        regex, cost = dotted(mains) if category == "call" else names(mains)
        cost *= 2 if category == "assignment" else 1  # a variable's name is mostly chance
        rule = {"kind": kind, "has": {"field": field, "regex": regex}}
        return rule, words.format(" or ".join(mains)), cost + extra
    kind = dict(syntax.statements)[category]
    return {"kind": kind}, kind.replace("_", " "), 2  # a bare statement kind: never first choice


def dotted(texts: list[str]) -> tuple[str, int]:
    """Callees ``a.get``, ``b.post``: receivers times methods (a.post is as likely as a.get)."""
    split = [t.rsplit(".", 1) for t in texts]
    if all(len(s) == 2 for s in split):
        heads = list(dict.fromkeys(s[0] for s in split))
        tails = list(dict.fromkeys(s[1] for s in split))
        regex = f"^{alternatives(heads)}\\.{alternatives(tails)}$"
        return regex, len(heads) + len(tails)
    return f"^{alternatives(texts)}$", len(texts) + 1


def alternatives(words: list[str]) -> str:
    escaped = [re.escape(w) for w in words]
    return escaped[0] if len(escaped) == 1 else "(" + "|".join(escaped) + ")"


def names(names: list[str]) -> tuple[str, int]:
    """One name, a shared word (``db_password``, ``PASSWORD``: ``(?i)password``), or the list."""
    if len(names) == 1:
        return exact(names[0]), 1
    common = common_substring([n.lower() for n in names])
    if len(common.strip("_")) >= 4:
        return "(?i)" + re.escape(common.strip("_")), 2
    return f"^{alternatives(names)}$", len(names)


def common_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), None)
    return first if size is None else first[:size]


def common_substring(words: list[str]) -> str:
    first = min(words, key=len)
    for size in range(len(first), 0, -1):
        for start in range(len(first) - size + 1):
            piece = first[start : start + size]
            if all(piece in w for w in words):
                return piece
    return ""


def string(syntax: Syntax, contents: list[str]) -> tuple[Rule, str, int] | None:
    """One string; strings that share beginnings (``/tmp/a``, ``/tmp/b``, ``/var/tmp/c``:
    ``/tmp/`` or ``/var/tmp/``); or any string, when nothing else is common (the names they are
    given must then say what they are, see ``named_rule``)."""
    quote = syntax.quote
    if len(contents) == 1:
        regex, label, cost = (
            f"^{quote}{re.escape(contents[0])}{syntax.close}$",
            f'"{contents[0]}"',
            1,
        )
    else:
        heads = shared_heads(contents)
        if heads:
            # a directory also stands for itself: "/tmp/" covers "/tmp" and "/tmp/x"
            ends = [(h[:-1], True) if h.endswith("/") and len(h) > 2 else (h, False) for h in heads]
            parts = [re.escape(h) + (f"(/|{syntax.close}$)" if d else "") for h, d in ends]
            regex = f"^{quote}" + (parts[0] if len(parts) == 1 else "(" + "|".join(parts) + ")")
            label, cost = f"a string starting {' or '.join(repr(h) for h in heads)}", len(heads) + 1
        else:
            regex, label, cost = "", "a string", 4
    rule: Rule = {"any": [{"kind": kind} for kind in syntax.strings]}
    if len(syntax.strings) == 1:
        rule = {"kind": syntax.strings[0]}
    if regex:
        rule["regex"] = regex
    if syntax.docstring_parent:
        rule["not"] = {"inside": {"kind": syntax.docstring_parent}}
    return rule, label, cost


def shared_heads(contents: list[str]) -> list[str]:
    """Shared beginnings, grouped by the first path segment or word; [] when one is too short."""
    groups: dict[str, list[str]] = {}
    for text in contents:
        first = re.match(r"/?[^/\s]*/?", text)
        groups.setdefault(first.group() if first else text, []).append(text)
    heads = []
    for members in groups.values():
        head = common_prefix(members)
        if len(members) == 1:
            if "/" not in head[1:]:
                return []  # a lone word shares nothing
            head = head[: head.rindex("/") + 1]  # a lone path: its directory
        if len(head.strip()) < 3:
            return []
        heads.append(head)
    return heads if len(heads) <= 3 else []


def shared_words(names: list[str]) -> str:
    """A case-blind regex of the words (4+ letters) that every name ends in, or else contains
    one of: ``password``, ``SMTP_PASSWORD``, ``api_token``: ``(?i)(password|token)$`` (the last
    word says what a name holds: ``token_type`` holds a type); "" when none."""
    if not all(names):
        return ""
    split = [[w.lower() for w in re.findall(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])", n)] for n in names]
    for sets, end in (([set(w[-1:]) for w in split], "$"), ([set(w) for w in split], "")):
        chosen = covering([{w for w in words if len(w) >= 4} for words in sets])
        if chosen:
            return "(?i)" + (chosen[0] if len(chosen) == 1 else "(" + "|".join(chosen) + ")") + end
    return ""


def covering(sets: list[set[str]]) -> list[str]:
    """At most three words such that each set holds one; [] when there are none."""
    chosen: list[str] = []
    left = list(range(len(sets)))
    while left and len(chosen) < 3:
        counts: dict[str, int] = {}
        for i in left:
            for word in sets[i]:
                counts[word] = counts.get(word, 0) + 1
        if not counts:
            return []
        word = max(sorted(counts), key=lambda w: counts[w])
        chosen.append(word)
        left = [i for i in left if word not in sets[i]]
    return [] if left else chosen
