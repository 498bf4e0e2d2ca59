"""Request data a middleware keeps on the request, response or context object for the handler.

A middleware or hook of the file stores what it read from the request on the framework's
per-request object (Starlette ``request.state.campaign``, Express ``res.locals.flash`` and
``req.tenant``, Koa ``ctx.state.q``, Flask ``g.lang``), and a handler or helper of the same file
reads it back: that read is the request's data, as if the handler had read it itself. Each
function of the file that writes such a field is walked once per rule (summaries' cache) and what
it stores there from a source is kept by the field's dotted name; the unit's walk then treats a
read of that name as a source of the same kind (taint.Engine.member).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from auditor.analysis import patterns
from auditor.analysis.languages import TABLES
from auditor.analysis.summaries import marked

if TYPE_CHECKING:
    from auditor.analysis.spec import TaintSpec
    from auditor.analysis.taint import Node
    from auditor.analysis.values import Val
    from auditor.model import Siblings

# the per-request objects' fields that a middleware hands on; `g` is Flask's request global
TARGET = re.compile(
    r"(?:(?:req|request|res|response|ctx|context)\.(?:[A-Za-z_$][\w$]*\.)*|g\.)[A-Za-z_$][\w$]*"
)
# a quick test of a function's text before it is parsed: it assigns to one of those
_WRITES = re.compile(
    r"(?<![\w$.])(?:req|request|res|response|ctx|context|g)\.[\w$.]+\s*=(?!=)"
    r"|\.(?:WithValue|setAttribute)\("
)


def writes(
    spec: TaintSpec, language: str, siblings: Siblings | None, own: str
) -> dict[str, tuple[str, str]]:
    """Field -> (flow kind, the source it was set from) for what the file's other functions
    store on a per-request object from a source of ``spec`` (``own``: the unit's text)."""
    if siblings is None:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for text in _writers(siblings):
        if text != own:
            found.update(_stored(spec, language, text))
    return found


@functools.lru_cache(maxsize=256)
def _writers(siblings: Siblings) -> tuple[str, ...]:
    return tuple(text for _, text in siblings.functions if _WRITES.search(text))


def _stored(spec: TaintSpec, language: str, text: str) -> dict[str, tuple[str, str]]:
    from auditor.analysis.summaries import cached
    from auditor.analysis.taint import Engine

    def make() -> dict[str, tuple[str, str]]:
        table = TABLES.get(language)
        tree = patterns.unit_root(language, text)
        if table is None or tree is None:
            return {}
        engine = Engine(table, spec.places(tree, text, summary=True))
        engine.recording = True
        try:
            engine.run(tree)
        except RecursionError:
            return {}
        out: dict[str, tuple[str, str]] = {}
        for name, value in engine.context_writes.items():
            flows = sorted(
                (
                    f
                    for f in value.taint
                    if marked(f) is None and f.kind not in ("parameter", "name")
                ),
                key=lambda f: (f.kind, f.source.text),
            )
            if flows:
                out[name] = (flows[0].kind, flows[0].source.text)
        return out

    return cached("context", spec, language, text, make)


# keyed stores: Go `context.WithValue(ctx, key, v)` -> `ctx.Value(key)`, the Servlet API's
# `request.setAttribute("k", v)` -> `request.getAttribute("k")`: (reader, key's and value's
# argument positions)
KEYED = {"WithValue": ("Value", 1, 2), "setAttribute": ("getAttribute", 0, 1)}
_READERS = frozenset(reader for reader, _, _ in KEYED.values())


def read_key(name: str, arguments: list[Node]) -> str | None:
    """The name a keyed read goes by in ``Places.context`` (`Value(returnLabelKey{})`)."""
    if name in _READERS and len(arguments) == 1:
        return f"{name}({arguments[0].text()})"
    return None


def written(name: str, arguments: list[Node], values: list[Val]) -> tuple[str, Val] | None:
    """A keyed store's read name and the value it stores, for a call of ``name``."""
    if name not in KEYED:
        return None
    reader, key, value = KEYED[name]
    if len(arguments) != value + 1:
        return None
    return f"{reader}({arguments[key].text()})", values[value]
