"""The call vocabulary of the data-flow engine (calls.py): methods that fold on constant text,
calls that pass their argument's text on, lookups by a named key, the verbs that do not hand a
secret back, array methods that call back with each element, and ORM lookups that return a
stored row. Tables, not logic: calls.py reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from auditor.analysis.values import Const

Node = Any  # ast_grep_py.SgNode (untyped)

CONST_STRING_METHODS: dict[str, Callable[[str, list[Any]], Const]] = {
    "charAt": lambda s, a: s[a[0]] if isinstance(a[0], int) and -len(s) <= a[0] < len(s) else None,
    "substring": lambda s, a: (
        s[a[0] : a[1] if len(a) > 1 else None] if all(isinstance(x, int) for x in a) else None
    ),
    "toUpperCase": lambda s, a: s.upper(),
    "toLowerCase": lambda s, a: s.lower(),
    "upper": lambda s, a: s.upper(),
    "lower": lambda s, a: s.lower(),
    "strip": lambda s, a: s.strip() if not a else None,
    "trim": lambda s, a: s.strip(),
}
# With a rule about what names hold (a password), a call's result holds an argument only when
# the call passes its text on; a payment gateway's receipt holds no card number.
PRESERVING = frozenset({"str", "repr", "format", "join", "dumps", "stringify", "valueOf",
                         "toString", "concat", "encode", "decode", "b64encode", "urlencode",
                         "dict", "vars", "list", "tuple", "String", "format_map", "Sprintf",
                         "sprintf", "formatted", "append", "strip", "trim", "lower", "upper",
                         "replace", "copy", "to_dict", "model_dump", "json",
                         "getBytes",
                         # a schema's parse hands back the data it checked (zod, valibot, yup)
                         "safeParse", "parse", "parseAsync", "safeParseAsync",
                         "validateSync", "cast",
                         # what reads or decodes a request's body is the body (Go's io and json)
                         "ReadAll", "NewDecoder", "Unmarshal", "MaxBytesReader", "NewReader",
                         "LimitReader", "TeeReader", "NopCloser", "loads", "readAll",
                         # a copy of a map or list: the same entries (JS, Java, Go)
                         "fromEntries", "entries", "assign", "copyOf", "Clone",
                         "from"})  # fmt: skip
# X_TRACE_ID, HttpHeaders.AUTHORIZATION: a constant named for the key it holds
CONSTANT_KEY = re.compile(r"(?:[A-Z]\w*\.)*([A-Z][A-Z0-9_]*[A-Z0-9])")
LOOKUPS = frozenset({"header", "param", "cookie", "query", "getenv", "Getenv",
                      # Go: net/http, gin, echo read one named value
                      "FormValue", "PostFormValue", "PostForm", "DefaultPostForm", "Query",
                      "DefaultQuery", "QueryParam", "Param", "GetHeader", "Cookie", "Values",
                      "LookupEnv"})  # fmt: skip
RESETS = frozenset({"setLength", "clear", "removeAll"})
MAP_TYPES = ("Map", "Properties", "Hashtable", "dict", "Dictionary", "Object")
# changePassword(user, old, new) returns whether it worked, not a password: verbs that check,
# change or send a secret do not hand it back (a name source only for getters and makers).
NOT_A_GETTER = ("verify", "check", "is", "has", "change", "set", "update", "reset", "save",
                 "store", "send", "rotate", "matches", "compare", "validate", "clear", "delete",
                 "remove", "revoke", "expire", "invalidate")  # fmt: skip

GO_READS = frozenset({"Read", "ReadFull", "ReadAtLeast"})
# ... and decode into a pointer they are given, returning only an error
GO_DECODERS = frozenset({"Unmarshal", "Decode", "Scan", "Bind", "BindJSON", "ShouldBind",
                         "ShouldBindJSON", "ShouldBindQuery", "BindQuery"})  # fmt: skip
# ... and writes into its first argument: `fmt.Fprintf(b, "<li>%s</li>", e.Message)` grows `b`
GO_WRITES = frozenset({"Fprintf", "Fprint", "Fprintln", "WriteString"})
GO_FORMATS = {"Sprintf": 0, "Errorf": 0, "Printf": 0, "Fprintf": 1, "Appendf": 1}
VERB = re.compile(r"%[-+# 0]*(\d+|\*)?(\.(\d+|\*)?)?([a-zA-Z%])")
NUMBER_VERBS = frozenset("dboOxXeEfFgGtcUp")
# Java's Formatter: String.format / printf / format (a Locale may come first), "...".formatted
JAVA_FORMATS = frozenset({"format", "printf", "formatted"})
JAVA_NUMBER_VERBS = frozenset("doxXeEfgGaAbBcChH")


# Array and stream methods that call their callback with each element.
ELEMENT_CALLBACKS = frozenset(
    {"map", "flatMap", "forEach", "filter", "some", "every", "find", "findIndex"}
)
# An ORM or repository lookup returns a stored row, not the key it was looked up by:
# `Asset.findByPk(req.params.id)`, `orders.findByReference(ref)`, `get_object_or_404(User,
# pk=uid)`, `Order.objects.filter(owner=name)`, `docs.lookup(req.path)`. Text stored earlier
# is the `stored` source group's (rules/_sources/), for the rules that read it.
_LOOKUP = re.compile(
    r"find(?!(Index|Last|LastIndex)$)[A-Z]\w*|get(One|ById|By[A-Z]\w*)|exists(By[A-Z]\w*)?"
    r"|count(By[A-Z]\w*)?|lookup([A-Z]\w*)?"
)
_ROW_FUNCTIONS = frozenset({"get_object_or_404", "get_list_or_404"})
_QUERYSET = frozenset({"get", "filter", "exclude", "first", "last", "all", "values", "count"})
_SQLALCHEMY_ROWS = frozenset(
    {"first", "one", "one_or_none", "first_or_404", "get", "get_or_404", "all", "scalar"}
)
_MODEL_QUERY = re.compile(r"[A-Z]\w*\.query\b")


# Go: a method that takes a context first does I/O; named as a read, it returns what a store
# holds (`s.videos.Get(r.Context(), id)`), not its key.
_GO_READ = re.compile(r"(Get|Find|Load|Fetch|Lookup|Read|List|Query|Select|Search)\w*")
_GO_CONTEXT = re.compile(r"ctx|c|r\.Context\(\)|\w+\.Request\.Context\(\)|context\.\w+\(\)")


def stored_row(name: str, receiver: Node | None, first: Node | None = None) -> bool:
    """Whether a call is a lookup whose result is a stored row; ``first``: its first argument
    (Go's context)."""
    if name in _ROW_FUNCTIONS:  # also as the import spells it: django.shortcuts.get_object_or_404
        return True
    if receiver is None:
        return False
    if name in _QUERYSET and str(receiver.text()).endswith(".objects"):
        return True
    if name in _SQLALCHEMY_ROWS and _MODEL_QUERY.match(str(receiver.text())):
        return True  # Sale.query.filter_by(id=sale_id).first(): Flask-SQLAlchemy's row
    if first is not None and _GO_READ.fullmatch(name) and _GO_CONTEXT.fullmatch(first.text()):
        return True
    return _LOOKUP.fullmatch(name) is not None


# `hasBearer = header.startsWith("Bearer ")`: a test's answer, whatever the name says
PREDICATE = re.compile(
    r"(?i:is|has|should|can|starts|ends|includes|contains|equals|test|matches|exists|validate"
    r"|check|verify|compare)([A-Z_]|$)"
)
