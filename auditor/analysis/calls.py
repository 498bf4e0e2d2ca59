"""Assignments and calls for the data-flow engine (taint.py): where values move.

A mixin so that taint.py stays about control flow; both read the same language table.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from auditor.analysis import context, fold, summaries
from auditor.analysis.callbacks import CallbackMixin
from auditor.analysis.callnames import (
    CONST_STRING_METHODS,
    CONSTANT_KEY,
    ELEMENT_CALLBACKS,
    GO_FORMATS,
    GO_READS,
    GO_WRITES,
    JAVA_FORMATS,
    JAVA_NUMBER_VERBS,
    LOOKUPS,
    MAP_TYPES,
    NOT_A_GETTER,
    NUMBER_VERBS,
    PREDICATE,
    PRESERVING,
    RESETS,
    VERB,
    stored_row,
)
from auditor.analysis.languages import Table
from auditor.analysis.params import bound_name, key_of
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


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


# a saved row's key is the database's, not text a user wrote (taint.STORED_KEYS for fields)
ID_GETTERS = frozenset({"getId", "id", "getUuid", "uuid", "getPk", "pk", "ID", "GetID", "GetId"})


_BEAN_GETTER = re.compile(r"get[A-Z]\w*")
# a pydantic model's fields as a dict or JSON, minus `exclude`, or only `include`
_DUMPS = frozenset({"model_dump", "model_dump_json", "dict", "json"})
# what holds what a client sent: a form, a body, a payload, parameters, headers
_SUBMITTED_NAME = re.compile(r"(?i)(form|body|payload|params|headers|query|args|input)$")


class CallMixin(CallbackMixin):
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

    # -- assignment --------------------------------------------------------------------

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
            self.assign(left, NOTHING, st, node)
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
            if (full := fold.relative_of(made)) is not None:
                first = left if left.kind() in t.identifiers else left.named_children()[0]
                self.relatives[first.text()] = full  # rel, err := filepath.Rel(root, full)
            key = fold.lookup_of(made) if left.kind() in t.identifiers else None
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

    def _plain_record(self, name: str, arg_nodes: list[Node]) -> bool:
        """A Python class of the file without an ``__init__`` of its own (a dataclass, an attrs
        or pydantic model), made with keyword arguments only: each is the field of that name."""
        siblings = self.p.siblings
        return (
            self.t.sg_language == "python"
            and siblings is not None
            and all(n.kind() == "keyword_argument" for n in arg_nodes)
            and siblings.is_class(name)
            and siblings.text_of(f"{name}.__init__") is None
        )

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
            args = _numbers_formatted(args, GO_FORMATS[name])
        elif self.p.numbers_clean and self.t.sg_language == "java" and name in JAVA_FORMATS:
            args = _java_numbers_formatted(args, recv if name == "formatted" else None)
        if receiver is None and name == "dict" and args and args[0].keys is not None:
            keys = dict(args[0].keys)  # dict(settings, api_key=masked): a copy, one key replaced
            for arg_node, value in zip(arg_nodes[1:], args[1:], strict=True):
                key = arg_node.field("name") if arg_node.kind() == "keyword_argument" else None
                if key is None:
                    return union(*args)
                keys[(key.text(),)] = value
            return Val(keys=keys)
        if receiver is None and arg_nodes and self._plain_record(name, arg_nodes):
            keys = {(n.field("name").text(),): a for n, a in zip(arg_nodes, args, strict=True)}
            return Val(keys=keys)  # Landing(title="Pricing", campaign=c): its fields apart
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
            return NOTHING  # a row the query found, not the text it was looked up by
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
        elif not result.tainted and (
            recv.textual or (constructor and any(a.textual for a in args))
        ):
            return Val(frag=literal_of(recv, *args))  # new StringBuilder("SELECT "), BASE.strip()
        return result

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


# Go: calls that fill a byte slice they are given (rand.Read(buf), io.ReadFull(r.Body, buf)),
# and formatting calls (name -> index of the format): a value printed with %d carries no text.


def _numbers_formatted(args: list[Val], at: int) -> list[Val]:
    """``fmt.Sprintf("$%d", i)``: the arguments a format prints as numbers hold no text."""
    form = args[at].const if len(args) > at else None
    if not isinstance(form, str) or "%[" in form:
        return args
    return _as_numbers(args, at, form, NUMBER_VERBS, "%")


def _as_numbers(
    args: list[Val], at: int, form: str, numeric: frozenset[str], bare: str
) -> list[Val]:
    """``args`` with those after index ``at`` that ``form`` prints with a ``numeric`` verb
    holding no text; ``bare``: the verbs that take no argument (``%%``, Java's ``%n``)."""
    verbs = [m.group(4) for m in VERB.finditer(form) if m.group(4) not in bare]
    out = list(args)
    for index, verb in enumerate(verbs):
        spot = at + 1 + index
        if 0 <= spot < len(out) and verb in numeric:
            out[spot] = Val(const=out[spot].const)
    return out


def _passed_function(node: Node) -> str | None:
    """The function named by a map's argument: ``render``, ``Page::render``, ``this::render``."""
    if node.kind() == "identifier":
        return str(node.text())
    if node.kind() == "method_reference":
        parts = [c for c in node.named_children() if c.kind() == "identifier"]
        return str(parts[-1].text()) if parts else None
    return None


def _java_numbers_formatted(args: list[Val], form_value: Val | None) -> list[Val]:
    """``out.printf("<a href=%s/%d>", root, id)``, ``String.format(Locale.US, ...)``,
    ``"%d".formatted(n)``: the arguments Java's format prints as numbers hold no text."""
    if form_value is not None:
        at, form = -1, form_value.const
    else:
        at = next((i for i, a in enumerate(args[:2]) if isinstance(a.const, str)), -2)
        form = args[at].const if at >= 0 else None
    if not isinstance(form, str) or "$" in form or "%<" in form:  # positional: not followed
        return args
    return _as_numbers(args, at, form, JAVA_NUMBER_VERBS, "%n")


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
