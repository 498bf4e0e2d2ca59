"""Per-language tables of syntax-tree node kinds: what the data-flow engine needs to know.

The engine (taint.py) is one piece of code for every language; a language is a table that says
which node kinds assign, call, build strings, branch and loop, and under which field names their
parts live. Kinds and fields are tree-sitter's, as ast-grep exposes them. A language without a
table still gets structural patterns (patterns.py), only not data flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Assign:
    left: str
    right: str


@dataclass(frozen=True)
class Call:
    function: str  # the callee (an identifier or member access); "" when split (Java)
    arguments: str
    receiver: str = ""  # Java's method_invocation keeps the receiver and name apart
    name: str = ""


@dataclass(frozen=True)
class Table:
    sg_language: str  # ast-grep's name for the grammar
    identifiers: frozenset[str]
    assignments: dict[str, Assign]  # plain `x = e` (an operator other than "=" makes it +=)
    augmented: frozenset[str]  # kinds that always combine (`x += e`)
    declarations: dict[str, Assign]  # `let x = e`, `String x = e`, `x := e`
    calls: dict[str, Call]
    members: dict[str, tuple[str, str]]  # kind -> (object field, property field)
    subscripts: dict[str, tuple[str, str]]  # kind -> (object field, index field)
    strings: frozenset[str]  # literal kinds; interpolations inside them carry values
    interpolations: frozenset[str]
    binaries: frozenset[str]
    ternaries: dict[str, tuple[str, str, str]]  # kind -> (condition, consequence, alternative)
    ifs: frozenset[str]  # fields: condition, consequence, alternative
    else_kinds: frozenset[str]  # else/elif clauses (python: elif has its own condition)
    loops: frozenset[str]
    foreach: dict[str, tuple[str, str]]  # kind -> (loop variable field, iterated field)
    functions: frozenset[str]  # nested function kinds: analysed with their own parameters
    parameters: frozenset[str]  # parameter node kinds (the identifier inside is the name)
    terminators: frozenset[str]  # return / raise / throw / continue / break
    not_kinds: frozenset[str]  # `not x`, `!x`
    numbers: frozenset[str]
    true_false: tuple[str, str] = ("True", "False")
    clean_functions: frozenset[str] = frozenset()  # calls whose result carries no text
    clean_methods: frozenset[str] = frozenset()
    mutators: frozenset[str] = frozenset()  # receiver takes in its arguments (sb.append(x))
    putters: frozenset[str] = frozenset()  # keyed container writes: m.put("k", v)
    getters: frozenset[str] = frozenset()  # keyed container reads: m.get("k")
    appenders: frozenset[str] = frozenset()  # list writes at the end
    removers: frozenset[str] = frozenset()  # list removal by index (or the first/last)
    containers: frozenset[str] = frozenset()  # constructor/literal kinds that make an empty one
    numeric_types: frozenset[str] = frozenset()  # declared types that cannot carry text
    typed: frozenset[str] = field(default_factory=frozenset)  # parameter kinds with a type

    @property
    def integer_division(self) -> bool:
        """Whether `/` on two integers truncates (Java, Go) rather than dividing exactly."""
        return self.sg_language in _INTEGER_DIVISION


_INTEGER_DIVISION = frozenset({"java", "go", "c", "cpp", "csharp", "rust"})


_COMMON_CLEAN_METHODS = frozenset(
    {"startswith", "endswith", "isdigit", "isalnum", "isalpha", "count", "find", "index",
     "size", "length", "isEmpty", "equals", "equalsIgnoreCase", "contains", "startsWith",
     "endsWith", "hashCode", "indexOf", "getLength", "includes", "test", "has", "exists", "is_file",
     "is_dir", "compareTo", "matches", "isBlank", "containsKey",
     # database results carry none of the input's text
     "fetchone", "fetchall", "fetchmany", "fetchval", "fetchrow",
     "queryForObject", "queryForList", "queryForMap", "executeQuery", "executeUpdate",
     "getResultList", "getSingleResult", "waitFor", "exitValue", "rowcount", "getTime"}
)  # fmt: skip

PYTHON = Table(
    sg_language="python",
    identifiers=frozenset({"identifier"}),
    assignments={"assignment": Assign("left", "right")},
    augmented=frozenset({"augmented_assignment"}),
    declarations={},
    calls={"call": Call("function", "arguments")},
    members={"attribute": ("object", "attribute")},
    subscripts={"subscript": ("value", "subscript")},
    strings=frozenset({"string", "concatenated_string"}),
    interpolations=frozenset({"interpolation"}),
    binaries=frozenset({"binary_operator", "boolean_operator"}),
    ternaries={"conditional_expression": ("", "", "")},  # positional: a if c else b
    ifs=frozenset({"if_statement"}),
    else_kinds=frozenset({"elif_clause", "else_clause"}),
    loops=frozenset({"while_statement"}),
    foreach={"for_statement": ("left", "right")},
    functions=frozenset({"function_definition", "lambda"}),
    parameters=frozenset(
        {
            "identifier",
            "typed_parameter",
            "default_parameter",
            "typed_default_parameter",
            "list_splat_pattern",
            "dictionary_splat_pattern",
        }
    ),
    terminators=frozenset(
        {"return_statement", "raise_statement", "continue_statement", "break_statement"}
    ),
    not_kinds=frozenset({"not_operator"}),
    numbers=frozenset({"integer", "float"}),
    clean_functions=frozenset(
        {
            "len",
            "bool",
            "isinstance",
            "hash",
            "id",
            "type",
            "callable",
            "hasattr",
            "any",
            "all",
            "print",
        }
    ),
    clean_methods=_COMMON_CLEAN_METHODS,
    mutators=frozenset(
        {"append", "extend", "add", "update", "insert", "write", "writelines", "appendleft", "put"}
    ),
    putters=frozenset({"set", "setdefault", "__setitem__"}),
    getters=frozenset({"get", "getint", "getfloat", "getboolean", "pop"}),
    appenders=frozenset({"append"}),
    removers=frozenset({"pop"}),
    containers=frozenset({"dictionary", "list"}),
    numeric_types=frozenset({"int", "float", "bool", "complex", "UUID", "uuid.UUID"}),
    # `start=0`: a default that is a number or a boolean types the parameter as well as `: int`
    typed=frozenset({"typed_parameter", "typed_default_parameter", "default_parameter"}),
)

_JS_FUNCTIONS = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition",
     "generator_function_declaration", "function"}
)  # fmt: skip

JAVASCRIPT = Table(
    sg_language="javascript",
    identifiers=frozenset(
        {"identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"}
    ),
    assignments={"assignment_expression": Assign("left", "right")},
    augmented=frozenset({"augmented_assignment_expression"}),
    declarations={"variable_declarator": Assign("name", "value")},
    calls={
        "call_expression": Call("function", "arguments"),
        "new_expression": Call("constructor", "arguments"),
    },
    members={"member_expression": ("object", "property")},
    subscripts={"subscript_expression": ("object", "index")},
    strings=frozenset({"string", "template_string"}),
    interpolations=frozenset({"template_substitution"}),
    binaries=frozenset({"binary_expression"}),
    ternaries={"ternary_expression": ("condition", "consequence", "alternative")},
    ifs=frozenset({"if_statement"}),
    else_kinds=frozenset({"else_clause"}),
    loops=frozenset({"while_statement", "for_statement", "do_statement"}),
    foreach={"for_in_statement": ("left", "right")},
    functions=_JS_FUNCTIONS,
    parameters=frozenset(
        {
            "identifier",
            "required_parameter",
            "optional_parameter",
            "assignment_pattern",
            "rest_pattern",
            "object_pattern",
        }
    ),
    terminators=frozenset(
        {"return_statement", "throw_statement", "continue_statement", "break_statement"}
    ),
    not_kinds=frozenset({"unary_expression"}),
    numbers=frozenset({"number"}),
    true_false=("true", "false"),
    # fetch(url): the server's reply, not the URL's text
    clean_functions=frozenset({"Boolean", "isNaN", "isFinite", "fetch"}),
    clean_methods=_COMMON_CLEAN_METHODS,
    mutators=frozenset({"push", "unshift", "write", "append", "add", "set"}),
    putters=frozenset({"set"}),
    getters=frozenset({"get"}),
    appenders=frozenset({"push"}),
    removers=frozenset({"shift", "pop"}),
    containers=frozenset({"object", "array"}),
    numeric_types=frozenset({"number", "boolean", "bigint"}),
    typed=frozenset({"required_parameter", "optional_parameter"}),
)

TYPESCRIPT = Table(**{**JAVASCRIPT.__dict__, "sg_language": "typescript"})
TSX = Table(**{**JAVASCRIPT.__dict__, "sg_language": "tsx"})

JAVA = Table(
    sg_language="java",
    identifiers=frozenset({"identifier"}),
    assignments={"assignment_expression": Assign("left", "right")},
    augmented=frozenset(),
    declarations={"variable_declarator": Assign("name", "value")},
    calls={
        "method_invocation": Call("", "arguments", receiver="object", name="name"),
        "object_creation_expression": Call("type", "arguments"),
    },
    members={"field_access": ("object", "field")},
    subscripts={"array_access": ("array", "index")},
    strings=frozenset({"string_literal", "text_block", "character_literal"}),
    interpolations=frozenset(),
    binaries=frozenset({"binary_expression"}),
    ternaries={"ternary_expression": ("condition", "consequence", "alternative")},
    ifs=frozenset({"if_statement"}),
    else_kinds=frozenset(),
    loops=frozenset({"while_statement", "for_statement", "do_statement"}),
    foreach={"enhanced_for_statement": ("name", "value")},
    functions=frozenset({"lambda_expression", "method_declaration", "constructor_declaration"}),
    parameters=frozenset({"formal_parameter", "spread_parameter"}),
    terminators=frozenset(
        {"return_statement", "throw_statement", "continue_statement", "break_statement"}
    ),
    not_kinds=frozenset({"unary_expression"}),
    numbers=frozenset(
        {"decimal_integer_literal", "decimal_floating_point_literal", "hex_integer_literal"}
    ),
    true_false=("true", "false"),
    clean_methods=_COMMON_CLEAN_METHODS,
    mutators=frozenset(
        {
            "append",
            "add",
            "addAll",
            "insert",
            "write",
            "print",
            "println",
            "push",
            "offer",
            "addElement",
            "concat",
        }
    ),
    putters=frozenset({"put", "setProperty", "putIfAbsent", "setAttribute"}),
    getters=frozenset({"get", "getProperty", "getOrDefault", "getAttribute"}),
    appenders=frozenset({"add", "addElement", "offer", "push"}),
    removers=frozenset({"remove", "poll", "pop"}),
    containers=frozenset(
        {
            "HashMap",
            "LinkedHashMap",
            "TreeMap",
            "ArrayList",
            "LinkedList",
            "Properties",
            "Hashtable",
            "Vector",
            "ArrayDeque",
            "Stack",
        }
    ),
    numeric_types=frozenset(
        {
            "int",
            "long",
            "short",
            "byte",
            "double",
            "float",
            "boolean",
            "char",
            "Integer",
            "Long",
            "Short",
            "Double",
            "Float",
            "Boolean",
            "UUID",
            "integral_type",
            "floating_point_type",
            "boolean_type",
        }
    ),
    typed=frozenset({"formal_parameter"}),
)

_GO_NUMBERS = frozenset(
    {"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
     "uintptr", "float32", "float64", "bool", "byte", "rune", "time.Duration", "time.Time",
     "uuid.UUID"}
)  # fmt: skip

_GO_CLEAN_METHODS = frozenset(
    {"Contains", "ContainsAny", "ContainsRune", "HasPrefix", "HasSuffix", "Index", "EqualFold",
     "Compare", "Len", "IsAbs", "IsNil", "IsZero", "Before", "After", "Equal", "Match",
     "MatchString", "Atoi", "ParseInt", "ParseUint", "ParseFloat", "ParseBool",
     # database results carry none of the query's text
     "Query", "QueryRow", "QueryContext", "QueryRowContext", "Exec", "ExecContext", "Prepare",
     "PrepareContext", "RowsAffected", "LastInsertId"}
)  # fmt: skip

GO = Table(
    sg_language="go",
    identifiers=frozenset({"identifier"}),
    assignments={"assignment_statement": Assign("left", "right")},
    augmented=frozenset(),
    declarations={
        "short_var_declaration": Assign("left", "right"),
        "var_spec": Assign("name", "value"),
        "const_spec": Assign("name", "value"),
        "range_clause": Assign("left", "right"),
    },
    calls={"call_expression": Call("function", "arguments")},
    members={"selector_expression": ("operand", "field")},
    subscripts={"index_expression": ("operand", "index")},
    strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    interpolations=frozenset(),
    binaries=frozenset({"binary_expression"}),
    ternaries={},
    ifs=frozenset({"if_statement"}),
    else_kinds=frozenset(),
    loops=frozenset({"for_statement"}),
    foreach={},
    functions=frozenset({"func_literal", "function_declaration", "method_declaration"}),
    parameters=frozenset({"parameter_declaration", "variadic_parameter_declaration"}),
    terminators=frozenset({"return_statement", "continue_statement", "break_statement"}),
    not_kinds=frozenset({"unary_expression"}),
    numbers=frozenset({"int_literal", "float_literal"}),
    true_false=("true", "false"),
    clean_functions=frozenset({"len", "cap"}),
    clean_methods=_COMMON_CLEAN_METHODS | _GO_CLEAN_METHODS,
    mutators=frozenset({"WriteString", "Write", "WriteByte", "WriteRune", "Add", "Set"}),
    putters=frozenset({"Set", "Store"}),
    getters=frozenset({"Get", "Load"}),
    numeric_types=_GO_NUMBERS,
    typed=frozenset({"parameter_declaration", "variadic_parameter_declaration"}),
)

TABLES: dict[str, Table] = {
    "python": PYTHON,
    "javascript": JAVASCRIPT,
    "typescript": TYPESCRIPT,
    "tsx": TSX,
    "java": JAVA,
    "go": GO,
}

# ast-grep grammar names for languages that get structural patterns without a data-flow table.
SG_LANGUAGES: dict[str, str] = {
    **{name: table.sg_language for name, table in TABLES.items()},
    "php": "php",
    "ruby": "ruby",
    "csharp": "csharp",
    "rust": "rust",
    "c": "c",
    "cpp": "cpp",
}
