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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from auditor.analysis import guards, summaries, templates
from auditor.analysis.assign import short
from auditor.analysis.branches import BranchMixin
from auditor.analysis.expressions import ExprMixin
from auditor.analysis.helpers import Helpers
from auditor.analysis.languages import Table
from auditor.analysis.params import ParamsMixin, key_of
from auditor.analysis.values import Const, Flow, Step, Taint, Val, cap, tiebreak, union

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
    alone: bool = False  # the match is a finding by itself (spec.Sink.alone)

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


class Engine(ExprMixin, BranchMixin, ParamsMixin):
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
        checked = guards.validated(self.t, node) if kind == "expression_statement" else set()
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
            if spec.alone:  # the setting is the leak: it is its own source
                line = node.range().start.line
                flows = [Flow(Step(line, short(node.text())), "setting")]
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
