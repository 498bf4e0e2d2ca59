"""Imported names, spelled out: ``Unpickler(f)`` after ``from pickle import Unpickler`` is
``pickle.Unpickler(f)``, and ``h.md5()`` after ``import hashlib as h`` is ``hashlib.md5()``.

Evidence names a callee the way the rule's examples spell it (``pickle.loads``, ``os.system``),
but a file may import the name bare or under an alias. Rather than teach every pattern, regex and
data-flow spec about aliases, the confirmation stage also matches each unit as it reads with its
imported callees written out in full (``resolve``). The import table comes from the file's
module-level imports (``table``, kept on each unit by the extractor) and from the unit's own
(a function that imports inside its body); a name the unit binds itself (a parameter, an
assignment, a nested ``def``) is left alone. Only callees change, each within its line, so line
k of the resolved text is line k of the unit. Python for now; other languages resolve nothing.
"""

from __future__ import annotations

import functools

import tree_sitter

from auditor import grammars

Table = tuple[tuple[str, str], ...]  # (local name, qualified name), first binding first
Node = tree_sitter.Node

_IMPORTS = "(import_statement) @import (import_from_statement) @import"
# Nodes whose names a unit binds itself, and the fields (or children) that hold the names.
_BINDERS = {
    "assignment": "left",
    "augmented_assignment": "left",
    "for_statement": "left",
    "for_in_clause": "left",
    "as_pattern_target": "",
    "function_definition": "name",
    "class_definition": "name",
    "parameters": "",
    "lambda_parameters": "",
    "global_statement": "",
    "nonlocal_statement": "",
}
_NAMED_PARAMETERS = ("default_parameter", "typed_default_parameter", "typed_parameter")


def supported(language: str) -> bool:
    return language == "python"


@functools.cache
def _query(language: str) -> tree_sitter.Query:
    return tree_sitter.Query(grammars.language(language), _IMPORTS)


def table(language: str, root: Node, module_level: bool = True) -> Table:
    """The names the code under ``root`` imports; with ``module_level``, not those imported
    inside a function (they bind only there)."""
    if not supported(language):
        return ()
    found: list[Node] = []
    for nodes in tree_sitter.QueryCursor(_query(language)).captures(root).values():
        found += nodes
    found.sort(key=lambda n: n.start_byte)
    entries: dict[str, str] = {}
    for node in found:
        if module_level and _inside_function(node, root):
            continue
        for local, qualified in _bindings(node):
            entries.setdefault(local, qualified)
    return tuple(entries.items())


def _inside_function(node: Node, root: Node) -> bool:
    parent = node.parent
    while parent is not None and parent != root:
        if parent.type in ("function_definition", "lambda"):
            return True
        parent = parent.parent
    return False


def _bindings(node: Node) -> list[tuple[str, str]]:
    """(local name, qualified name) of one import statement; none for relative imports (the
    package is unknown) and for ``import a.b`` (it binds ``a``, already the qualified name)."""
    out: list[tuple[str, str]] = []
    module = ""
    if node.type == "import_from_statement":
        source = node.child_by_field_name("module_name")
        if source is None or source.type != "dotted_name":
            return out
        module = node_text(source) + "."
    for name in node.children_by_field_name("name"):
        if name.type == "aliased_import":
            target, alias = name.child_by_field_name("name"), name.child_by_field_name("alias")
            if target is not None and alias is not None:
                out.append((node_text(alias), module + node_text(target)))
        elif module and name.type == "dotted_name":
            out.append((node_text(name).rsplit(".", 1)[-1], module + node_text(name)))
    return [(local, qualified) for local, qualified in out if local != qualified]


def node_text(node: Node) -> str:
    """A tree-sitter node's text (its bytes decoded, never raising)."""
    return (node.text or b"").decode("utf-8", "replace")


@functools.lru_cache(maxsize=256)
def resolve(language: str, text: str, imported: Table = ()) -> str:
    """``text`` with every callee (or the head of a callee's attribute chain) that names an
    import spelled out in full; ``text`` itself when nothing changes."""
    if not supported(language):
        return text
    local = dict(imported)
    if "import" in text or any(name in text for name in local):
        root = grammars.parser(language).parse(text.encode("utf-8", "surrogatepass")).root_node
    else:
        return text
    local = {**local, **dict(table(language, root, module_level=False))}
    if not local:
        return text
    bound = _bound(root)
    edits: list[tuple[int, int, str]] = []
    for call in _calls(root):
        head = call.child_by_field_name("function")
        while head is not None and head.type == "attribute":
            head = head.child_by_field_name("object")
        if head is None or head.type != "identifier":
            continue
        name = node_text(head)
        if name in local and name not in bound:
            edits.append((head.start_byte, head.end_byte, local[name]))
    if not edits:
        return text
    data = text.encode("utf-8", "surrogatepass")
    for start, end, qualified in sorted(edits, reverse=True):
        data = data[:start] + qualified.encode() + data[end:]
    return data.decode("utf-8", "surrogatepass")


def _calls(root: Node) -> list[Node]:
    out: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call":
            out.append(node)
        stack.extend(node.children)
    return out


def _bound(root: Node) -> set[str]:
    """Names the code binds itself (imports aside): those shadow an import of the file."""
    names: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        field = _BINDERS.get(node.type)
        if field is not None:
            holder = node.child_by_field_name(field) if field else node
            if holder is not None:
                names.update(_identifiers(holder))
        stack.extend(node.children)
    return names


def _identifiers(node: Node) -> set[str]:
    """The identifiers a binding target names: ``a``, ``a, b``, ``(a, [b])``, parameters with
    defaults or types; not ``x.y`` or ``x[i]`` (those bind nothing new)."""
    if node.type == "identifier":
        return {node_text(node)}
    if node.type in ("attribute", "subscript", "call"):
        return set()
    if node.type in _NAMED_PARAMETERS:
        name = node.child_by_field_name("name") or (node.children[0] if node.children else None)
        return _identifiers(name) if name is not None else set()
    out: set[str] = set()
    for child in node.named_children:
        out |= _identifiers(child)
    return out
