"""One intra-function data-flow (taint) engine for every rule and every language with a table.

The engine walks a unit's syntax tree in execution order with a state that maps each variable
(or dotted name such as ``self.query``) to a ``Val``: the flows of source text it may hold, its
constant value when known, and the contents of a dict/map/list built in the function. Places are
given by the rule as structural patterns, resolved to nodes before the walk (``Places``):
sources start a flow, sanitizers end one, sinks report the flows that reach their focus.

What it models, because real code needs it (see the analysis issue):
- assignment kills (a constant overwrite cleans a variable), ``+=`` and string building join;
- calls: the result carries the receiver's and arguments' text unless the call is a sanitizer
  or returns no text (``len``, ``equals``); mutators (``sb.append(x)``) taint their receiver;
- containers built here: constant keys and simple list operations are tracked, so a read under
  another key or index is clean;
- conditions that fold to a constant skip the branch that never runs; branches merge; loops run
  to a fixed point (two passes suffice for the join-only lattice used here);
- allow-list and equality guards (``if x not in ALLOWED: raise``) clean the guarded variable.
Calls into functions of the same file are judged by their bodies (summaries.py); calls into
others are not followed (their result is tainted by their arguments).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from auditor.analysis import fold, summaries, templates
from auditor.analysis.branches import BranchMixin
from auditor.analysis.calls import _COMPREHENSIONS, CallMixin, short
from auditor.analysis.constants import CONSTANT_NAME
from auditor.analysis.languages import Table
from auditor.analysis.params import ParamsMixin, key_of
from auditor.analysis.summaries import Helpers
from auditor.analysis.values import (
    CHECKED,
    CLEAN,
    NOTHING,
    Const,
    Flow,
    Step,
    Taint,
    Val,
    cap,
    leading,
    literal_of,
    row_key,
    tiebreak,
    union,
)

if TYPE_CHECKING:
    from auditor.model import Siblings

Node = Any  # ast_grep_py.SgNode (untyped)
Key = tuple[int, int, str]
State = dict[str, Val]


@dataclass(frozen=True)
class SinkSpec:
    label: str  # what the sink is, for messages ("cursor.execute")
    focus: str  # metavariable whose value must not be tainted ("" = the whole match)
    direct_parameters: bool = False  # a parameter counts without string building
    literal: Callable[[str], bool] | None = None  # built text must look like this (SQL, ...)
    built_only: bool = False  # only values built into text count (an HTML page returned)
    template: Node | None = None  # a template's text: only what it leaves unescaped counts

    def accepts(self, flow: Flow) -> bool:
        literal_ok = self.literal is None or (flow.built and self.literal(flow.literal))
        if flow.kind == "parameter" and not self.direct_parameters:
            # A parameter is the caller's: it counts where the code itself builds it into the
            # sink's language (SQL, a shell line: the sink's `literal`); passed on to an API that
            # does what its caller asks (open, eval, a TLS option), it is the caller's call. One
            # that starts the text is the command or statement itself (`pager + " " + file`).
            return self.literal is not None and literal_ok and not flow.led
        if self.built_only and not flow.built:
            return False
        return literal_ok if flow.built else True


@dataclass
class Places:
    """Source, sanitizer and sink nodes of one unit, by node key."""

    sources: dict[Key, str] = field(default_factory=dict)  # key -> flow kind
    sanitizers: set[Key] = field(default_factory=set)
    sinks: dict[Key, list[tuple[SinkSpec, Node]]] = field(default_factory=dict)  # focus nodes
    sink_lines: set[int] = field(default_factory=set)  # where each sink match starts
    parameters: bool = False  # a function's parameters are sources
    name_source: Callable[[str], bool] | None = None  # a name that says what it holds
    numbers_clean: bool = False  # a number carries no text (injection rules), vs. randomness
    prefix_guards: bool = False  # `if not p.startswith(root): raise` cleans p (paths, URLs)
    summary: bool = False  # a same-file helper being summarised (summaries.py)
    helpers: Helpers | None = None  # the same-file functions the unit calls
    constants: Mapping[str, str] = field(default_factory=dict)  # the file's text constants
    # request data the file's middleware keeps on a per-request object (context.py):
    # `res.locals.flash` -> (flow kind, the source it was set from)
    context: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    siblings: Siblings | None = None  # the file's functions and classes
    # a name rule's: the fields each record class of the file prints (records.py)
    records: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # the file's compiled templates that escape what they render (templates.py)
    templates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Hit:
    """A sink reached by a flow."""

    sink: SinkSpec
    first_line: int  # 0-based lines of the sink within the unit
    last_line: int
    flows: tuple[Flow, ...]
    text: str  # the sink's code, for the path's last step


_NOTHING_KINDS = frozenset({"none", "null", "undefined", "nil"})
# the field of a parse or validation result that holds the data itself
_ENVELOPES = frozenset({"data", "value", "validated", "output"})
STORED_KEYS = frozenset({"id", "_id", "pk", "uuid", "ID", "Id"})
_BARE_FIELDS = frozenset({"java", "csharp"})  # a method reads its object's fields by bare name


class Engine(CallMixin, BranchMixin, ParamsMixin):
    def __init__(self, table: Table, places: Places) -> None:
        self.t = table
        self.p = places
        self.hits: dict[Key, Hit] = {}
        self._handled: set[Key] = set()
        self.returned: set[Flow] = set()  # summary: what reaches the helper's own returns
        self.marks: dict[str, int] = {}  # summary: each parameter's position
        self.changed: dict[str, Val] = {}  # summary: the parameters' values at the body's end
        self.depth = 0  # functions entered (1: the unit's own)
        self.setters: dict[str, str] = {}
        self.cells: dict[str, Val] = {}
        self.frames: list[tuple[int, set[Flow]]] = []
        self.relatives: dict[str, str] = {}
        self.lookups: dict[str, str] = {}
        self.receiver = ""
        self.recording = False  # context.py: keep what is stored on per-request objects
        self.receiver_mark = summaries.mark(summaries.RECEIVER)
        self.context_writes: dict[str, Val] = {}
        # summary: what each key of the dict or object the helper returns holds (None once a
        # return hands back something else)
        self.returned_keys: dict[tuple[Const, ...], set[Flow]] | None = {}

    def keyed_return(self, values: list[Val], nodes: list[Node]) -> None:
        if self.returned_keys is None:
            return
        if not nodes or (len(nodes) == 1 and nodes[0].kind() in _NOTHING_KINDS):
            return  # `return null` when the input is invalid: no keys, and nothing else
        if len(values) != 1 or not values[0].keys:
            self.returned_keys = None
            return
        for key, inner in values[0].keys.items():  # (a key keeps its name: see _keyed)
            self.returned_keys.setdefault(key, set()).update(_as_fields(union(inner).taint))

    # -- entry -------------------------------------------------------------------------

    def run(self, root: Node) -> list[Hit]:
        self.block(root, {})
        return sorted(self.hits.values(), key=lambda h: (h.first_line, h.sink.label))

    # -- statements (return False when the path ends here) -----------------------------

    def block(self, node: Node, st: State) -> bool:
        return all(self.stmt(child, st) for child in node.children() if child.is_named())

    def stmt(self, node: Node, st: State) -> bool:
        kind = node.kind()
        t = self.t
        self.sink_check(node, st)
        if kind in t.functions:
            self.function(node, st)
            return True
        if kind in t.ifs:
            return self.if_(node, st)
        if kind in t.loops or kind in t.foreach:
            self.loop(node, st)
            return True
        if kind in SWITCHES:
            self.switch(node, st)
            return True
        if kind in t.assignments or kind in t.declarations:
            self.expr(node, st)  # Go: `x := e` and `x = e` are statements of their own
            return True
        if kind in t.terminators:
            returned = node.named_children()
            values = [self.expr(child, st) for child in returned]
            if self.p.summary and self.depth == 1 and kind == "return_statement":
                self.returned |= _keyed(values, returned)
                self.keyed_return(values, returned)
            if self.frames and self.frames[-1][0] == self.depth and kind == "return_statement":
                self.frames[-1][1].update(union(*values).taint)
            return False
        if kind == "expression_statement" and _aborts(node):
            self.block(node, st)
            return False
        checked = fold.validated(self.t, node) if kind == "expression_statement" else set()
        if checked:
            self.block(node, st)
            self.sanitize(st, checked)
            return True
        if kind in EXPRESSION_STATEMENTS or kind.endswith(("block", "statement", "clause")):
            if kind in ("try_statement", "try_with_resources_statement"):
                # the handlers run after any part of the body: each sees the state so far
                for child in node.named_children():
                    self.stmt(child, st)
                return True
            if kind == "with_statement":
                self.block(node, st)
                return True
            return self.block(node, st)
        if kind in (
            "module",
            "program",
            "source_file",
            "decorated_definition",
            "class_body",
            "class_definition",
            "class_declaration",
            "statement_list",
        ):
            return self.block(node, st)
        self.expr(node, st)
        return True

    # -- sinks -------------------------------------------------------------------------

    def sink_check(self, node: Node, st: State) -> None:
        key = key_of(node)
        found = self.p.sinks.get(key)
        if not found or key in self._handled:
            return
        if node.kind() in self.t.calls and self.own_call(*self.callee(node)):
            # `self.find(name)` where the file defines `find`: the helper's body decides (its
            # summary), not the library API a sink pattern of that shape stands for
            return
        self._handled.add(key)
        for spec, focus in found:
            if spec.template is not None and not self._unescaped(spec.template, focus):
                continue
            value = union(self.expr(focus, st))
            flows = [f for f in value.taint if spec.accepts(f)]
            if flows:  # pinned from the sink's first line to its tainted argument's last
                first = node.range().start.line
                last = max(first, focus.range().end.line)
                self.hits.setdefault(
                    key, Hit(spec, first, last, tuple(_ranked(flows)), node.text())
                )
        self._handled.discard(key)

    def _unescaped(self, template: Node, argument: Node) -> bool:
        """Whether the template leaves ``argument`` (``memo=...``) unescaped: it writes
        ``{{ memo|safe }}``, or turns autoescaping off. The template's text is a literal or one
        of the file's text constants; one that cannot be read counts as escaping."""
        text = templates.text_of(template, self.p.constants)
        if not text or argument.kind() != "keyword_argument":
            return False
        if templates.AUTOESCAPE_OFF.search(text):
            return True
        name = argument.field("name")
        return name is not None and name.text() in templates.safe_placeholders(text)

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
            self.function(node, st)
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
            if summaries.is_property(body):  # asset.path: what the property's body returns
                return summaries.call(self, node, own, self.p.helpers, [], st, base)
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
        when_true, when_false = fold.guards(self.t, c, self.p.prefix_guards)
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
_SUBMITTED = re.compile(r"(?i)token|otp|totp|one_?time_?(code|password)|mfa_?code")

SWITCHES = frozenset(
    {"switch_expression", "switch_statement", "expression_switch_statement",
     "type_switch_statement"}
)  # fmt: skip
_ABORTS = frozenset({"abort", "sys.exit", "exit", "os._exit", "os.abort", "flask.abort",
                     "process.exit", "http.Error", "log.Fatal", "log.Fatalf", "panic"})  # fmt: skip


def _keyed(values: list[Val], nodes: list[Node]) -> set[Flow]:
    """What a helper's return hands back. A name flow inside a helper says what one of its
    variables holds, and the caller names the result its own way (summaries.call drops it);
    but a dict or object returned (``{"api_key": api_key}``) carries its keys to the caller,
    so a secret under a key that says so stays one ("field"), and so does a Go struct's
    (``clientInfo{APIKey: r.Header.Get("X-Api-Key")}``)."""
    flows = union(*values).taint
    nodes = [
        c for n in nodes for c in (n.named_children() if n.kind() == "expression_list" else [n])
    ]
    if not any(v.keys for v in values) and not any(n.kind() == "composite_literal" for n in nodes):
        return set(flows)
    return _as_fields(flows)


def _as_fields(flows: Taint) -> set[Flow]:
    """``flows`` with each name flow kept as a field's: a returned key says what it holds."""
    return {replace(f, kind="field") if f.kind == "name" else f for f in flows}


def _aborts(statement: Node) -> bool:
    """``abort(404)`` / ``sys.exit(1)`` / ``panic(err)``: the path ends here."""
    calls = statement.named_children()
    if len(calls) != 1 or calls[0].kind() not in ("call", "call_expression"):
        return False
    function = calls[0].field("function")
    return function is not None and function.text() in _ABORTS


def _formatted(form: str, value: Val) -> Val:
    """The arguments of ``form % value``: the first leads the text if ``form`` starts with it."""
    first = form.startswith("%")
    if value.items is None:
        return leading(value, first)
    items = tuple(leading(v, first and i == 0) for i, v in enumerate(value.items))
    return union(*items)


def _ranked(flows: list[Flow]) -> list[Flow]:
    return sorted(
        cap(frozenset(flows)), key=lambda f: (f.kind != "request", f.source.line, tiebreak(f))
    )


EXPRESSION_STATEMENTS = frozenset(
    {
        "expression_statement",
        "local_variable_declaration",
        "lexical_declaration",
        "variable_declaration",
        "var_declaration",
        "short_var_declaration",
        "with_clause",
        "with_item",
        "finally_clause",
        "except_clause",
        "catch_clause",
        "labeled_statement",
        "defer_statement",
        "go_statement",
    }
)
