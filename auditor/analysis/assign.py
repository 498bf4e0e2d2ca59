"""Assignments for the data-flow engine (taint.py): where a value is stored.

Plain, augmented, chained and destructuring assignments, stores under a key or an index,
names bound by a comprehension, and the names a call's result is given. The base of the
engine's mixins (containers.py, calls.py); taint.py stays about control flow.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from auditor.analysis import context, fold, guards, summaries
from auditor.analysis.callbacks import CallbackMixin
from auditor.analysis.callnames import (
    PREDICATE,
)
from auditor.analysis.languages import Table
from auditor.analysis.params import bound_name, key_of
from auditor.analysis.values import (
    NOTHING,
    Flow,
    Step,
    Val,
    literal_of,
    union,
)

Node = Any
State = dict[str, Val]


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


# what holds what a client sent: a form, a body, a payload, parameters, headers
_SUBMITTED_NAME = re.compile(r"(?i)(form|body|payload|params|headers|query|args|input)$")


class AssignMixin(CallbackMixin):
    t: Table
    p: Any  # taint.Places
    relatives: dict[str, str]  # branches.BranchMixin's
    lookups: dict[str, str]  # branches.BranchMixin's
    receiver: str  # params.ParamsMixin's
    recording: bool  # taint.Engine's (context.py)
    context_writes: dict[str, Val]

    def named_part(self, base: Val, key: str, node: Node) -> Val:
        raise NotImplementedError

    def expr(self, node: Node, st: State) -> Val:
        raise NotImplementedError

    def callee(self, node: Node) -> tuple[Node | None, str]:
        raise NotImplementedError  # calls.CallMixin's

    def record_value(self, cls: str, node: Node) -> Val | None:
        raise NotImplementedError  # calls.CallMixin's

    def own_key(self, receiver: Node | None, name: str) -> str | None:
        raise NotImplementedError  # calls.CallMixin's

    def assignment(self, node: Node, st: State) -> Val:
        kind = node.kind()
        t = self.t
        if kind in t.augmented:
            left, right, op = node.field("left"), node.field("right"), "+="
        else:
            spec = t.assignments.get(kind) or t.declarations[kind]
            left, right = node.field(spec.left), node.field(spec.right)
            op = fold.operator(node, [c for c in (left, right) if c is not None]) or "="
            if kind in t.declarations:
                op = "="
        if left is None:
            return NOTHING
        if right is None:  # `String bar;` declares without a value
            declared = node.field("type") if kind in t.declarations else None
            made = self.record_value(declared.text(), node) if declared is not None else None
            self.assign(left, made or NOTHING, st, node)  # `var cfg Config`: its fields, by name
            return NOTHING
        if op == "=" and right.kind() == kind and kind in t.assignments:
            return self._chained(node, st)
        value = self.expr(right, st)
        if kind in t.declarations and self.p.numbers_clean and self._numeric_declaration(node):
            value = Val(const=value.const)  # `long total = ...`: a number holds no text
        if op not in ("=", ":="):
            old = self.expr(left, st)
            joined = union(old, value)
            const = fold.binary(op[:-1], [old.const, value.const], self.t.integer_division)
            textual = old.textual or value.textual
            if joined.tainted and (textual or any(f.built for f in joined.taint) or op == "+="):
                joined = joined.built(literal_of(old, value))
            value = Val(joined.taint, const=const)
        self.assign(left, value, st, node)
        if left.kind() == "array_pattern":
            self.state_hook(left, right)
        made = right.named_children()[0] if right.kind() == "expression_list" else right
        if made.kind() in t.calls:
            if (full := guards.relative_of(made)) is not None:
                first = left if left.kind() in t.identifiers else left.named_children()[0]
                self.relatives[first.text()] = full  # rel, err := filepath.Rel(root, full)
            key = guards.lookup_of(made) if left.kind() in t.identifiers else None
            if key is not None:
                self.lookups[left.text()] = key  # label = SECTION_TITLES.get(seg)
        if op in ("=", ":=") and not union(value).tainted:
            self._named_result(left, right, node, st)
        return value

    def _named_result(self, left: Node, right: Node, node: Node, st: State) -> None:
        """``accessToken = tokenProvider.currentToken()``, ``jwt, err := signer.Sign(uid)``:
        what an unknown call returns is judged by the name the code gives it (a masking call
        is a sanitizer, a test's answer is not what it tested)."""
        t = self.t
        if right.kind() == "expression_list" and len(right.named_children()) == 1:
            right = right.named_children()[0]  # Go: `jwt, err := signer.Sign(uid)`
        if self.p.name_source is None or right.kind() not in t.calls:
            return
        receiver, callee = self.callee(right)
        if (
            key_of(right) in self.p.sanitizers
            or PREDICATE.match(callee)
            or self._clean_helper(receiver, callee)
        ):
            return
        targets = [left] if left.kind() in t.identifiers else []
        if left.kind() in ("expression_list", "pattern_list", "tuple_pattern"):
            targets = [c for c in left.named_children() if c.kind() in t.identifiers]
        line = node.range().start.line
        for target in targets:
            name = target.text()
            if self.p.name_source(name) and not PREDICATE.match(name):
                st[name] = Val(frozenset({Flow(Step(line, short(node.text())), "name")}))

    def holds_secret(self, holder: Node, whole: Val, part: Val, st: State) -> None:
        """``form.Get("client_secret")`` read a secret out of the request's ``form``: logging
        the whole ``form`` afterwards logs it too (a name rule's field reads go by their key,
        so ``form.Get("scope")`` stays clean)."""
        if not part.tainted:
            return
        if holder.kind() in self.t.identifiers or holder.kind() in self.t.members:
            name = holder.text()
            submitted = any(f.kind == "request" for f in union(whole).taint)
            if name.split(".", 1)[0] not in summaries.RECEIVERS and (
                submitted or _SUBMITTED_NAME.search(name.rsplit(".", 1)[-1])
            ):
                st[name] = union(st.get(name, NOTHING), part)

    def _clean_helper(self, receiver: Node | None, name: str) -> bool:
        """A call of the file's own helper whose body returns nothing of its inputs or of a
        source (``authScheme(header)``: the part before the space, or "none"): its result is
        what its body says, whatever the name it is given."""
        key = self.own_key(receiver, name)
        if key is None:
            return False
        assert self.p.helpers is not None
        helper = self.p.helpers.summary(key, True)
        return helper is not None and not helper.returns

    def _chained(self, node: Node, st: State) -> Val:
        """``a = b = c = value``, walked in a loop: a test may chain hundreds of names."""
        spec = self.t.assignments[node.kind()]
        links: list[tuple[Node, Node]] = []
        current = node
        while current.kind() == node.kind():
            left, right = current.field(spec.left), current.field(spec.right)
            op = fold.operator(current, [c for c in (left, right) if c is not None])
            if left is None or right is None or op != "=":
                break
            links.append((left, current))
            current = right
        # a link that is not a plain `=` ends the chain and is an assignment of its own
        ends = current.kind() == node.kind()
        value = self.assignment(current, st) if ends else self.expr(current, st)
        for left, link in reversed(links):
            self.assign(left, value, st, link)
        return value

    def _numeric_declaration(self, declarator: Node) -> bool:
        """Java/Go/TS: the declared type of a local cannot carry text (int, Long, number)."""
        holder = declarator.parent()
        declared = holder.field("type") if holder is not None else None
        if declared is None:
            declared = declarator.field("type")
        if declared is None:
            return False
        text = declared.text().lstrip(":").strip()
        return text in self.t.numeric_types or declared.kind() in self.t.numeric_types

    def assign(self, target: Node, value: Val, st: State, at: Node) -> None:
        t = self.t
        kind = target.kind()
        step = Step(at.range().start.line, short(at.text()))
        if kind in t.identifiers:
            st[target.text()] = value.stepped(step)
        elif kind in t.members:
            obj_field, prop_field = t.members[kind]
            obj, prop = target.field(obj_field), target.field(prop_field)
            base = st.get(obj.text()) if obj is not None else None
            if base is not None and base.keys is not None and prop is not None:
                keys = dict(base.keys)
                keys[(prop.text(),)] = value.stepped(step)
                st[obj.text()] = replace(base, keys=keys)
            else:
                st[target.text()] = value.stepped(step)
                if self.recording and value.tainted and context.TARGET.fullmatch(target.text()):
                    self.context_writes[target.text()] = value
        elif kind in t.subscripts:
            self._store(target, value.stepped(step), st)
        elif kind in (
            "pattern_list",
            "tuple_pattern",
            "expression_list",
            "list_pattern",
            "array_pattern",
            "tuple",
            "list",
        ):
            targets = [c for c in target.named_children() if c.kind() != "comment"]
            items = value.items
            go_results = (
                t.sg_language == "go"
                and len(targets) > 1
                and (items is None or len(items) != len(targets))
            )  # one call's several results
            for index, child in enumerate(targets):
                part = items[index] if items is not None and len(items) == len(targets) else value
                if go_results and index == len(targets) - 1 and child.text() in ("err", "ok"):
                    part = NOTHING  # `dump, err := httputil.DumpRequest(r, true)`: an error
                self.assign(child, union(part) if part.items or part.keys else part, st, at)
        elif kind == "object_pattern":  # const { a, b: c, d = 'x', e: f = '' } = req.body
            for child in target.named_children():
                name = bound_name(child)
                key = child.field("key") if child.kind() == "pair_pattern" else name
                looked = value.keys.get((key.text(),)) if value.keys is not None else None
                if looked is None and self.p.name_source is not None and key is not None:
                    looked = self.named_part(value, key.text(), child)  # { email, password }
                if name is not None:
                    self.assign(name, looked or union(value), st, at)
        else:
            for ident in target.find_all(kind="identifier"):
                st[ident.text()] = union(value).stepped(step)

    def _store(self, target: Node, value: Val, st: State) -> None:
        obj_field, index_field = self.t.subscripts[target.kind()]
        obj, index = target.field(obj_field), target.field(index_field)
        if obj is None:
            return
        name = obj.text()
        at = self.expr(index, st) if index is not None else NOTHING
        base = st.get(name)
        if base is not None and base.keys is not None and at.const is not None:
            keys = dict(base.keys)
            keys[(at.const,)] = value
            st[name] = replace(base, keys=keys)
        elif base is not None and base.items is not None and isinstance(at.const, int):
            items = list(base.items)
            if -len(items) <= at.const < len(items):
                items[at.const] = value
            st[name] = replace(base, items=tuple(items))
        elif value.tainted:
            st[name] = union(base or NOTHING, value)

    def comprehension(self, node: Node, st: State) -> Val:
        inner = dict(st)
        for clause in node.named_children():
            if clause.kind() == "for_in_clause":
                right = clause.field("right")
                left = clause.field("left")
                if right is not None and left is not None:
                    self.assign(left, union(self.expr(right, inner)), inner, clause)
        body = node.field("body")
        return union(self.expr(body, inner)) if body is not None else NOTHING
