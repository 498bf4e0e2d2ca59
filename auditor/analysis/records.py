"""The file's record classes: what a record prints of itself when it is logged.

A Python dataclass, attrs class or pydantic model, a Java record and a Lombok ``@Data``,
``@Value`` or ``@ToString`` class print every field in their default ``repr``/``toString``:
logging one that holds a ``password`` field logs the password (``log.info("%s", settings)``),
unless the field is left out of it (``field(repr=False)``, pydantic's ``SecretStr``,
``@ToString.Exclude``) or the class writes its own ``__repr__``/``__str__``/``toString``.
``printed(siblings, language)`` gives, per class of the file, the fields its text shows.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from auditor.analysis import patterns

if TYPE_CHECKING:
    from auditor.analysis.taint import Node
    from auditor.model import Siblings

_PY_RECORD = re.compile(
    r"^@(?:dataclasses\.)?dataclass\b|^@(?:attr\.s|attrs?\.(?:define|frozen)|define|frozen)\b"
)
_PY_MODEL = re.compile(r"\b(?:BaseModel|BaseSettings)\b")
_PY_HIDDEN = re.compile(r"\brepr\s*=\s*False\b|\bSecret(?:Str|Bytes)\b")
_LOMBOK = re.compile(r"@(?:lombok\.)?(?:Data|Value|ToString)\b")
_OWN_TEXT = {"python": ("__repr__", "__str__"), "java": ("toString",), "go": ("String",)}


def printed(siblings: Siblings | None, language: str) -> dict[str, tuple[str, ...]]:
    """Class name -> the fields its default text shows, for the file's record classes."""
    if siblings is None or language not in _OWN_TEXT or not siblings.module:
        return {}
    return _printed(siblings, language)


@functools.lru_cache(maxsize=256)
def _printed(siblings: Siblings, language: str) -> dict[str, tuple[str, ...]]:
    tree = patterns.root(language, siblings.module)
    if tree is None:
        return {}
    found = {"python": _python, "java": _java, "go": _go}[language](tree)
    own = _OWN_TEXT[language]
    return {
        name: fields
        for name, fields in found.items()
        if not any(siblings.text_of(f"{name}.{method}") is not None for method in own)
    }


def declared(siblings: Siblings | None) -> dict[str, tuple[str, ...]]:
    """Python record class name -> every field it declares, in order (``repr=False`` ones
    too): what ``Release(plugin=p, html=h)`` or ``Release(p, h)`` sets, field by field."""
    if siblings is None or not siblings.module:
        return {}
    return _declared(siblings.module)


@functools.lru_cache(maxsize=256)
def _declared(module: str) -> dict[str, tuple[str, ...]]:
    tree = patterns.root("python", module)
    return {} if tree is None else _python(tree, hidden=True)


def _python(tree: Node, hidden: bool = False) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for cls in tree.find_all(kind="class_definition"):
        name, body = cls.field("name"), cls.field("body")
        if name is None or body is None:
            continue
        holder = cls.parent()
        decorators = (
            [d.text() for d in holder.children() if d.kind() == "decorator"]
            if holder is not None and holder.kind() == "decorated_definition"
            else []
        )
        bases = cls.field("superclasses")
        if not any(_PY_RECORD.match(d) for d in decorators) and not (
            bases is not None and _PY_MODEL.search(bases.text())
        ):
            continue
        fields = []
        for statement in body.children():
            inner = statement.children()[0] if statement.kind() == "expression_statement" else None
            if inner is None or inner.kind() != "assignment" or inner.field("type") is None:
                continue
            left = inner.field("left")
            if (
                left is not None
                and left.kind() == "identifier"
                and (hidden or not _PY_HIDDEN.search(inner.text()))
            ):
                fields.append(left.text())
        out[name.text()] = tuple(fields)
    return out


def _java(tree: Node) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for record in tree.find_all(kind="record_declaration"):
        name, params = record.field("name"), record.field("parameters")
        if name is not None and params is not None:
            out[name.text()] = tuple(
                n.text()
                for p in params.children()
                if p.kind() == "formal_parameter" and (n := p.field("name")) is not None
            )
    for cls in tree.find_all(kind="class_declaration"):
        name, body = cls.field("name"), cls.field("body")
        modifiers = next((c for c in cls.children() if c.kind() == "modifiers"), None)
        if (
            name is None
            or body is None
            or modifiers is None
            or not _LOMBOK.search(modifiers.text())
        ):
            continue
        fields = []
        for declaration in body.children():
            if (
                declaration.kind() != "field_declaration"
                or "ToString.Exclude" in declaration.text()
            ):
                continue
            if re.search(r"\bstatic\b", declaration.text().split("=", 1)[0]):
                continue
            for declarator in declaration.children():
                if declarator.kind() == "variable_declarator" and (n := declarator.field("name")):
                    fields.append(n.text())
        out[name.text()] = tuple(fields)
    return out


def _go(tree: Node) -> dict[str, tuple[str, ...]]:
    """A Go struct prints every field with %v / %+v (fmt, logrus, zerolog's Interface), unless
    its type has a String method."""
    out: dict[str, tuple[str, ...]] = {}
    for spec in tree.find_all(kind="type_spec"):
        name, struct = spec.field("name"), spec.field("type")
        if name is None or struct is None or struct.kind() != "struct_type":
            continue
        out[name.text()] = tuple(
            field.text()
            for declaration in struct.find_all(kind="field_declaration")
            for field in declaration.children()
            if field.kind() == "field_identifier"
        )
    return out
