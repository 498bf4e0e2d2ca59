"""The file's compiled templates that escape what they are given.

A page is often a template compiled once at module level and rendered per request:
``const renderSlip = ejs.compile(PACKING_SLIP)`` then ``res.send(renderSlip({ order, note }))``,
or ``NO_RESULTS = engines["django"].from_string("...")`` then ``NO_RESULTS.render(context)``.
Such an engine HTML-escapes every value it writes, unless the template says otherwise, so what
it returns carries none of the values' taint. ``escaping(siblings, language)`` gives the names
of the file's module-level templates that do, known by the engine that compiled them and, when
the template's text is a literal or one of the file's text constants, by that text not writing
anything raw (EJS ``<%-``, Handlebars ``{{{``, Pug ``!{``, Django ``|safe`` or ``{% autoescape
off %}``). A template whose engine escapes nothing by default (lodash's ``_.template``, where
``<%=`` is raw; Jinja2 without autoescape, which the xss rule handles as a sink) is not one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from auditor.analysis import fold, patterns

if TYPE_CHECKING:
    from auditor.analysis.taint import Node
    from auditor.model import Siblings

# compiler call (its callee's text) -> what a template's text writes raw
_JS_ENGINES = {
    re.compile(r"^(ejs)\.compile$"): re.compile(r"<%-"),
    re.compile(r"^(Handlebars|handlebars|hbs)\.compile$"): re.compile(r"\{\{\{|\{\{&"),
    re.compile(r"^(pug|jade)\.compile$"): re.compile(r"!\{|!="),
}
# Django's engine (`engines["django"]`, `django_engine`) autoescapes (a bare `Template(...)`
# could as well be string.Template or jinja2.Template, which do not)
_DJANGO = re.compile(
    r"^(?:\w*engines\[[\"']django[\"']\]|\w*django\w*)\.(?:from_string|get_template)$"
)
_PY_ENGINES = {_DJANGO: re.compile(r"\|\s*safe\b|\{%-?\s*autoescape\s+off\b")}


# Jinja2 (Flask's render_template_string): `{{ memo|safe }}` writes memo as it is, and so does
# every placeholder inside `{% autoescape false %}`
AUTOESCAPE_OFF = re.compile(r"\{%-?\s*autoescape\s+false\b")
_SAFE_PLACEHOLDER = re.compile(r"\{\{-?\s*([A-Za-z_]\w*)[^{}]*?\|\s*safe\b")


def safe_placeholders(template: str) -> set[str]:
    """The names a Jinja2 template writes unescaped (``{{ note.text|safe }}``: note)."""
    return set(_SAFE_PLACEHOLDER.findall(template))


def escaping(siblings: Siblings | None, language: str, unit: str) -> frozenset[str]:
    """Names of the file's module-level templates whose output escapes every value; ``unit``:
    the code analysed, all there is of the file's top level for a file without functions."""
    module = siblings.module if siblings is not None and siblings.module else unit
    constants = siblings.constants if siblings is not None else _constants(language, unit)
    if language in ("javascript", "typescript", "tsx"):
        return _escaping(module, constants, language, "variable_declarator", "name", "value")
    if language == "python":
        return _escaping(module, constants, language, "assignment", "left", "right")
    return frozenset()


@functools.lru_cache(maxsize=256)
def _escaping(
    module: str,
    known: tuple[tuple[str, str], ...],
    language: str,
    kind: str,
    name_field: str,
    value_field: str,
) -> frozenset[str]:
    tree = patterns.root(language, module)
    if tree is None:
        return frozenset()
    engines = _PY_ENGINES if language == "python" else _JS_ENGINES
    constants = dict(known)
    found: set[str] = set()
    for binding in tree.find_all(kind=kind):
        name, value = binding.field(name_field), binding.field(value_field)
        if name is None or value is None or value.kind() not in ("call", "call_expression"):
            continue
        callee = value.field("function")
        raw = next((r for p, r in engines.items() if callee and p.match(callee.text())), None)
        if raw is None:
            continue
        arguments = value.field("arguments")
        first = next(iter(arguments.named_children()), None) if arguments is not None else None
        if first is None or not raw.search(text_of(first, constants)):
            found.add(name.text())
    return frozenset(found)


@functools.lru_cache(maxsize=64)
def _constants(language: str, text: str) -> tuple[tuple[str, str], ...]:
    """The text constants of a file that has no functions (so no Siblings to hold them)."""
    from tree_sitter import Parser

    from auditor.analysis.constants import file_constants
    from auditor.languages import grammar

    tree = Parser(grammar(language).language).parse(text.encode("utf-8", "surrogatepass"))
    return tuple(file_constants(tree.root_node))


_STRINGS = frozenset({"string", "concatenated_string", "template_string"})


def text_of(node: Node, constants: Mapping[str, str]) -> str:
    """A template's text: a literal, or the file's text constant it names; "" when it cannot
    be read (a template file by name, say: its engine's default holds)."""
    if node.kind() == "identifier":
        return constants.get(node.text(), "")
    return (fold.string_value(node) or "") if node.kind() in _STRINGS else ""
