"""Callbacks the data-flow engine follows with a value bound: what ``xs.map(x => ...)`` makes
of each element, the body of ``req.files.forEach((file) => { ... })`` with ``file`` an
element of the array, and ``p.then((data) => ...)`` with ``data`` what the promise holds
(calls.py asks; a callback's parameters are otherwise the API's values). Also React state:
what any callback hands ``setProfile(...)`` is what ``profile`` holds when the component renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditor.analysis.languages import Table
from auditor.analysis.values import NOTHING, Flow, Step, Val, cap, union

Node = Any  # ast_grep_py.SgNode (untyped)
State = dict[str, Val]


# `const [profile, setProfile] = useState(null)`: React's hook and Preact's
_STATE_HOOKS = frozenset({"useState", "React.useState"})


class CallbackMixin:
    t: Table
    function: Callable[..., None]  # params.ParamsMixin's (node, state, captured=)
    # React state: a setter's name -> its state variable, and what setters were handed so far
    setters: dict[str, str]
    cells: dict[str, Val]
    depth: int
    # (function depth, flows): what the returns of a callback walked for its value hand back
    frames: list[tuple[int, set[Flow]]]

    def state_hook(self, left: Node, right: Node) -> None:
        """Remember ``setProfile`` as the setter of ``profile`` in ``const [profile,
        setProfile] = useState(...)``."""
        if left.kind() != "array_pattern" or right.kind() != "call_expression":
            return
        function = right.field("function")
        names = [c.text() for c in left.named_children()]
        if function is not None and function.text() in _STATE_HOOKS and len(names) == 2:
            self.setters[names[1]] = names[0]

    def set_state(self, name: str, arg_nodes: list[Node], args: list[Val], step: Step) -> None:
        """``setProfile(p)`` (in an effect, a handler, a promise's callback): ``profile`` holds
        ``p`` from then on, whichever walk of the component's body reads it (an updater
        function, ``setCount(c => c + 1)``, is the state's own value again)."""
        cell = self.setters.get(name)
        if cell is None or not args or arg_nodes[0].kind() in self.t.functions:
            return
        self.cells[cell] = union(self.cells.get(cell, NOTHING), args[0].stepped(step))

    def promised(self, callback: Node, held: Val, st: State) -> Val | None:
        """``p.then((data) => ...)``: the callback's body with ``data`` what ``p`` holds; what
        the body returns (``r => r.json()``) is what the new promise holds."""
        if callback.kind() not in self.t.functions:
            return None
        mapped = self._mapped(callback, held, st)
        if mapped is not None:
            return mapped
        if held.tainted:
            return self.returned_by(callback, held, st)
        return None

    def returned_by(self, callback: Node, first: Val, st: State) -> Val:
        """What a callback with a block body returns (``useMemo(() => { ...; return
        DOMPurify.sanitize(raw); })``), its first parameter bound to ``first``."""
        inner = dict(st)
        name = self._first_parameter(callback)
        if name is not None:
            inner[name.text()] = first
        self.frames.append((self.depth + 1, set()))
        try:
            self.function(callback, inner)
        finally:
            _, flows = self.frames.pop()
        return Val(cap(frozenset(flows))) if flows else NOTHING

    def expr(self, node: Node, st: State) -> Val:
        raise NotImplementedError

    def _each(self, callback: Node, element: Val, st: State) -> None:
        """``req.files.forEach((file) => { ... })``: the callback's body again, its first
        parameter an element of the (tainted) array (the first walk saw an API's value)."""
        first = self._first_parameter(callback)
        if first is None:
            return
        inner = dict(st)
        inner[first.text()] = element
        self.function(callback, inner, captured=st)

    def _first_parameter(self, callback: Node) -> Node | None:
        params = callback.field("parameters") or callback.field("parameter")
        if params is None or params.kind() == "identifier":
            return params
        for child in params.named_children():
            if child.kind() == "identifier":
                return child
            if child.kind() in self.t.parameters:
                return next((n for n in child.named_children() if n.kind() == "identifier"), None)
        return None

    def _mapped(self, callback: Node, element: Val, st: State) -> Val | None:
        """The value of ``xs.map(x => body)``: the body with ``x`` bound to an element (as
        tainted as the array), when the callback is an arrow or lambda with an expression body
        (one parameter, or none: ``useMemo(() => body, deps)``)."""
        if callback.kind() not in ("arrow_function", "lambda_expression"):
            return None
        params = callback.field("parameter") or callback.field("parameters")
        body = callback.field("body")
        if body is None or body.kind() in ("statement_block", "block"):
            return None
        names = (
            []
            if params is None
            else [params]
            if params.kind() == "identifier"
            else [
                n if n.kind() == "identifier" else n.field("pattern")
                for n in params.named_children()
                if n.kind() == "identifier"
                or (
                    n.kind() in ("required_parameter", "optional_parameter")
                    and n.field("pattern") is not None
                    and n.field("pattern").kind() == "identifier"
                )
            ]
        )  # fmt: skip  (TypeScript: `(x: Row, i: number) => ...`)
        if len(names) > 2 or (params is not None and params.named_children() and not names):
            return None
        inner = dict(st)
        if names:
            inner[names[0].text()] = element
        if len(names) == 2:
            inner[names[1].text()] = NOTHING  # xs.map((x, i) => ...): the index, a number
        return self.expr(body, inner)
