"""Callbacks the data-flow engine follows with a value bound: what ``xs.map(x => ...)`` makes
of each element, and the body of ``req.files.forEach((file) => { ... })`` with ``file`` an
element of the array (calls.py asks; a callback's parameters are otherwise the API's values).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditor.analysis.languages import Table
from auditor.analysis.values import NOTHING, Val

Node = Any  # ast_grep_py.SgNode (untyped)
State = dict[str, Val]


class CallbackMixin:
    t: Table
    function: Callable[[Node, State], None]  # params.ParamsMixin's, in the engine

    def expr(self, node: Node, st: State) -> Val:
        raise NotImplementedError

    def _each(self, callback: Node, element: Val, st: State) -> None:
        """``req.files.forEach((file) => { ... })``: the callback's body again, its first
        parameter an element of the (tainted) array (the first walk saw an API's value)."""
        params = callback.field("parameters") or callback.field("parameter")
        first: Node | None = None
        if params is not None and params.kind() == "identifier":
            first = params
        elif params is not None:
            for child in params.named_children():
                if child.kind() == "identifier":
                    first = child
                elif child.kind() in self.t.parameters:
                    first = next(
                        (n for n in child.named_children() if n.kind() == "identifier"), None
                    )
                else:
                    continue
                break
        if first is None:
            return
        inner = dict(st)
        inner[first.text()] = element
        self.function(callback, inner)

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
