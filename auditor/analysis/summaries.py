"""Calls into functions of the same file: what the data-flow engine knows of a helper it meets.

A handler often hands request data to a helper defined beside it (``compileFilter(where)``,
``self._size_class(value)``), and the helper builds the query, evaluates the text or returns a
constant. Without the helper's body the engine can only guess (an unknown call's result is as
tainted as its arguments, and a sink inside the helper is never seen). With the file's other
functions at hand (``CodeUnit.siblings``), each helper the unit calls is walked once per rule,
its parameters marked (``arg0``, ``arg1``, ...), and summarised:

- ``returns``: which parameters reach a ``return`` (and with what text built around them), and
  which request reads inside it do; a helper that returns only constants returns nothing;
- ``sinks``: which parameters reach one of the rule's sinks inside it, and how.

At the call the caller's own flows go through the summary: into the result, or into a sink
reported at the call (its path says which helper and sink). One level only: a helper's own
calls are judged as unknown calls (Pysa and CodeQL go further; the corpus's files rarely do).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from auditor.analysis import patterns, records
from auditor.analysis.languages import TABLES
from auditor.analysis.values import MAX_LITERAL, NOTHING, Const, Flow, Step, Val, cap, union

if TYPE_CHECKING:
    from auditor.analysis.helpers import Helpers
    from auditor.analysis.spec import TaintSpec
    from auditor.analysis.taint import Engine, Node, SinkSpec, State
    from auditor.model import Siblings


T = TypeVar("T")


MARK = "arg"  # flow kind prefix of a helper's parameter while it is summarised


RECEIVER = 32  # the position a method's self/this/receiver is marked with


RECEIVERS = frozenset({"self", "this", "cls"})  # a call on these is to the file's own method


@dataclass(frozen=True)
class Summary:
    returns: tuple[Flow, ...] = ()  # parameter marks and request reads that reach a return
    sinks: tuple[tuple[int, SinkSpec, Flow, str], ...] = ()  # (parameter, sink, mark, sink text)
    # (parameter, flow): another parameter's mark (or a source) that the helper put into a
    # parameter it was handed, a builder or a writer (`appendReview(html, r)`)
    grows: tuple[tuple[int, Flow], ...] = ()
    # the keys of the dict or object every return hands back, and what each holds
    # (`return {"provider": p, "api_key": k}`): the caller can overwrite or mask one of them
    keyed: tuple[tuple[tuple[Const, ...], tuple[Flow, ...]], ...] | None = None


def mark(index: int) -> str:
    return f"{MARK}{index}"


def field_mark(name: str) -> str:
    """The mark of a summarised method's read of its object's field ``name`` (``self.title``)."""
    return f"{MARK}{RECEIVER}.{name}"


def marked(flow: Flow) -> int | None:
    """The parameter a summary's flow stands for (None for a request read)."""
    kind = flow.kind
    if kind.startswith(MARK):
        position = kind[len(MARK) :].split(".", 1)[0]
        if position.isdigit():
            return int(position)
    return None


def marked_field(flow: Flow) -> str | None:
    """The field of the object a receiver's mark stands for (``field_mark``), or None."""
    head, dot, name = flow.kind.partition(".")
    return name if dot and head == mark(RECEIVER) else None


def through(flow: Flow, inner: Flow, step: Step) -> Flow:
    """The caller's ``flow`` after the helper did ``inner`` to its parameter. A flow from the
    caller's own parameter keeps what the caller built of it: only text the unit itself builds
    its parameter into counts (``SinkSpec.accepts``), not a helper's way of using it."""
    if flow.kind == "parameter":
        return flow.to(step)
    literal = " ".join(p for p in (flow.literal, inner.literal) if p)[-MAX_LITERAL:]
    return replace(
        flow.to(step),
        built=flow.built or inner.built,
        literal=literal,
        led=flow.led if flow.built else inner.led,
    )


EMPTY = Summary()


_cache: dict[tuple[int, str, str, str], tuple[TaintSpec, object]] = {}


_CACHE_SIZE = 65536


def cached(what: str, spec: TaintSpec, language: str, text: str, make: Callable[[], T]) -> T:
    """Per rule (the spec object, kept alive with the entry) and helper text: a file's helpers
    are met again by every unit that calls them."""
    key = (id(spec), what, language, text)
    hit = _cache.get(key)
    if hit is not None and hit[0] is spec:
        return hit[1]  # type: ignore[return-value]
    value = make()
    if len(_cache) >= _CACHE_SIZE:
        _cache.clear()
    _cache[key] = (spec, value)
    return value


def summarize(
    spec: TaintSpec,
    language: str,
    text: str,
    helpers: Helpers | None = None,
    kept: dict[str, tuple[str, str]] | None = None,
    siblings: Siblings | None = None,
) -> Summary:
    """What reaches the helper ``text``'s returns and sinks; ``helpers``: the ones it calls;
    ``kept``: the request data it reads that the file's middleware stored (context.py);
    ``siblings``: the file's functions and classes."""
    # keyed by content: the same helper calling other bodies is another summary
    key = text if helpers is None else "\0".join([text, *sorted(helpers.bodies.values())])
    if kept:
        key = "\0".join([key, repr(sorted(kept.items()))])
    if siblings is not None and siblings.methods:
        key = "\0".join([key, *(name for name, _ in siblings.methods)])  # its classes' shape
    if siblings is not None and siblings.module:
        key = "\0".join([key, siblings.module])  # what a `file:` condition reads
    return cached(
        "summary",
        spec,
        language,
        key,
        lambda: _summarize(spec, language, text, helpers, kept, siblings),
    )


def _summarize(
    spec: TaintSpec,
    language: str,
    text: str,
    helpers: Helpers | None = None,
    kept: dict[str, tuple[str, str]] | None = None,
    siblings: Siblings | None = None,
) -> Summary:
    from auditor.analysis.spec import file_matcher  # spec imports this module's callers
    from auditor.analysis.taint import Engine  # taint imports this module for its calls

    table = TABLES.get(language)
    tree = patterns.unit_root(language, text)
    if table is None or tree is None:
        return Summary()
    # the sources and sinks with `file:` conditions count in a helper as in the unit
    file_has = file_matcher(language, siblings, text)
    places = spec.places(tree, text, summary=True, helpers=helpers, file_has=file_has)
    places.context = kept or {}
    places.siblings = siblings
    if spec.names:
        places.records = records.printed(siblings, language)
    engine = Engine(table, places)
    try:
        hits = engine.run(tree)
    except RecursionError:
        return Summary()
    returns = tuple(sorted(engine.returned, key=_order))
    sinks = []
    for hit in hits:
        for flow in hit.flows:
            index = marked(flow)
            if index is not None:
                sinks.append((index, hit.sink, flow, hit.text))
    grows = [
        (index, flow)
        for name, index in engine.marks.items()
        for flow in engine.changed.get(name, NOTHING).taint
        if marked(flow) != index and flow.kind != "name"
    ]
    keys = engine.returned_keys
    keyed = None
    if keys and returns:
        keyed = tuple(
            (key, tuple(sorted(flows, key=_order)))
            for key, flows in sorted(keys.items(), key=lambda item: repr(item[0]))
        )
    return Summary(
        returns,
        tuple(sorted(sinks, key=lambda s: (s[0], s[1].label, s[3]))),
        tuple(sorted(grows, key=lambda g: (g[0], _order(g[1])))),
        keyed,
    )


def _order(flow: Flow) -> tuple[object, ...]:
    return (flow.kind, flow.source.line, flow.source.text, flow.built, flow.literal, flow.led)


def call(
    engine: Engine,
    node: Node,
    name: str,
    helpers: Helpers,
    args: list[Val],
    st: State,
    recv: Val = NOTHING,
) -> Val:
    """A call into a helper of the file: a sink inside that an argument's flow reaches is a hit
    at the call; the result holds what reaches the helper's returns, and an argument the helper
    builds into (a StringBuilder, a Go *strings.Builder) holds what it was given. ``recv``:
    what the object a method is called on holds (its fields are read as ``self.x``)."""
    from auditor.analysis.params import key_of
    from auditor.analysis.taint import Hit, _ranked

    args = [union(a) for a in args]  # a dict or list argument: what it holds
    held = frozenset(f for f in union(recv).taint if f.kind != "parameter")
    if held and len(args) <= RECEIVER:  # an object with known fields keeps them apart
        args = [*args, *[NOTHING] * (RECEIVER - len(args)), recv if recv.keys else Val(held)]
    helper = helpers.summary(name, bool(held) or any(a.tainted for a in args))
    if helper is None:
        return NOTHING
    line = node.range().start.line
    if helper.grows:
        _grow(engine, node, name, helper, args, st)
    for index, sink, inner, text in helper.sinks:
        if index >= len(args):
            continue
        step = Step(line, f"{name}() passes it to {sink.label or ' '.join(text.split())[:40]}")
        flows = [f for f in (through(a, inner, step) for a in args[index].taint) if sink.accepts(f)]
        if flows:
            last = max(line, node.range().end.line)
            engine.hits.setdefault(
                key_of(node), Hit(sink, line, last, tuple(_ranked(flows)), node.text())
            )
    if engine.p.name_source is not None and _REDACTS.search(helpers.bodies.get(name, "")):
        return NOTHING  # loggable(md): a helper that writes "[redacted]" for what it hides
    if helper.keyed is not None:  # {"api_key": ...}: the caller sees the keys
        keys = {key: _returned(flows, args, line, name) for key, flows in helper.keyed}
        return Val(keys={key: Val(cap(frozenset(f))) if f else NOTHING for key, f in keys.items()})
    found = _returned(helper.returns, args, line, name)
    return Val(cap(frozenset(found))) if found else NOTHING


# A string a redacting helper puts where a secret was: "[redacted]", "***", "<hidden>"
_REDACTS = re.compile(
    r"""["'`][\[<(]?(?i:redacted|filtered|hidden|masked|removed)[\]>)]?["'`]"""
    r"""|["'`]\*{3,}["'`]"""
)


def _returned(flows: tuple[Flow, ...], args: list[Val], line: int, name: str) -> set[Flow]:
    """The caller's flows a helper's returned ``flows`` stand for."""
    found: set[Flow] = set()
    for inner in flows:
        if marked(inner) is None and inner.kind == "name":
            continue  # a name inside the helper says what it holds there; the caller names its own
        read = Step(line, f"{name}() returns {inner.source.text}")
        found |= _caller_flows(inner, args, read, Step(line, f"{name}()"))
    return found


def _caller_flows(inner: Flow, args: list[Val], read: Step, step: Step) -> set[Flow]:
    """What a helper's ``inner`` flow is at the call: a source read inside the helper starts
    anew at ``read``; a parameter's mark stands for the caller's flows into that argument."""
    position = marked(inner)
    if position is None:
        return {Flow(read, inner.kind, built=inner.built, literal=inner.literal)}
    if position >= len(args):
        return set()
    held = args[position]
    name = marked_field(inner)
    if name is not None and held.keys is not None:  # Landing(title=..., campaign=...).title
        held = union(held.keys.get((name,), NOTHING))
    found = {through(a, inner, step) for a in held.taint}
    if name is not None:  # self.banner() reading self.campaign: still that one field
        whole = mark(RECEIVER)
        found = {replace(f, kind=inner.kind) if f.kind == whole else f for f in found}
    return found


def _grow(
    engine: Engine, node: Node, name: str, helper: Summary, args: list[Val], st: State
) -> None:
    """``appendReview(html, r)``: ``html`` now holds what the helper appended of ``r``."""
    arguments = node.field("arguments")
    nodes = [c for c in arguments.named_children() if c.kind() != "comment"] if arguments else []
    step = Step(node.range().start.line, f"{name}()")
    for index, inner in helper.grows:
        if index >= len(nodes):
            continue
        target = nodes[index]
        if target.kind() == "unary_expression" and target.text().startswith("&"):
            target = target.named_children()[-1]  # Go's writeEntry(&b, e)
        if target.kind() not in engine.t.identifiers:
            continue
        added = _caller_flows(inner, args, step, step)
        if added:
            old = st.get(target.text(), NOTHING)
            st[target.text()] = union(old, Val(cap(frozenset(added))))
