"""Guards: the conditions and checks that clean a name on the path they guard.

An allow-list (``if x not in ALLOWED: raise``), an equality with a constant, a numeric or
character-class check (``x.isdigit()``), a path checked to lie under its root (a prefix,
``is_relative_to``, a relative path that does not climb out), a table lookup that answered,
and a validator called for its effect. The engine (branches.py) asks which names hold a
checked value when a condition is true or false; fold.py folds the constants they compare.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.analysis.constants import CONSTANT_NAME
from auditor.analysis.fold import operator, string_value
from auditor.analysis.languages import Table

Node = Any


# x is checked by `ALLOWED.contains(x)` (the argument) or by `x.isdigit()` (the receiver).
_ARGUMENT_CHECKS = frozenset({"contains", "includes", "has", "containsKey", "fullmatch", "match",
                              "test", "MatchString", "isValid", "is_valid", "isAllowed",
                              "is_allowed", "search", "HasPrefix", "IsLocal", "hasOwnProperty",
                              "hasOwn"})  # fmt: skip


_RECEIVER_CHECKS = frozenset({"isdigit", "isalnum", "isnumeric", "isdecimal", "isalpha",
                              "isidentifier", "matches", "startsWith", "startswith",
                              "is_relative_to"})  # fmt: skip


# is_within_directory(base, path), is_safe_path(root, p): a containment check of a path under a
# base directory (pip, setuptools, many projects' own): every argument is the checked one.
_CONTAINMENT = re.compile(
    r"(?i)(is_?|path_?is_?)?(within|inside|contained_?in|under|safe_?path|sub_?path)"
    r"(_?(dir|directory|root|base|folder))?"
)


_CHECK_METHODS = _ARGUMENT_CHECKS | _RECEIVER_CHECKS


_PREFIX_CHECKS = frozenset({"startsWith", "startswith", "is_relative_to", "HasPrefix"})


def _inner(node: Node) -> Node:
    while node.kind() == "parenthesized_expression":
        named = node.named_children()
        if not named:
            break
        node = named[0]
    return node


def _is_literal(node: Node) -> bool:
    kind = node.kind()
    return "string" in kind or "integer" in kind or kind in ("number", "character_literal")


def _name(node: Node) -> str | None:
    """The text a guard checks, when reading it again gives the same value: a name, a field,
    or a getter with constant arguments (``c.getValue()``, ``request.getParameter("t")``)."""
    kind = node.kind()
    if kind in ("identifier", "attribute", "member_expression", "field_access"):
        return str(node.text())
    if kind in ("method_invocation", "call", "call_expression"):
        receiver = node.field("object")
        function = node.field("function")
        if (
            receiver is None
            and function is not None
            and function.kind()
            in (
                "attribute",
                "member_expression",
                "selector_expression",
            )
        ):
            receiver = function.field("object") or function.field("operand")
        arguments = node.field("arguments")
        args = arguments.named_children() if arguments is not None else []
        if receiver is not None and _name(receiver) and all(_is_literal(a) for a in args):
            return str(node.text())
    return None


def guards(table: Table, cond: Node, prefix: bool = True) -> tuple[set[str], set[str]]:
    """Names that hold an allow-listed or constant value when ``cond`` is true / false
    (``prefix``: a startswith check counts, as it does for a path under a root or a URL's
    scheme, not for text that is spliced into SQL or a shell line)."""
    node = _inner(cond)
    kind = node.kind()
    children = node.named_children()
    if kind in ("not_operator", "unary_expression") and children:
        text = node.text().lstrip()
        if text.startswith(("!", "not")):
            when_true, when_false = guards(table, children[-1], prefix)
            return when_false, when_true
        return set(), set()
    if len(children) == 2 and kind in (
        "boolean_operator",
        "binary_expression",
        "comparison_operator",
    ):
        op = operator(node, children)
        if op in ("and", "&&", "or", "||"):
            lt, lf = guards(table, children[0], prefix)
            rt, rf = guards(table, children[1], prefix)
            if op in ("and", "&&"):  # `p !== root && !p.startsWith(root + sep)` false: under
                false = (lf & rf) | (_equated(children[0], False) & rf)
                return lt | rt, false | (_equated(children[1], False) & lf)
            true = (lt & rt) | (_equated(children[0], True) & rt)  # `p === root || p.sta...`
            return true | (_equated(children[1], True) & lt), lf | rf
        left, right = children
        if (
            op in ("in", "not in")
            and right.kind() == "attribute"
            and right.text().endswith(".parents")
        ):  # `if ROOT not in candidate.parents: raise`: candidate lies under ROOT
            inner = right.field("object")
            under = _name(_path_of(inner)) if inner is not None else None
            if under is None:
                return set(), set()
            return ({under}, set()) if op == "in" else (set(), {under})
        if op in ("in", "not in"):
            if _is_literal(left) and _name(right):  # '..' in name: true means suspicious
                checked = {str(_name(right))}
                return (set(), checked) if op == "in" else (checked, set())
            name = _name(left)
            if name is None:
                return set(), set()
            return ({name}, set()) if op == "in" else (set(), {name})
        if op in ("==", "!=") and (under := common_path_guard(left, right)) is not None:
            return ({under}, set()) if op == "==" else (set(), {under})
        if op in ("==", "===", "!=", "!=="):
            name = (
                _name(left) if _is_literal(right) else _name(right) if _is_literal(left) else None
            )
            if name is None:
                return set(), set()
            return ({name}, set()) if op in ("==", "===") else (set(), {name})
        return set(), set()
    if kind == "identifier":  # `if (!label) break;`: see TRUTHY
        return {TRUTHY + str(node.text())}, set()
    if kind in table.calls:
        climbs = _climbs_out(node)
        if climbs is not None:
            return set(), {RELATIVE + climbs}
        return _check_call(node, prefix), set()
    return set(), set()


# `rel.startsWith('..')` false: a relative path that does not climb out of its base. Only a path
# made relative to a root (`rel = path.relative(root, full)`) is then known to lie under it; the
# engine maps the name back to the full path (taint.Engine.sanitize), a raw name stays unchecked.
RELATIVE = "..:"


# `label = SECTION_TITLES.get(seg)` true: seg is one of the table's keys (an allow-list); the
# engine maps the name back to the key it was looked up by, any other truthy name stays as it is.
TRUTHY = "?:"


def lookup_of(node: Node) -> str | None:
    """The key's name when ``node`` reads a constant table under it (``ALLOWED.get(x)``)."""
    parts = _call_parts(node)
    if parts is None:
        return None
    method, receiver, args = parts
    if method != "get" or receiver is None or len(args) != 1:
        return None
    if not CONSTANT_NAME.fullmatch(receiver.text()):
        return None
    return _name(args[0]) if args[0].kind() == "identifier" else None


_DOTDOT = frozenset({"..", "../", "..\\"})


# path.relative(root, full), filepath.Rel(root, full), os.path.relpath(full, root),
# root.relativize(full): the position of the full path among the arguments
_RELATIVE_CALLS = {"relative": 1, "Rel": 1, "relpath": 0, "relativize": 0}


def relative_of(node: Node) -> str | None:
    """The full path's name when ``node`` makes it relative to a root."""
    parts = _call_parts(node)
    if parts is None:
        return None
    method, _, args = parts
    at = _RELATIVE_CALLS.get(method)
    if at is None or (len(args) != 2 and not (at == 0 and len(args) == 1)):
        return None
    return _name(_path_of(args[at]))


def _climbs_out(node: Node) -> str | None:
    parts = _call_parts(node)
    if parts is None:
        return None
    method, receiver, args = parts
    if method not in ("startsWith", "startswith", "HasPrefix"):
        return None
    if method == "HasPrefix" and len(args) == 2 and _dotdot(args[1]):
        return _name(args[0])
    if receiver is not None and len(args) == 1 and _dotdot(args[0]):
        return _name(receiver)
    return None


def _dotdot(node: Node) -> bool:
    """``'..'``, ``"../"``, or ``".." + string(filepath.Separator)`` / ``'..' + path.sep``."""
    if string_value(node) in _DOTDOT:
        return True
    children = node.named_children()
    return (
        node.kind() == "binary_expression" and bool(children) and string_value(children[0]) == ".."
    )


def _equated(node: Node, when: bool) -> set[str]:
    """The two names ``node`` compares (``p === root``) when it says they are equal if it is
    ``when``: the value is then the other's, which the other side of an `and`/`or` checked."""
    node = _inner(node)
    children = node.named_children()
    if len(children) != 2 or node.kind() not in ("binary_expression", "comparison_operator"):
        return set()
    op = operator(node, children)
    equal = op in ("==", "===", "is")
    if not equal and op not in ("!=", "!==", "is not"):
        return set()
    names = [_name(c) for c in children]
    if equal != when or None in names:
        return set()
    return {str(n) for n in names}


def _call_parts(node: Node) -> tuple[str, Node | None, list[Node]] | None:
    """(the method's name, its receiver, the arguments) of a call in any of the grammars:
    ``ALLOWED.contains(x)`` -> ("contains", ALLOWED, [x]); None for what names no function."""
    function = node.field("function") or node.field("name")
    if function is None:
        return None
    receiver = node.field("object")
    if receiver is None and function.kind() in ("attribute", "member_expression"):
        receiver = function.field("object")
    arguments = node.field("arguments")
    args = arguments.named_children() if arguments is not None else []
    return function.text().rsplit(".", 1)[-1], receiver, args


def _check_call(node: Node, prefix: bool = True) -> set[str]:
    """``ALLOWED.contains(x)``, ``x.isdigit()``, ``re.fullmatch(P, x)``: the checked name."""
    parts = _call_parts(node)
    if parts is None:
        return set()
    method, receiver, args = parts
    containment = _CONTAINMENT.fullmatch(method) is not None
    if method not in _CHECK_METHODS and not containment:
        return set()
    if not prefix and method in _PREFIX_CHECKS:
        return set()
    names = [n for n in (_name(a) for a in args) if n]
    if containment:
        return set(names)
    if method == "hasOwn" and len(args) == 2:  # Object.hasOwn(LABELS, lang): the key
        return {n for n in [_name(args[1])] if n}
    if method in ("match", "fullmatch", "MatchString", "search") and len(args) >= 2:
        return {n for n in [_name(args[1])] if n}
    if method in _ARGUMENT_CHECKS and method != "search":
        return {names[0]} if names else set()
    if receiver is not None and method == "matches" and receiver.kind() == "method_invocation":
        inner = receiver.field("name")  # NAME.matcher(name).matches(): the matched name
        matched = receiver.field("arguments")
        if inner is not None and inner.text() == "matcher" and matched is not None:
            found = [_name(a) for a in matched.named_children()]
            return {n for n in found[:1] if n}
    if receiver is not None:
        name = _name(_path_of(receiver))
        return {name} if name else set()
    return set()


# Views of a path that keep which file it names: target.getPath(), p.toString(), p.normalize(),
# file.toPath().
_PATH_VIEWS = frozenset({"getPath", "toString", "getAbsolutePath", "getCanonicalPath",
                         "toAbsolutePath", "normalize", "toRealPath", "resolve", "absolute",
                         "as_posix", "__str__", "str", "String", "toPath", "toFile",
                         "getCanonicalFile", "getAbsoluteFile", "toURI"})  # fmt: skip


def _path_of(node: Node) -> Node:
    """``target.getPath()`` -> ``target``: the name a path view was taken of."""
    while node.kind() in ("call", "method_invocation", "call_expression"):
        function = node.field("function")
        name = node.field("name")
        if name is not None and node.field("object") is not None:  # Java: obj.name(args)
            method, inner = name.text(), node.field("object")
        elif function is not None and function.kind() in ("attribute", "member_expression"):
            method, inner = function.text().rsplit(".", 1)[-1], function.field("object")
        elif function is not None and function.text() in ("str", "String"):
            arguments = node.field("arguments")
            args = arguments.named_children() if arguments is not None else []
            method, inner = function.text(), args[0] if len(args) == 1 else None
        else:
            return node
        if method not in _PATH_VIEWS or inner is None:
            return node
        node = inner
    return node


def common_path_guard(left: Node, right: Node) -> str | None:
    """``os.path.commonpath([root, p]) == root``: the name checked to lie under ``root``."""
    for call, other in ((left, right), (right, left)):
        if call.kind() != "call" or _name(other) is None:
            continue
        function = call.field("function")
        if function is None or function.text().rsplit(".", 1)[-1] != "commonpath":
            continue
        arguments = call.field("arguments")
        lists = arguments.named_children() if arguments is not None else []
        items = lists[0].named_children() if len(lists) == 1 and lists[0].kind() in (
            "list", "tuple") else []  # fmt: skip
        names = [_name(item) for item in items]
        if len(names) == 2 and other.text() in names:
            checked = names[1] if names[0] == other.text() else names[0]
            return checked
    return None


# A validator called for its effect only: `_validate_entry_name(info.filename)`,
# `checkPath(p);`, `ensure_safe(name)`. Its result is thrown away, so all it can do is raise.
_VALIDATOR = re.compile(r"_?(validate|check|ensure|verify|assert)([A-Z_]\w*)?")


def validated(table: Table, statement: Node) -> set[str]:
    """Names a bare validator call statement checks (empty for any other statement)."""
    children = statement.named_children()
    if len(children) != 1 or children[0].kind() not in table.calls:
        return set()
    call = children[0]
    function = call.field("function") or call.field("name")
    if function is None or not _VALIDATOR.fullmatch(function.text().rsplit(".", 1)[-1]):
        return set()
    arguments = call.field("arguments")
    args = arguments.named_children() if arguments is not None else []
    return {n for n in (_name(a) for a in args) if n}
