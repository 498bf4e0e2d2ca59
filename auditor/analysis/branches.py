"""Branches and loops for the data-flow engine (taint.py): where paths split and join.

An ``if`` whose condition folds to a constant runs one branch only; guards (allow-lists,
equality with a literal, regex checks) clean the guarded name on the path where they hold; a
branch that ends in return/raise/abort does not flow on; loops run twice (the join-only lattice
reaches its fixed point by then); a switch on a constant takes its matching case.
"""

from __future__ import annotations

from typing import Any

from auditor.analysis import fold, guards
from auditor.analysis.languages import Table
from auditor.analysis.values import CHECKED, NOTHING, Val, merge_states, union

Node = Any
State = dict[str, Val]

BODY_KINDS = frozenset({"block", "statement_block", "compound_statement", "constructor_body"})
_GO_SWITCHES = frozenset({"expression_switch_statement", "type_switch_statement"})
_CASE_KINDS = frozenset({"expression_case", "default_case", "type_case"})


class BranchMixin:
    relatives: dict[str, str]  # `rel = path.relative(root, full)`: rel -> full
    lookups: dict[str, str]  # `label = TITLES.get(seg)`: label -> seg
    t: Table
    p: Any  # taint.Places

    def expr(self, node: Node, st: State) -> Val:
        raise NotImplementedError

    def stmt(self, node: Node, st: State) -> bool:
        raise NotImplementedError

    def assign(self, target: Node, value: Val, st: State, at: Node) -> None:
        raise NotImplementedError

    def if_(self, node: Node, st: State) -> bool:
        initializer = node.field("initializer")  # Go: `if v := f(x); v != "" {`
        if initializer is not None:
            self.stmt(initializer, st)
        branches, else_body = self.if_parts(node)
        outs: list[State] = []
        cur: State | None = dict(st)
        for cond, body in branches:
            assert cur is not None
            value = self.expr(cond, cur) if cond is not None else NOTHING
            no_guards: tuple[set[str], set[str]] = (set(), set())
            when_true, when_false = (
                guards.guards(self.t, cond, self.p.prefix_guards) if cond is not None else no_guards
            )
            if value.const is not None and not value.tainted and not value.const:
                self.sanitize(cur, when_false)
                continue
            inside = dict(cur)
            self.sanitize(inside, when_true)
            if body is not None and self.stmt(body, inside):
                outs.append(inside)
            if value.const is not None and not value.tainted and value.const:
                cur = None
                break
            cur = dict(cur)
            self.sanitize(cur, when_false)
        if cur is not None:
            if else_body is not None:
                if self.stmt(else_body, cur):
                    outs.append(cur)
            else:
                outs.append(cur)
        if not outs:
            return False
        st.clear()
        st.update(merge_states(outs))
        return True

    def if_parts(self, node: Node) -> tuple[list[tuple[Node, Node]], Node | None]:
        branches = [(node.field("condition"), node.field("consequence"))]
        else_body = None
        for alt in node.field_children("alternative"):
            if alt.kind() == "elif_clause":
                branches.append((alt.field("condition"), alt.field("consequence")))
            elif alt.kind() == "else_clause":
                else_body = alt.field("body") or next(iter(alt.named_children()), None)
            else:
                else_body = alt
        return branches, else_body

    def sanitize(self, st: State, names: set[str]) -> None:
        if self.p.name_source is not None:
            return  # a secret that passed a check (`header.startsWith("Bearer ")`) is still one
        # A check that vouches for another name: `rel.startsWith('..')` for the path `rel` was
        # made relative from, a truthy `label` for the key a constant table was read under.
        # Without that other name it vouches for nothing (`name.startsWith('..')` on a raw
        # name, a truthy value of any other kind).
        stands_for = ((guards.RELATIVE, self.relatives), (guards.TRUTHY, self.lookups))
        for name in names:
            for marker, aliases in stands_for:
                if name.startswith(marker):
                    name = aliases.get(name[len(marker) :], "")
                    break
            if name:
                st[name] = CHECKED

    def loop(self, node: Node, st: State) -> None:
        before = dict(st)
        var_field, iter_field = self.t.foreach.get(node.kind(), ("", ""))
        for _ in range(2):
            inside = dict(st)
            if iter_field:
                iterated = node.field(iter_field)
                target = node.field(var_field)
                if iterated is not None:
                    value = union(self.expr(iterated, inside))
                    if target is not None:
                        self.assign(target, value, inside, node)
            else:
                for child in node.named_children():
                    if child.kind() not in BODY_KINDS:
                        self.expr(child, inside)
            body = node.field("body")
            if body is not None:
                self.stmt(body, inside)
            st.clear()
            st.update(merge_states([before, inside]))

    def switch(self, node: Node, st: State) -> None:
        initializer = node.field("initializer")  # Go: `switch v := f(x); v {`
        if initializer is not None:
            self.stmt(initializer, st)
        subject = node.field("condition") or node.field("value")
        value = self.expr(subject, st) if subject is not None else NOTHING
        body = node.field("body")
        if body is None and node.kind() in _GO_SWITCHES:
            body = node  # Go's cases are the statement's own children
        if body is None:
            return
        groups = [g for g in body.named_children() if g.kind() in _CASE_KINDS or body is not node]
        groups = [g for g in groups if g.kind() != "comment"]
        chosen = groups
        if value.const is not None and not value.tainted:
            matching = [g for g in groups if fold.case_matches(g, value.const)]
            if matching:
                chosen = matching[:1]
            elif any(fold.is_default(g) for g in groups):
                chosen = [g for g in groups if fold.is_default(g)][:1]
        outs = [dict(st)] if chosen is groups else []
        for group in chosen:
            inside = dict(st)
            for child in group.named_children():
                if child.kind() in ("switch_label", "case", "default"):
                    continue
                if not self.stmt(child, inside):
                    break
            outs.append(inside)
        st.clear()
        st.update(merge_states(outs or [st]))
