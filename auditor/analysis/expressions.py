"""Expressions for the data-flow engine (taint.py): what a name, a string, a member, a
subscript, an operator or a literal container holds where it is read.

A mixin over calls.py (and through it containers.py and assign.py); taint.py keeps the
statements, the sinks and what a helper's body returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from auditor.analysis import fold, guards, summaries
from auditor.analysis.assign import short
from auditor.analysis.calls import _COMPREHENSIONS, CallMixin
from auditor.analysis.constants import CONSTANT_NAME
from auditor.analysis.helpers import is_property
from auditor.analysis.params import key_of
from auditor.analysis.values import (
    CHECKED,
    CLEAN,
    NOTHING,
    Flow,
    Step,
    Taint,
    Val,
    leading,
    literal_of,
    row_key,
    union,
)

Node = Any  # ast_grep_py.SgNode (untyped)
State = dict[str, Val]

# the field of a parse or validation result that holds the data itself
_ENVELOPES = frozenset({"data", "value", "validated", "output"})
STORED_KEYS = frozenset({"id", "_id", "pk", "uuid", "ID", "Id"})
_BARE_FIELDS = frozenset({"java", "csharp"})  # a method reads its object's fields by bare name
_SUBMITTED = re.compile(r"(?i)token|otp|totp|one_?time_?(code|password)|mfa_?code")


class ExprMixin(CallMixin):
    _handled: set[tuple[int, int, str]]  # taint.Engine's: sinks being checked
    receiver_mark: str  # taint.Engine's

    sink_check: Callable[[Node, State], None]  # taint.Engine's
    sanitize: Callable[[State, set[str]], None]  # branches.BranchMixin's, in the engine

    # -- expressions -------------------------------------------------------------------

    def expr(self, node: Node, st: State) -> Val:
        key = key_of(node)
        if key in self.p.sinks and key not in self._handled:
            self.sink_check(node, st)
        if key in self.p.sanitizers:
            for child in node.named_children():  # sinks inside still count: bool(tree.xpath(q))
                self.expr(child, st)
            return NOTHING
        source = self.p.sources.get(key)
        if source is not None and st.get(node.text()) is CHECKED:
            source = None  # `_validate_name(info.filename)` ran before: this read is checked
        kind = node.kind()
        t = self.t
        if source is not None:
            if any(key[0] <= k[0] and k[1] <= key[1] and k != key for k in self.p.sinks):
                for child in node.named_children():  # df.query(q).to_json(), a `stored` read
                    self.expr(child, st)  # as a whole: the sink inside still counts
            line = node.range().start.line
            found = Val(frozenset({Flow(Step(line, short(node.text())), source)}))
            if t.sg_language == "go" and kind in t.calls:
                self.fill_pointers(node, found, st)  # c.ShouldBindJSON(&form)
            return found
        if kind in t.identifiers:
            return self.name(node.text(), st, node)
        if kind == "this":
            return st.get("this", NOTHING)  # a summarised method's object (params.mark_receiver)
        if kind in t.strings:
            return self.string(node, st)
        if kind in t.numbers:
            return Val(const=fold.number(node.text()))
        if kind in ("true", "false"):
            return Val(const=kind == "true")
        if kind in t.members:
            return self.member(node, st)
        if kind in t.subscripts:
            return self.subscript(node, st)
        if kind in t.calls:
            return self.call(node, st)
        if kind in t.binaries or kind == "comparison_operator":
            return self.binary(node, st)
        if kind in t.not_kinds or kind == "not_operator":
            inner = [self.expr(c, st) for c in node.named_children()]
            value = union(*inner)
            op = node.child(0).text() if node.child(0) is not None else ""
            if inner and inner[-1].const is not None and op in ("!", "not"):
                return Val(value.taint, const=not inner[-1].const)
            return value
        if kind in t.ternaries:
            return self.ternary(node, st)
        if kind in t.assignments or kind in t.declarations or kind in t.augmented:
            return self.assignment(node, st)
        if kind in t.functions:
            self.function(node, st, captured=st)
            return NOTHING
        if kind in t.containers or kind in ("tuple", "expression_list", "array_initializer"):
            return self.container(node, st)
        if kind in _COMPREHENSIONS:
            return self.comprehension(node, st)
        if kind == "as_pattern":
            children = node.named_children()
            value = self.expr(children[0], st)
            if len(children) > 1:
                self.assign(children[-1], value, st, node)
            return value
        if kind in ("keyword_argument", "pair"):
            value_node = node.field("value")
            return self.expr(value_node, st) if value_node is not None else NOTHING
        if kind in (
            "parenthesized_expression",
            "await",
            "await_expression",
            "cast_expression",
            "as_expression",
            "non_null_expression",
            "satisfies_expression",
            "type_assertion",
            "spread_element",
            "list_splat",
            "argument",
        ):
            inner = [  # `(await res.json()) as Page`: the value, not the type named
                c
                for c in node.named_children()
                if not c.kind().endswith(("type", "type_identifier", "type_arguments"))
            ]
            return self.expr(inner[-1], st) if inner else NOTHING
        children = node.named_children()
        if not children:
            return NOTHING
        return union(*(self.expr(c, st) for c in children))

    def name(self, name: str, st: State, node: Node) -> Val:
        value = st.get(name)
        cell = self.cells.get(name)
        if cell is not None:
            return union(value or NOTHING, cell)  # React state a setter was handed
        if value is not None:
            return value
        if CONSTANT_NAME.fullmatch(name):
            # a constant defined elsewhere (UPLOAD_DIR): text, not input; the text it holds
            # when the file binds it to literals (TEMPLATE = "<html>..."), for sinks' `literal`
            return Val(frag=self.p.constants.get(name, ""))
        if self.p.name_source is not None and self.p.name_source(name):
            line = node.range().start.line
            return Val(frozenset({Flow(Step(line, name), "name")}))
        if self.p.summary and self.t.sg_language in _BARE_FIELDS and name[:1].islower():
            this = st.get("this")
            if this is not None and any(f.kind == self.receiver_mark for f in this.taint):
                # a Java method's bare `service`: its object's field (locals are bound)
                step = Step(node.range().start.line, name)
                return Val(frozenset({Flow(step, summaries.field_mark(name))}))
        return NOTHING

    def string(self, node: Node, st: State) -> Val:
        parts = (
            [c for c in node.find_all(kind=next(iter(self.t.interpolations), "-"))]
            if (self.t.interpolations)
            else []
        )
        if self.t.sg_language == "php":
            parts = node.find_all(kind="variable_name")
        if not parts:
            return Val(const=fold.string_value(node))
        opening = len(node.text()) - len(node.text().lstrip("rRbBfFuU`'\"$@"))
        start = node.range().start.index + opening  # the first character inside the quotes
        value = union(*(leading(self.expr(c, st), c.range().start.index <= start) for c in parts))
        return value.built(fold.string_value(node) or "") if value.tainted else NOTHING

    def member(self, node: Node, st: State) -> Val:
        dotted = node.text()
        if dotted in st:
            return st[dotted]
        if dotted in self.p.context:  # res.locals.flash, set by the file's middleware
            kind, what = self.p.context[dotted]
            step = Step(node.range().start.line, f"{dotted} (set from {what})")
            return Val(frozenset({Flow(step, kind)}))
        obj_field, prop_field = self.t.members[node.kind()]
        obj = node.field(obj_field)
        prop = node.field(prop_field)
        prop_name = prop.text() if prop is not None else ""
        base = self.expr(obj, st) if obj is not None else NOTHING
        if prop_name in ("length", "size"):
            return NOTHING
        if obj is not None and prop_name and (own := self.own_key(obj, prop_name)) is not None:
            assert self.p.helpers is not None
            body = self.p.helpers.bodies.get(own, "")
            if is_property(body):  # asset.path: what the property's body returns
                return summaries.call(self, node, own, self.p.helpers, [], st, base)  # type: ignore[arg-type]
        if self.p.summary and prop_name and any(f.kind == self.receiver_mark for f in base.taint):
            step = Step(node.range().start.line, dotted)  # self.title: the caller's object's
            return Val(frozenset({Flow(step, summaries.field_mark(prop_name))}))
        if base.keys is not None:
            return base.keys.get((prop_name,), NOTHING)
        if self.p.name_source is not None:
            part = self.named_part(base, prop_name, node, dotted)
            if obj is not None:
                self.holds_secret(obj, base, part, st)
            return part
        if prop_name in STORED_KEYS and (key := row_key(base)) is not None:
            return key  # a saved row's key is the database's (`${p.id}`)
        return Val(base.taint)

    def named_part(self, base: Val, key: str, node: Node, dotted: str = "") -> Val:
        """With a rule that goes by names (``password``), a field or key read is judged by its
        name: ``req.body.password`` is sensitive, ``req.body.username`` is not, whatever the
        object as a whole is."""
        assert self.p.name_source is not None
        if (
            self.p.name_source(key)
            or (dotted and self.p.name_source(dotted))
            or (_SUBMITTED.fullmatch(key) and any(f.kind == "request" for f in base.taint))
        ):
            line = node.range().start.line
            return Val(frozenset({Flow(Step(line, short(node.text())), "name")}))
        if key in _ENVELOPES:  # parsed.data: what a schema's safeParse(req.body) checked
            return Val(frozenset(f for f in base.taint if f.kind == "request"))
        return NOTHING

    def subscript(self, node: Node, st: State) -> Val:
        obj_field, index_field = self.t.subscripts[node.kind()]
        obj = node.field(obj_field)
        index = node.field(index_field)
        base = self.expr(obj, st) if obj is not None else NOTHING
        at = self.expr(index, st) if index is not None else NOTHING
        if at.const is not None and base.keys is not None:
            return base.keys.get((at.const,), NOTHING)
        if isinstance(at.const, int) and base.items is not None:
            items = base.items
            return items[at.const] if -len(items) <= at.const < len(items) else NOTHING
        if isinstance(at.const, str) and self.p.name_source is not None:
            return self.named_part(base, at.const, node)
        if isinstance(base.const, str) and index is not None and index.kind() == "slice":
            return NOTHING
        if not self.p.numbers_clean:  # CHARS[random index] is as random as the index
            return union(base, at)
        return Val(union(base).taint)

    def ternary(self, node: Node, st: State) -> Val:
        cond_f, then_f, else_f = self.t.ternaries[node.kind()]
        if not cond_f:  # python: `a if c else b`
            a, c, b = node.named_children()[:3]
        else:
            c, a, b = node.field(cond_f), node.field(then_f), node.field(else_f)
        test = self.expr(c, st)
        if test.const is not None and not test.tainted:
            return self.expr(a if test.const else b, st)
        # `ALLOWED.contains(s) ? s : "name"`: each branch sees what its side of the test checked
        when_true, when_false = guards.guards(self.t, c, self.p.prefix_guards)
        if not when_true and not when_false:
            return union(self.expr(a, st), self.expr(b, st))
        yes, no = dict(st), dict(st)
        self.sanitize(yes, when_true)
        self.sanitize(no, when_false)
        return union(self.expr(a, yes), self.expr(b, no))

    def binary(self, node: Node, st: State) -> Val:
        children = node.named_children()
        values = [self.expr(c, st) for c in children]
        op = fold.operator(node, children)
        consts = [v.const for v in values]
        const = fold.binary(op, consts, self.t.integer_division) if len(values) == 2 else None
        if op == "in" and len(values) == 2 and values[1].keys is not None and values[0].const:
            const = (values[0].const,) in values[1].keys  # JS: 'x' in { a: 1 }
        if op in (
            "==",
            "!=",
            "===",
            "!==",
            "<",
            ">",
            "<=",
            ">=",
            "in",
            "not in",
            "instanceof",
            "and",
            "or",
            "&&",
            "||",
        ):
            taint: Taint = CLEAN  # a test yields a boolean, not the text
            if op in ("and", "or", "&&", "||"):
                taint = union(*values).taint  # `a or b` / `a || b` is one of them
            return Val(taint, const=const)
        if op == "+" and len(values) == 2:
            values = [leading(values[0], True), leading(values[1], False)]
        elif op == "%" and len(values) == 2 and isinstance(values[0].const, str):
            values[1] = _formatted(values[0].const, values[1])  # "%s < %s" % (pager, path)
        merged = union(*values)
        if merged.tainted and any(v.textual for v in values):
            merged = merged.built(literal_of(*values))
        elif not merged.tainted and const is None and any(v.textual for v in values):
            return Val(frag=literal_of(*values))  # BASE_DIR + "/": text, partly unknown
        return Val(merged.taint, const=const)

    def container(self, node: Node, st: State) -> Val:
        kind = node.kind()
        if kind in ("dictionary", "object"):
            keys: dict[tuple[Any, ...], Val] = {}
            loose: list[Val] = []
            for child in node.named_children():
                if child.kind() == "pair":
                    k = child.field("key")
                    value = self.expr(child.field("value"), st)
                    kv = fold.key_const(k) if k is not None else None
                    if kv is None:
                        loose.append(value)
                    else:
                        keys[(kv,)] = value
                elif child.kind() in self.t.identifiers:  # JS shorthand `{ name }`
                    keys[(child.text(),)] = self.expr(child, st)
                elif child.kind() in ("spread_element", "dictionary_splat"):
                    spread = self.expr(child, st)  # `{ ...signup, ip }`: its keys, then ours
                    if spread.keys is not None and not spread.taint:
                        keys.update(spread.keys)
                    else:
                        loose.append(spread)
                else:
                    loose.append(self.expr(child, st))
            if loose:
                return union(*loose, Val(keys=keys))
            return Val(keys=keys)
        items = tuple(self.expr(c, st) for c in node.named_children() if c.kind() != "comment")
        return Val(items=items)


# A bare `token` is a lexer's as often as a credential, so names alone do not count it; read
# from the request's own data (`request.data["token"]`, `req.body.otp`) it is what the client
# sent to prove who it is: a reset link's token, a one-time code.


def _formatted(form: str, value: Val) -> Val:
    """The arguments of ``form % value``: the first leads the text if ``form`` starts with it."""
    first = form.startswith("%")
    if value.items is None:
        return leading(value, first)
    items = tuple(leading(v, first and i == 0) for i, v in enumerate(value.items))
    return union(*items)
