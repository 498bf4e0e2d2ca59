"""Where a function's parameters come from, for the data-flow engine (taint.py): the request
(a route handler's parameters, matched by the shared source tables), the unit's caller (with
``sources: [parameters]``), or the API a callback is handed to (neither).
"""

from __future__ import annotations

import re
from typing import Any

from auditor.analysis.branches import BODY_KINDS
from auditor.analysis.languages import Table
from auditor.analysis.summaries import RECEIVER, mark
from auditor.analysis.values import Flow, Step, Val, merge_states

Node = Any
Key = tuple[int, int, str]
State = dict[str, Val]


def key_of(node: Node) -> Key:
    span = node.range()
    return (span.start.index, span.end.index, node.kind())


# Parameters whose names say they hold a command line or an SQL statement are code the caller
# writes (`def system(cmd)`, `def _run_sql(self, sql, params)`), not data built into the code's
# own text: on the standard library, IPython and pip every such flow was a helper doing as asked.
_CODE_PARAMETER = re.compile(
    r"(?i)(\w+_)?(cmd|command|cmdline|cmd_?line|sql|stmt|statement|clause)|sql_\w+"
)
_BOOLS = frozenset({"true", "false"})
# Parameters that hold the framework's request/response objects: their fields are sources only
# where the shared source table says so (request.args is input, request.method is not).
REQUEST_OBJECTS = frozenset(
    {
        "self",
        "cls",
        "this",
        "request",
        "req",
        "res",
        "response",
        "ctx",
        "context",
        "resp",
        "w",
        "r",
        "c",
        "next",
        "event",
        "info",
        "e",
        "session",
        "db",
        "conn",
        "cursor",
        "logger",
        "log",
        "app",
    }
)


class ParamsMixin:
    t: Table
    p: Any  # taint.Places
    depth: int
    returned: set[Flow]
    marks: dict[str, int]
    changed: dict[str, Val]
    receiver: str  # a Go method's receiver name: `a.entryPath(k)` calls the file's own method

    def block(self, node: Node, st: State) -> bool:
        raise NotImplementedError

    def expr(self, node: Node, st: State) -> Val:
        raise NotImplementedError

    def record_value(self, cls: str, node: Node) -> Val | None:
        raise NotImplementedError

    def function(self, node: Node, outer: State, captured: State | None = None) -> None:
        """Walk a function (the unit, or one nested in it) from ``outer``'s values. With
        ``captured``, what the body does to the enclosing function's variables goes back there
        too: ``headers.forEach((k, v) -> sb.append(v))``, ``xs.forEach(x => { html += x })``."""
        st = dict(outer)
        params = node.field("parameters") or node.field("parameter")
        self._walk_function(node, st, params)
        if captured is None:
            return
        own = (
            {params.text()}
            if params is not None and params.kind() == "identifier"
            else {
                n.text() for n in (params.find_all(kind="identifier") if params is not None else ())
            }
        )
        for name, before in list(outer.items()):
            after = st.get(name, before)
            if after is not before and name not in own and after.tainted:
                captured[name] = merge_states([{name: captured.get(name, before)}, {name: after}])[
                    name
                ]

    def _walk_function(self, node: Node, st: State, params: Node | None) -> None:
        holder = node.parent()
        # A callback's parameters are what the API it is handed to passes in (an event, a
        # promise's result), not the unit's caller's values: `.then((data) => ...)`.
        callback = holder is not None and holder.kind() in ("arguments", "argument_list")
        self.depth += 1
        receiver = node.field("receiver") if node.kind() == "method_declaration" else None
        if receiver is not None and self.depth == 1:  # Go: `func (a *Admin) Purge(...)`
            names = [n.text() for n in receiver.find_all(kind="identifier")]
            self.receiver = names[0] if names else ""
        if self.p.summary and self.depth == 1 and self.receiver:
            self.mark_receiver(self.receiver, st)  # Go: what `h.name` holds is the caller's
        elif self.p.summary and self.depth == 1 and self.t.sg_language != "python":
            self.mark_receiver("this", st)
        if params is not None and self.p.summary and self.depth == 1:
            self.mark_parameters(params, st)  # a helper being summarised: each one marked
        elif params is not None and not callback:
            for name, typed_text, child in self.parameter_names(params):
                numeric = any(
                    word in self.t.numeric_types or word in self.t.numbers or word in _BOOLS
                    for word in typed_text
                )
                if numeric and self.p.numbers_clean:
                    continue
                held = next((w for w in typed_text if w in self.p.records), None)
                if held is not None and (made := self.record_value(held, child)) is not None:
                    st[name] = made  # `check: IdentityCheck`: a record of the file, its fields
                    continue
                # A route handler's parameter (a source pattern matched it: `@app.get(...)`'s
                # function, `@RequestParam String q`) is the request's, not the caller's.
                source = self.p.sources.get(key_of(child))
                if source is not None:
                    what = "request parameter" if source == "request" else "parameter"
                    step = Step(child.range().start.line, f"{what} {name}")
                    st[name] = Val(frozenset({Flow(step, source)}))
                elif self.p.parameters and not _CODE_PARAMETER.fullmatch(name):
                    flow = Flow(Step(node.range().start.line, f"parameter {name}"), "parameter")
                    st[name] = Val(frozenset({flow}))
        body = node.field("body")
        if body is not None:
            if body.kind() in self.t.functions or body.kind() not in BODY_KINDS:
                value = self.expr(body, st)  # an arrow function's expression body
                if self.p.summary and self.depth == 1:
                    self.returned |= value.taint
            else:
                self.block(body, st)
                if self.p.summary and self.depth == 1:
                    self.changed = {
                        name: st[name] for name in self.marks if name in st
                    }  # what `appendReview(html, r)` leaves in `html`
        self.depth -= 1

    def mark_parameters(self, params: Node, st: State) -> None:
        """A summarised helper's parameters by position, as the caller's arguments line up
        (Python's ``self``/``cls`` is the receiver, not an argument)."""
        index = 0
        children = params.named_children() if params.kind() != "identifier" else [params]
        for child in children:
            if child.kind() not in self.t.parameters:
                continue
            names = [child] if child.kind() == "identifier" else [
                n for n in child.named_children() if n.kind() == "identifier"
            ]  # fmt: skip
            if self.t.sg_language != "go":  # Go declares several names with one type
                names = names[:1]
            if not names:
                # `renderPage({ title, flash, body })`: each name bound by the pattern holds
                # what the argument holds; a splat's position still counts
                for bound in _pattern_names(child):
                    step = Step(child.range().start.line, f"parameter {bound}")
                    st[bound] = Val(frozenset({Flow(step, mark(index))}))
                index += 1
                continue
            for name_node in names:
                name = name_node.text()
                if index == 0 and name in ("self", "cls") and self.t.sg_language == "python":
                    self.mark_receiver(name, st)
                    continue
                step = Step(child.range().start.line, f"parameter {name}")
                st[name] = Val(frozenset({Flow(step, mark(index))}))
                self.marks[name] = index
                index += 1

    def mark_receiver(self, name: str, st: State) -> None:
        """A summarised method's ``self``/``this``/Go receiver: what its fields hold is what
        the object the caller calls it on was made from (``BadgeRenderer(label=label)``)."""
        st[name] = Val(frozenset({Flow(Step(0, name), mark(RECEIVER))}))

    def parameter_names(self, params: Node) -> list[tuple[str, list[str], Node]]:
        """(name, words of its type and default, the parameter's node) of each parameter."""
        out: list[tuple[str, list[str], Node]] = []
        for child in params.named_children() if params.kind() != "identifier" else [params]:
            kind = child.kind()
            if kind not in self.t.parameters:
                continue
            pattern = next(
                (n for n in (child, *child.named_children()) if n.kind() == "object_pattern"), None
            )
            if kind == "identifier":
                names = [child]
            elif pattern is not None:
                # `function Card({ title, body: text })`: every name the pattern binds
                names = [
                    bound_name(n)
                    for n in pattern.named_children()
                    if n.kind()
                    in (
                        "shorthand_property_identifier_pattern",
                        "pair_pattern",
                        "object_assignment_pattern",
                    )
                ]
            else:
                names = [
                    n for n in child.named_children() if n.kind() == "identifier"
                ] or child.find_all(kind="identifier")
            if not names:
                continue
            types: list[str] = []
            if kind in self.t.typed:
                kinds = [n.kind() for n in child.named_children()]
                types = [n.text() for n in child.named_children() if n is not names[0]]
                types += kinds
            # Go declares several names with one type: `func f(first, last string)`
            every = names if self.t.sg_language == "go" or pattern is not None else names[:1]
            # `@RequestBody PreviewRequest request`: bound to the request by its annotation,
            # whatever its name (a FastAPI handler's `request: Request` is the framework's object)
            bound = self.t.sg_language == "java" and key_of(child) in self.p.sources
            # `ChargeRequest request`: a record class of the file, whatever its name
            bound = bound or any(t in self.p.records for t in types)
            out += [
                (n.text(), types, child) for n in every if bound or n.text() not in REQUEST_OBJECTS
            ]
        return out


def bound_name(node: Node) -> Node:
    """The name one part of an object pattern binds: ``a``, ``b: c``, ``d = 1``, ``e: f = 1``."""
    if node.kind() == "object_assignment_pattern" and node.named_children():
        return node.named_children()[0]
    if node.kind() == "pair_pattern":
        value = node.field("value") or node
        return value.field("left") or value if value.kind() == "assignment_pattern" else value
    return node


_PATTERNS = ("object_pattern", "array_pattern")
_BOUND = ("identifier", "shorthand_property_identifier_pattern")


def _pattern_names(parameter: Node) -> list[str]:
    """The names a destructuring parameter binds (JS/TS `{ a, b: c, d = 1 }`, `[x, y]`)."""
    patterns = [parameter] if parameter.kind() in _PATTERNS else [
        c for c in parameter.named_children() if c.kind() in _PATTERNS
    ]  # fmt: skip
    names: list[str] = []
    for pattern in patterns:
        for kind in _BOUND:
            names += [node.text() for node in pattern.find_all(kind=kind)]
    return names
