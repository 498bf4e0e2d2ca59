"""Calls for the data-flow engine (taint.py): what a call returns and what it changes.

The top of the engine's mixins (assign.py, containers.py); taint.py stays about control flow.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.analysis import context, fold, records, summaries
from auditor.analysis.assign import short
from auditor.analysis.callnames import (
    CONST_STRING_METHODS,
    CONSTANT_KEY,
    ELEMENT_CALLBACKS,
    GO_DECODERS,
    GO_FORMATS,
    JAVA_FORMATS,
    LOOKUPS,
    MAP_TYPES,
    NOT_A_GETTER,
    PRESERVING,
    RESETS,
    stored_row,
)
from auditor.analysis.containers import ContainerMixin
from auditor.analysis.formats import java_numbers_formatted, numbers_formatted
from auditor.analysis.params import key_of
from auditor.analysis.values import (
    CHECKED,
    NOTHING,
    Const,
    Flow,
    Step,
    Val,
    literal_of,
    row_key,
    union,
)

Node = Any
State = dict[str, Val]

_COMPREHENSIONS = frozenset(
    {"list_comprehension", "generator_expression", "set_comprehension", "dictionary_comprehension"}
)


# a saved row's key is the database's, not text a user wrote (expressions.STORED_KEYS for fields)
ID_GETTERS = frozenset({"getId", "id", "getUuid", "uuid", "getPk", "pk", "ID", "GetID", "GetId"})


_BEAN_GETTER = re.compile(r"get[A-Z]\w*")
# a name in the plural: a store or a service of the things (`this.apiKeys`, `self.tokens`)
_PLURAL = re.compile(r"(?<![.\w])(?:\w+\.)?\w*[a-z](?<!s)s$")
# a pydantic model's fields as a dict or JSON, minus `exclude`, or only `include`
_DUMPS = frozenset({"model_dump", "model_dump_json", "dict", "json"})


class CallMixin(ContainerMixin):
    # -- the file's record classes ----------------------------------------------------

    def _record(self, node: Node) -> Val | None:
        """A call that makes one of the file's record classes (``Creds(...)``, ``new
        Creds(...)``, ``Creds.builder()...build()``, ``Settings.model_validate(body)``): the
        object holds what its default text prints, a field whose name says it is a secret
        (records.py); None for any other call."""
        shown = self.p.records
        if not shown:
            return None
        root = node
        while True:  # the start of the chain: Creds.builder().pan(p).build() -> Creds
            if root.kind() in ("object_creation_expression", "new_expression"):
                root = root.field("type") or root.field("constructor") or root
                break
            spec = self.t.calls.get(root.kind())
            if spec is None:
                break
            inner = root.field(spec.receiver) if spec.receiver else root.field(spec.function)
            if inner is None:
                break
            if inner.kind() in self.t.members:
                inner = inner.field(self.t.members[inner.kind()][0])
            if inner is None:
                break
            root = inner
        return self.record_value(root.text(), node)

    def record_value(self, cls: str, node: Node) -> Val | None:
        """An object of the file's record class ``cls`` made (or received) at ``node``: what
        its default text prints, field by field; None when ``cls`` is no record class."""
        fields = self.p.records.get(cls)
        if fields is None or self.p.name_source is None:
            return None
        line = node.range().start.line
        keys: dict[tuple[Const, ...], Val] = {
            (f,): Val(
                frozenset({Flow(Step(line, f"{short(node.text())} (prints its {f})"), "printed")})
            )
            if self.p.name_source(f)
            else NOTHING
            for f in fields
        }
        return Val(keys=keys)  # settings.host, creds.getUser(): each field by its name

    def _plain_record(
        self, name: str, arg_nodes: list[Node], args: list[Val]
    ) -> dict[tuple[Const, ...], Val] | None:
        """A Python class of the file without an ``__init__`` of its own (a dataclass, an attrs
        or pydantic model), made with keyword arguments (or, for a declared record, positional
        ones in field order): each is the field of that name. None for any other call."""
        siblings = self.p.siblings
        if self.t.sg_language != "python" or siblings is None:
            return None
        if siblings.text_of(f"{name}.__init__") is not None:
            return None
        fields = records.declared(siblings).get(name)
        if fields is None and not siblings.is_class(name):
            return None
        keys: dict[tuple[Const, ...], Val] = {}
        for at, (arg_node, value) in enumerate(zip(arg_nodes, args, strict=True)):
            if arg_node.kind() == "keyword_argument" and (key := arg_node.field("name")):
                keys[(key.text(),)] = value
            elif fields is not None and at < len(fields) and "splat" not in arg_node.kind():
                keys[(fields[at],)] = value
            else:
                return None
        return keys or None

    # -- calls -------------------------------------------------------------------------

    def callee(self, node: Node) -> tuple[Node | None, str]:
        """The receiver and the name a call node calls: ``obj.m(x)`` -> (obj, "m"), ``f(x)`` ->
        (None, "f"), ``new Foo<T>(x)`` -> (None, "Foo")."""
        spec = self.t.calls[node.kind()]
        if spec.name:
            name_node = node.field(spec.name)
            return node.field(spec.receiver), name_node.text() if name_node is not None else ""
        function = node.field(spec.function)
        if function is None:
            return None, ""
        if function.kind() in self.t.members:
            obj_field, prop_field = self.t.members[function.kind()]
            prop = function.field(prop_field)
            return function.field(obj_field), prop.text() if prop is not None else ""
        if function.kind() in self.t.identifiers:
            return None, function.text()
        return None, function.text().split("<")[0].rsplit(".", 1)[-1]

    def own_call(self, receiver: Node | None, name: str) -> bool:
        return self.own_key(receiver, name) is not None

    def own_key(self, receiver: Node | None, name: str) -> str | None:
        """A call of a function of the unit's own file (bare, or on self/this/cls), or of a
        method of the file's class that the receiver is declared as (``this.exporter.export``
        -> ``PdfExportService.export``): its body decides (summaries.py), not an unknown
        call's rule or a library sink of that name. The key its summary goes by, or None."""
        helpers = self.p.helpers
        if helpers is None:
            return None
        if (
            receiver is None
            or receiver.text() in summaries.RECEIVERS
            or (self.receiver and receiver.text() == self.receiver)
        ):
            return name if name in helpers else None
        made = None  # new LogRef(service, file).under(root): the class made there
        if receiver.kind() == "object_creation_expression":
            made = receiver.field("type")
        elif receiver.kind() == "new_expression":
            made = receiver.field("constructor")
        held = made.text() if made is not None else receiver.text()
        first, _, rest = held.partition(".")
        if rest and (first in summaries.RECEIVERS or first == self.receiver):
            held = rest  # this.exporter, self.store, h.svc (Go): the field
        if helpers.siblings is None or not held.replace("_", "a").replace("$", "a").isalnum():
            return None
        key = helpers.siblings.typed(held, name)
        return key if key is not None and key in helpers else None

    def call(self, node: Node, st: State) -> Val:
        if st.get(node.text()) is CHECKED:
            return NOTHING  # `if (THEMES.contains(c.getValue())) theme = c.getValue();`
        t = self.t
        spec = t.calls[node.kind()]
        receiver, name = self.callee(node)
        function = None if spec.name else node.field(spec.function)
        if (
            function is not None
            and function.kind() not in t.members
            and function.kind() not in t.identifiers
            and function.kind() not in ("type_identifier", "generic_type", "scoped_type_identifier")
        ):
            self.expr(function, st)  # `make_handler()(x)`: what is called is computed first
        arguments = node.field(spec.arguments)
        if arguments is not None and arguments.kind() in _COMPREHENSIONS:
            arg_nodes = [arguments]  # f(x for x in xs): the generator is the one argument
        elif arguments is not None:
            arg_nodes = [c for c in arguments.named_children() if c.kind() != "comment"]
        else:
            arg_nodes = []
        args = [self.expr(a, st) for a in arg_nodes]
        recv = self.expr(receiver, st) if receiver is not None else NOTHING
        if self.p.templates and (
            (receiver is None and name in self.p.templates)
            or (name == "render" and receiver is not None and receiver.text() in self.p.templates)
        ):
            return NOTHING  # renderSlip({ order, note }): a compiled template escapes each one
        if (kept := context.read_key(name, arg_nodes)) in self.p.context:
            kind, what = self.p.context[kept]  # ctx.Value(labelKey{}): the middleware's
            step = Step(node.range().start.line, f"{short(node.text())} (set from {what})")
            return Val(frozenset({Flow(step, kind)}))
        if self.p.name_source is not None and (made := self._record(node)) is not None:
            return made  # MailSettings.from_input(data): what its repr shows
        stored = context.written(name, arg_nodes, args) if self.recording else None
        if stored is not None and stored[1].tainted:
            self.context_writes[stored[0]] = stored[1]
        if recv.keys is not None and name in _DUMPS and receiver is not None:
            return Val(keys=_dumped(recv.keys, arg_nodes))  # model_dump(exclude={"ssn"})
        if recv.keys is not None and not args and (name,) in recv.keys:
            return recv.keys[(name,)]  # a Java record's accessor: creds.username()
        if recv.keys is not None and not args and _BEAN_GETTER.fullmatch(name):
            return recv.keys.get((name[3].lower() + name[4:],), NOTHING)  # creds.getUser()
        if name in ID_GETTERS and not args and (row := row_key(recv)) is not None:
            return row  # row.getId()
        if receiver is None and name in self.setters:
            step = Step(node.range().start.line, short(node.text()))
            self.set_state(name, arg_nodes, args, step)
        if name == "then" and receiver is not None and arg_nodes:
            held = self.promised(arg_nodes[0], recv, st)
            if held is not None:
                return held  # fetch(url).then((r) => r.json()): the body the response holds
        if (own := self.own_key(receiver, name)) is not None:
            return summaries.call(self, node, own, self.p.helpers, args, st, recv)  # type: ignore[arg-type]
        if name in ("map", "flatMap") and receiver is not None and len(arg_nodes) == 1:
            if key_of(arg_nodes[0]) in self.p.sanitizers:
                return NOTHING  # .map(HtmlUtils::htmlEscape): each one made safe
            mapped = self._mapped(arg_nodes[0], recv, st)
            if mapped is not None:
                return mapped  # xs.map(x => escape(x.name)): what the callback makes of each
            passed = _passed_function(arg_nodes[0])
            if passed is not None and self.own_call(None, passed):  # xs.map(render)
                each = [union(recv)]
                return summaries.call(self, node, passed, self.p.helpers, each, st)  # type: ignore[arg-type]
        if name in ELEMENT_CALLBACKS and receiver is not None and arg_nodes:
            element = union(recv)
            if element.tainted and arg_nodes[0].kind() in t.functions:
                self._each(arg_nodes[0], element, st)
        if (
            name == "from"
            and receiver is not None
            and receiver.text() == "Array"
            and len(arg_nodes) == 2
        ):
            made = self._mapped(arg_nodes[1], NOTHING, st)
            if made is not None:
                return union(made)  # Array.from({ length: 10 }, () => pick()): what it makes
        if name == "useMemo" and arg_nodes:
            memo = self._mapped(arg_nodes[0], NOTHING, st)
            if memo is not None:
                return memo  # useMemo(() => sanitize(html), [html]): the callback's value
            if arg_nodes[0].kind() in t.functions:
                return self.returned_by(arg_nodes[0], NOTHING, st)
        if self.p.numbers_clean and self.t.sg_language == "go" and name in GO_FORMATS:
            args = numbers_formatted(args, GO_FORMATS[name])
        elif self.p.numbers_clean and self.t.sg_language == "java" and name in JAVA_FORMATS:
            args = java_numbers_formatted(args, recv if name == "formatted" else None)
        if receiver is None and name == "dict" and args and args[0].keys is not None:
            keys = dict(args[0].keys)  # dict(settings, api_key=masked): a copy, one key replaced
            for arg_node, value in zip(arg_nodes[1:], args[1:], strict=True):
                key = arg_node.field("name") if arg_node.kind() == "keyword_argument" else None
                if key is None:
                    return union(*args)
                keys[(key.text(),)] = value
            return Val(keys=keys)
        if receiver is None and arg_nodes and (fields := self._plain_record(name, arg_nodes, args)):
            return Val(keys=fields)  # Landing(title="Pricing", campaign=c): its fields apart
        constructor = node.kind() in ("object_creation_expression", "new_expression")
        if constructor or (receiver is None and name in ("dict", "list")):
            made = _container(name, args)
            if made is not None:
                return made
        if (receiver is None and name in t.clean_functions) or (
            receiver is not None and name in t.clean_methods
        ):
            return NOTHING
        go_first = arg_nodes[0] if arg_nodes and self.t.sg_language == "go" else None
        if stored_row(name, receiver, go_first):
            # a row the query found, not the text it was looked up by; but the rows of a query
            # that is a `stored` source stay what was stored (`Member.query.filter_by(...).first()`)
            return Val(frozenset(f for f in recv.taint if f.kind == "stored"))
        if isinstance(recv.const, str) and name in CONST_STRING_METHODS and not recv.tainted:
            consts = [a.const for a in args]
            if all(c is not None for c in consts):
                return Val(const=CONST_STRING_METHODS[name](recv.const, consts))
        rname = receiver.text() if receiver is not None else ""
        base = st.get(rname) if rname else None
        if base is not None and (base.keys is not None or base.items is not None):
            handled = self._container_call(node, rname, base, name, args, st)
            if handled is not None:
                return handled
        key = args[0].const if args else None
        constant = CONSTANT_KEY.fullmatch(arg_nodes[0].text()) if arg_nodes else None
        if key is None and constant is not None:
            key = constant.group(1)  # headers.get(X_TRACE_ID): judged by the constant's name
        if self.p.name_source is not None:
            if (
                isinstance(key, str)
                and receiver is not None
                and (name in t.getters or name.startswith(("get", "Get")) or name in LOOKUPS)
            ):
                part = self.named_part(recv, key, node)  # request.getHeader("Authorization")
                self.holds_secret(receiver, recv, part, st)
                return part
            if self.p.name_source(name) and not name.startswith(NOT_A_GETTER):
                line = node.range().start.line  # signAccessToken(user.id): a token
                return Val(frozenset({Flow(Step(line, short(node.text())), "name")}))
            if (
                not args
                and _BEAN_GETTER.fullmatch(name)
                and name not in PRESERVING
                and recv.tainted
                and all(f.kind == "name" for f in recv.taint)
            ):
                return NOTHING  # jwt.getSubject(): a claim the token carries, not the token
            if (
                receiver is not None
                and name not in PRESERVING
                and recv.tainted
                and all(f.kind == "name" for f in recv.taint)
                and _PLURAL.search(receiver.text())
            ):
                return NOTHING  # apiKeys.authenticate(k): a store of keys answers with its own
        if name in t.getters and receiver is not None:
            return union(recv, *args[1:])  # a lookup yields the container's value, not the key
        if name in RESETS and receiver is not None and not any(a.tainted for a in args):
            root = self._chain_root(receiver)  # sb.setLength(0): what was appended is gone
            st[root] = Val(items=()) if (base and base.items is not None) else Val(const="")
            return NOTHING
        if name in t.mutators and receiver is not None:
            self._mutate(node, self._chain_root(receiver), args, st)
            if name == "update" and t.sg_language == "python":
                return NOTHING  # dict.update -> None, QuerySet.update -> the rows' count
        if self.p.name_source is not None and name not in PRESERVING:
            args = [Val(const=a.const, frag=a.frag) for a in args]  # charge(card) is no card
        result = union(recv, *args)
        if result.tainted and (recv.textual or any(a.textual for a in args)):
            result = result.built(literal_of(recv, *args))
        if result.tainted and self.t.sg_language == "go":
            self.fill_pointers(node, result, st)
            if name in GO_DECODERS:
                return NOTHING  # err := json.Unmarshal(body, &req): the data went into req
        elif not result.tainted and (
            recv.textual or (constructor and any(a.textual for a in args))
        ):
            return Val(frag=literal_of(recv, *args))  # new StringBuilder("SELECT "), BASE.strip()
        return result


# Go: calls that fill a byte slice they are given (rand.Read(buf), io.ReadFull(r.Body, buf)),
# and formatting calls (name -> index of the format): a value printed with %d carries no text.


def _passed_function(node: Node) -> str | None:
    """The function named by a map's argument: ``render``, ``Page::render``, ``this::render``."""
    if node.kind() == "identifier":
        return str(node.text())
    if node.kind() == "method_reference":
        parts = [c for c in node.named_children() if c.kind() == "identifier"]
        return str(parts[-1].text()) if parts else None
    return None


def _container(type_name: str, args: list[Val]) -> Val | None:
    base = type_name.split("<")[0].rsplit(".", 1)[-1]
    if args:
        return None
    if any(word in base for word in MAP_TYPES) or base == "dict":
        return Val(keys={})
    if base in ("list", "ArrayList", "LinkedList", "Vector", "ArrayDeque", "Stack", "Array"):
        return Val(items=())
    return None


def _dumped(
    keys: dict[tuple[Const, ...], Val], arg_nodes: list[Node]
) -> dict[tuple[Const, ...], Val]:
    """The fields ``model_dump(include=..., exclude=...)`` keeps (literal sets or dicts)."""
    kept = dict(keys)
    for arg in arg_nodes:
        if arg.kind() != "keyword_argument":
            continue
        name, value = arg.field("name"), arg.field("value")
        if name is None or value is None or value.kind() not in ("set", "dictionary", "list"):
            continue
        listed = {fold.string_value(n) for n in value.named_children()} | {
            fold.string_value(p.field("key")) for p in value.named_children() if p.kind() == "pair"
        }
        if name.text() == "exclude":
            kept = {k: v for k, v in kept.items() if k[0] not in listed}
        elif name.text() == "include":
            kept = {k: v for k, v in kept.items() if k[0] in listed}
    return kept
