"""Calls that change a container or a buffer for the data-flow engine (taint.py):
``put``/``append``/``pop`` on a dict or list the function made, ``sb.append(x)`` on a
builder, and Go's results written through pointers (``Decode(&req)``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from auditor.analysis.assign import AssignMixin, short
from auditor.analysis.callnames import (
    GO_READS,
    GO_WRITES,
)
from auditor.analysis.values import (
    NOTHING,
    Const,
    Step,
    Val,
    literal_of,
    union,
)

Node = Any
State = dict[str, Val]


class ContainerMixin(AssignMixin):
    def fill_pointers(self, node: Node, result: Val, st: State) -> None:
        """Go writes results through pointers: ``json.NewDecoder(r.Body).Decode(&req)``,
        ``fmt.Fprintf(&buf, "...%s", name)``, ``c.ShouldBindJSON(&form)``."""
        arguments = node.field("arguments")
        function = node.field("function")
        called = function.text().rsplit(".", 1)[-1] if function is not None else ""
        reads = called in GO_READS
        args = arguments.named_children() if arguments is not None else []
        for at, arg in enumerate(args):
            into = reads or (at == 0 and called in GO_WRITES and len(args) > 1)
            target = arg if into and arg.kind() in self.t.identifiers else None
            if arg.kind() == "unary_expression" and arg.text().startswith("&"):
                target = arg.named_children()[-1] if arg.named_children() else None
            kind = target.kind() if target is not None else ""
            if kind in self.t.identifiers or kind in self.t.members:
                old = self.expr(target, st)
                self.assign(target, union(old, result), st, node)

    def _chain_root(self, receiver: Node) -> str:
        """``sb`` for ``sb.append(a).append(b)``: the variable a chain of mutators changes."""
        while receiver.kind() in self.t.calls:
            spec = self.t.calls[receiver.kind()]
            inner = receiver.field(spec.receiver) if spec.name else receiver.field(spec.function)
            if inner is None:
                break
            if not spec.name and inner.kind() in self.t.members:
                inner = inner.field(self.t.members[inner.kind()][0])
            if inner is None:
                break
            receiver = inner
        return str(receiver.text())

    def _mutate(self, node: Node, rname: str, args: list[Val], st: State) -> None:
        base = st.get(rname, NOTHING)
        if base.keys is not None or base.items is not None:
            return
        if not any(a.tainted for a in args):
            if not base.tainted and args and all(a.textual for a in args):
                if isinstance(base.const, str) and all(isinstance(a.const, str) for a in args):
                    st[rname] = Val(const=base.const + "".join(str(a.const) for a in args))
                else:
                    st[rname] = Val(frag=literal_of(base, *args))
            return
        grown = union(base, *args)
        literal = literal_of(base, *args)
        if literal or any(f.built for f in base.taint):
            grown = grown.built(literal)
        st[rname] = grown.stepped(Step(node.range().start.line, short(node.text())))

    def _container_call(
        self, node: Node, rname: str, base: Val, name: str, args: list[Val], st: State
    ) -> Val | None:
        t = self.t
        consts: list[Const] = [a.const for a in args]
        if base.keys is not None:
            putter = name in t.putters | {"put", "set"} and len(args) >= 2
            if putter and all(c is not None for c in consts[:-1]):
                keys = dict(base.keys)
                keys[tuple(consts[:-1])] = args[-1]
                st[rname] = replace(base, keys=keys)
                return NOTHING
            if name in t.getters and args and consts[0] is not None:
                key = tuple(consts)
                found = base.keys.get(key) or base.keys.get(key[:1])
                if found is not None:
                    return found
                return union(*args[1:]) if len(args) > 1 else NOTHING
            return None
        items = base.items
        assert items is not None
        if name in t.appenders or name == "insert":
            if len(args) == 2 and isinstance(consts[0], int):  # add(index, value) / insert
                grown = list(items)
                grown.insert(consts[0], args[1])
                st[rname] = Val(items=tuple(grown))
            elif args:
                st[rname] = Val(items=(*items, args[-1]))
            return NOTHING
        if name in t.removers and items:
            index = consts[0] if args else (0 if name in ("shift", "poll") else -1)
            if isinstance(index, int) and -len(items) <= index < len(items):
                rest = list(items)
                removed = rest.pop(index)
                st[rname] = Val(items=tuple(rest))
                return removed
            return None
        if name in t.getters and args and isinstance(consts[0], int):
            index = consts[0]
            return items[index] if -len(items) <= index < len(items) else NOTHING
        return None
