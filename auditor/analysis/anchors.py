"""What induction can point at in an example: anchors (a call, a keyword argument, a string, an
``except`` clause ...) and the features that tell two anchors of one kind apart.

Every feature is an ast-grep rule applied to the anchor node itself, so the induced evidence is
the same kind of structural pattern a person writes (``has``/``inside``/``not``), and the real
matcher can check it. A feature's key names it for comparing anchors (``kw:timeout``,
``kw:shell=True``, ``in:shlex.quote``); its label is what ``rules suggest`` prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from auditor.analysis.patterns import Node

Rule = dict[str, Any]


@dataclass(frozen=True)
class Syntax:
    """The node kinds and fields one grammar uses for the anchors."""

    call: str
    callee: str  # the call's field holding what is called
    arguments: str
    keyword: str  # a keyword argument (Python) or an object pair (JavaScript)
    keyword_name: str
    keyword_value: str
    strings: tuple[str, ...]
    quote: str  # regex: what a string literal starts with before its content
    close: str  # regex: what it ends with
    statements: tuple[tuple[str, str], ...] = ()  # (category, node kind): except, assert
    assignment: str = ""
    docstring_parent: str = ""  # a string alone in this node is a docstring, not a value
    literals: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    options: str = ""  # an object argument whose pairs act as keyword arguments


SYNTAX = {
    "python": Syntax(
        "call", "function", "arguments", "keyword_argument", "name", "value", ("string",),
        "[rbuRBUfF]*[\"']{1,3}", "[\"']{1,3}",
        (("except", "except_clause"), ("assert", "assert_statement")),
        "assignment", "expression_statement",
        ("string", "integer", "float", "true", "false", "none"), ("function_definition",),
    ),
    "javascript": Syntax(
        "call_expression", "function", "arguments", "pair", "key", "value",
        ("string", "template_string"), "[\"'`]", "[\"'`]",
        literals=("string", "number", "true", "false", "null"),
        functions=("function_declaration", "method_definition"),
        options="object",
    ),
}  # fmt: skip
for _family in ("typescript", "tsx"):
    SYNTAX[_family] = SYNTAX["javascript"]

CATEGORIES = ("call", "keyword", "string", "except", "assert", "assignment")
_PLAIN_CALLEE = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


@dataclass
class Anchor:
    category: str
    node: Node
    main: str  # the callee, keyword name, string content or assigned name; "" when none
    features: dict[str, tuple[Rule, str]] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return int(self.node.range().start.line)

    @property
    def text(self) -> str:
        return short(self.node.text())


def short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def exact(text: str) -> str:
    return "^" + re.escape(text) + "$"


def string_content(syntax: Syntax, node: Node) -> str:
    text = str(node.text())
    match = re.match(syntax.quote, text)
    if match is None:
        return text
    quote = match.group().lstrip("rbuRBUfF")
    inner = text[match.end() :]
    return inner[: -len(quote)] if inner.endswith(quote) else inner


def anchors(syntax: Syntax, tree: Node) -> dict[str, list[Anchor]]:
    """Every anchor of ``tree`` by category, in source order."""
    out: dict[str, list[Anchor]] = {c: [] for c in CATEGORIES}
    for node in tree.find_all(kind=syntax.call):
        callee = node.field(syntax.callee)
        if callee is not None and _PLAIN_CALLEE.fullmatch(" ".join(callee.text().split())):
            out["call"].append(describe(syntax, "call", node, " ".join(callee.text().split())))
    for node in tree.find_all(kind=syntax.keyword):
        name = node.field(syntax.keyword_name)
        if name is not None:
            out["keyword"].append(describe(syntax, "keyword", node, name.text()))
    for kind in syntax.strings:
        for node in tree.find_all(kind=kind):
            parent = node.parent()
            if parent is not None and parent.kind() == syntax.docstring_parent:
                continue
            out["string"].append(describe(syntax, "string", node, string_content(syntax, node)))
    for category, kind in syntax.statements:
        out[category] = [describe(syntax, category, n, "") for n in tree.find_all(kind=kind)]
    if syntax.assignment:
        for node in tree.find_all(kind=syntax.assignment):
            left = node.field("left")
            if left is not None:
                name = left.text().rsplit(".", 1)[-1]
                out["assignment"].append(describe(syntax, "assignment", node, name))
    return out


def describe(syntax: Syntax, category: str, node: Node, main: str) -> Anchor:
    """The anchor of ``node``, with every feature it has."""
    anchor = Anchor(category, node, main)
    add = anchor.features.__setitem__
    if category == "call":
        _call_features(syntax, node, add)
        kept = kept_rule(syntax)
        if kept and node.matches(**kept):
            add("kept", (kept, "its value returned or kept on an attribute"))
    if category == "keyword":
        value = node.field(syntax.keyword_value)
        if value is not None:
            if value.kind() in syntax.literals and "\n" not in value.text():
                rule = {"has": {"field": syntax.keyword_value, "regex": exact(value.text())}}
                add(f"value={value.text()}", (rule, f"value {short(value.text(), 30)}"))
            add(f"value:{value.kind()}", _field_kind(syntax.keyword_value, value.kind()))
    if category == "assignment":
        right = node.field("right")
        if right is not None:
            add(f"right:{right.kind()}", _field_kind("right", right.kind()))
    if category == "except":
        _block_features(node, add)
    _context_features(syntax, node, add)
    return anchor


def kept_rule(syntax: Syntax) -> Rule:
    """The call's value outlives the function: returned (directly or through the name it is
    assigned to: ``s = Session(); ...; return s``) or stored on an attribute. A factory or a
    constructor keeps what it builds; a function that drops it is another matter."""
    if syntax.assignment != "assignment":  # Python's node kinds below
        return {}
    assigned = {"kind": "assignment", "field": "right"}
    # one pattern: with `any: [return $KEPT, $O.$F = $KEPT]` here ast-grep-py 0.51 matched neither
    later = {"kind": "function_definition", "stopBy": "end",
             "has": {"pattern": "return $KEPT", "stopBy": "end"}}  # fmt: skip
    return {"any": [
        {"inside": {"kind": "return_statement"}},
        {"inside": {**assigned, "has": {"field": "left", "kind": "attribute"}}},
        {"inside": {**assigned, "has": {"field": "left", "kind": "identifier", "pattern": "$KEPT"},
                    "inside": later}},
    ]}  # fmt: skip


def _context_features(syntax: Syntax, node: Node, add: Any) -> None:
    """Calls inside the anchor and around it (by callee and by method name), the function it
    is in (by name and name prefix: ``test_``, ``make_``), and the kinds of node around it."""
    for inner in node.find_all(kind=syntax.call):
        callee = inner.field(syntax.callee)
        if callee is not None and inner != node and _PLAIN_CALLEE.fullmatch(callee.text()):
            for key, regex, text in _callee_keys(callee.text()):
                deep = {**_deep(syntax, regex)}
                add(f"calls{key}", ({"has": deep}, f"calls {text}(...)"))
            for keyword in inner.find_all(kind=syntax.keyword):
                name = keyword.field(syntax.keyword_name)
                if name is not None:
                    named = {"has": {"field": syntax.keyword_name, "regex": exact(name.text())}}
                    with_kw = {"kind": syntax.keyword, **named}
                    deep = {"kind": syntax.call, "stopBy": "end",
                            "has": {"field": syntax.arguments, "has": with_kw}}  # fmt: skip
                    text = f"a call with {name.text()}=..."
                    add(f"callskw:{name.text()}", ({"has": deep}, text))
    for outer in node.ancestors():
        kind = outer.kind()
        callee = outer.field(syntax.callee) if kind == syntax.call else None
        if callee is not None and _PLAIN_CALLEE.fullmatch(callee.text()):
            for key, regex, text in _callee_keys(callee.text()):
                add(f"in{key}", ({"inside": _deep(syntax, regex)}, f"inside {text}(...)"))
        if kind in syntax.functions:
            name_node = outer.field("name")
            name = name_node.text() if name_node is not None else ""
            names = []
            cut = name.find("_", 1)
            # a leading underscore marks a name private, not another job: main is also _main
            private = "^_*" if name and not name.startswith("_") else "^"
            if 2 <= cut < len(name) - 1 and not name.startswith("_"):  # test_*, make_* first
                names.append((name[: cut + 1] + "*", private + re.escape(name[: cut + 1])))
            names += [(name, private + re.escape(name) + "$")] if name else []
            for shown, regex in names:
                rule = {"kind": kind, "has": {"field": "name", "regex": regex}, "stopBy": "end"}
                add(f"def:{shown}", ({"inside": rule}, f"in a function named {shown}"))
        elif kind not in _PLAIN_KINDS:
            rule = {"kind": kind, "stopBy": "end"}
            add(f"within:{kind}", ({"inside": rule}, f"within {kind.replace('_', ' ')}"))


_PLAIN_KINDS = frozenset({"module", "program", "block", "statement_block", "expression_statement",
                          "argument_list", "arguments", "class_definition", "class_body",
                          "decorated_definition", "parenthesized_expression"})  # fmt: skip


def _callee_keys(callee: str) -> list[tuple[str, str, str]]:
    """(key suffix, regex, label) for a callee itself and, when dotted, for its method name."""
    keys = [(f":{callee}", exact(callee), callee)]
    if "." in callee:
        tail = callee.rsplit(".", 1)[1]
        keys.append((f".:{tail}", r"(^|\.)" + re.escape(tail) + "$", f"*.{tail}"))
    return keys


# A literal compared for equality is the value a name is expected to hold; one tested with
# `in` / `not in` is a key or a character looked for in it (`"accessToken" in token`).
_EQUALITY = frozenset({"==", "!="})
_EQUALS: Rule = {"has": {"regex": "^(==|!=)$"}}


def context_name(syntax: Syntax, node: Node) -> str:
    """The name a literal is given: the variable assigned, the keyword, the dict key, or the
    other side of an equality comparison; "" when none."""
    parent = node.parent()
    if parent is None:
        return ""
    kind = parent.kind()
    if kind == syntax.assignment and parent.field("right") == node:
        other = parent.field("left")
    elif kind == syntax.keyword and parent.field(syntax.keyword_value) == node:
        other = parent.field(syntax.keyword_name)
    elif kind == "pair" and parent.field("value") == node:
        other = parent.field("key")
    elif kind == "comparison_operator" and any(
        c.kind() in _EQUALITY for c in parent.children() if not c.is_named()
    ):
        other = next((c for c in parent.children() if c.is_named() and c != node), None)
    else:
        return ""
    if other is None:
        return ""
    text = str(other.text())
    if other.kind() in syntax.strings:
        text = string_content(syntax, other)
    return text.rsplit(".", 1)[-1]


def named_rule(syntax: Syntax, regex: str) -> Rule:
    """The literal is given a name matching ``regex`` (see ``context_name``)."""
    literal = {"any": [{"kind": k} for k in syntax.strings]}
    alternatives: list[Rule] = [
        {"inside": {"kind": syntax.assignment, "field": "right",
                    "has": {"field": "left", "regex": regex}}},
        {"inside": {"kind": syntax.keyword, "field": syntax.keyword_value,
                    "has": {"field": syntax.keyword_name, "regex": regex}}},
        {"inside": {"kind": "pair", "field": "value", "has": {"field": "key", "regex": regex}}},
        {"inside": {"kind": "comparison_operator",
                    "all": [{"has": {"regex": regex, "not": literal}}, _EQUALS]}},
    ]  # fmt: skip
    return {"any": alternatives}


def _deep(syntax: Syntax, regex: str) -> Rule:
    """A call whose callee matches ``regex``, at any depth (for ``has``/``inside``)."""
    return {"kind": syntax.call, "has": {"field": syntax.callee, "regex": regex}, "stopBy": "end"}


def _field_kind(name: str, kind: str) -> tuple[Rule, str]:
    return {"has": {"field": name, "kind": kind}}, f"{name} is a {kind}"


def _call_features(syntax: Syntax, node: Node, add: Any) -> None:
    arguments = node.field(syntax.arguments)
    if arguments is None:
        return
    position = 0
    for child in arguments.children():
        if not child.is_named() or child.kind() == "comment":
            continue
        position += 1
        if child.kind() == syntax.keyword:
            _keyword_features(syntax, child, add, {})
        elif child.kind() == syntax.options:  # JavaScript: f(url, {timeout: 5})
            for pair in child.children():
                if pair.kind() == syntax.keyword:
                    _keyword_features(syntax, pair, add, {"kind": syntax.options})
        elif position <= 3 and (
            child.kind() in syntax.literals or _PLAIN_CALLEE.fullmatch(child.text())
        ):
            _argument_features(syntax, child, position, add)


def _keyword_features(syntax: Syntax, child: Node, add: Any, holder: Rule) -> None:
    """``name=...``, ``name=value`` and ``name=...Last`` of one keyword argument (or option
    pair, inside the ``holder`` object)."""
    name_node = child.field(syntax.keyword_name)
    value_node = child.field(syntax.keyword_value)
    if name_node is None or value_node is None:
        return
    name, value = name_node.text(), " ".join(value_node.text().split())
    named = {"has": {"field": syntax.keyword_name, "regex": exact(name)}}

    def in_args(rule: Rule) -> Rule:
        inner = {**holder, "has": rule} if holder else rule
        return {"has": {"field": syntax.arguments, "has": inner}}

    add(f"kw:{name}", (in_args({"kind": syntax.keyword, **named}), f"{name}=..."))
    last = value.rsplit(".", 1)[-1]
    if last != value and _PLAIN_CALLEE.fullmatch(value):  # Loader=...SafeLoader first
        ending = r"(^|\.)" + re.escape(last) + "$"
        valued = {"kind": syntax.keyword, "all": [named, _value(syntax, ending)]}
        add(f"kw:{name}=~{last}", (in_args(valued), f"{name}=...{last}"))
    valued = {"kind": syntax.keyword, "all": [named, _value(syntax, exact(value))]}
    add(f"kw:{name}={value}", (in_args(valued), f"{name}={short(value, 30)}"))


def _argument_features(syntax: Syntax, child: Node, position: int, add: Any) -> None:
    text = " ".join(child.text().split())
    # a short literal says what the call does ("md5", "rb"); a variable's name or a message
    # rarely does (ranked last)
    strong = child.kind() in syntax.literals and len(text) <= 12 and " " not in text
    prefix = "arg" if strong else "argv"
    regexes = [(f":{text}", exact(text), text)]
    if "." in text and child.kind() not in syntax.literals:
        tail = text.rsplit(".", 1)[1]
        regexes.insert(0, (f"~{tail}", r"(^|\.)" + re.escape(tail) + "$", f"...{tail}"))
    for key, regex, shown in regexes:
        at = {"nthChild": position, "regex": regex}
        rule = {"has": {"field": syntax.arguments, "has": at}}
        add(f"{prefix}{position}{key}", (rule, f"argument {position} is {short(shown, 30)}"))


def _value(syntax: Syntax, regex: str) -> Rule:
    return {"has": {"field": syntax.keyword_value, "regex": regex}}


def _block_features(node: Node, add: Any) -> None:
    block = next((c for c in node.children() if c.kind() == "block"), None)
    if block is None:
        return
    kinds = sorted({c.kind() for c in block.children() if c.is_named() and c.kind() != "comment"})
    if len(kinds) == 1:
        only = {"not": {"has": {"not": {"any": [{"kind": kinds[0]}, {"kind": "comment"}]}}}}
        rule = {"has": {"kind": "block", "has": {"kind": kinds[0]}, **only}}
        add(f"only:{kinds[0]}", (rule, f"body is only {kinds[0].replace('_statement', '')}"))
    for kind in kinds:
        add(f"body:{kind}", ({"has": {"kind": "block", "has": {"kind": kind}}}, f"body has {kind}"))
    for child in node.children():
        if child.kind() == "as_pattern":  # `except (A, B) as e`: the type is (A, B)
            child = next((c for c in child.children() if c.is_named()), child)
            kind, within = child.kind(), {"kind": "as_pattern", "has": {"kind": child.kind()}}
        else:
            kind, within = child.kind(), {}
        if child.is_named() and kind in ("identifier", "attribute", "tuple"):
            caught = " ".join(child.text().split())
            target = {"kind": kind, "regex": exact(caught)}
            rule = {"has": {**within, "has": target}} if within else {"has": target}
            add(f"type:{caught}", (rule, f"catches {short(caught, 30)}"))
