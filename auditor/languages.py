"""Which language a file is, and the one table of per-language tree-sitter queries.

Grammars (grammars.py) and these queries load on first use of each language, never at import: the
pre-commit hook imports this module on every commit and most commits touch one or two languages.

Each language has three queries:

units    one match per function with a body (an interface's or abstract method's signature stays
         in the module-level code): ``@function`` is the whole definition (its lines become the
         unit), ``@name`` its name, ``@receiver`` (Go) the type a method is declared on. When
         one capture sits directly in another (`const f = function g() {}`), the outer wins.
scopes   the containers that qualify a name: ``@class`` (makes a function inside it a method) or
         ``@namespace`` (only qualifies), each with an optional ``@name``.
imports  statements that alone do not make a file's module-level code worth scanning.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from tree_sitter import Language, Query

from auditor import grammars

LANGUAGE_BY_EXTENSION: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".java": "java",
    ".go": "go",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".rb": "ruby",
    ".php": "php",
    ".cs": "csharp",
}


def language_for_path(path: str) -> str | None:
    """The language of a repository path by its extension, or None when auditor cannot parse it."""
    _, ext = posixpath.splitext(path.replace("\\", "/"))
    return LANGUAGE_BY_EXTENSION.get(ext.lower())


@dataclass(frozen=True)
class LanguageSpec:
    units: str
    scopes: str = ""
    imports: str = ""
    trivial: str = ""  # a regex for other lines that carry nothing (package lines, include guards)
    wrappers: frozenset[str] = frozenset()  # a parent that holds the decorators: take its start
    attributes: frozenset[str] = frozenset()  # preceding siblings that belong to the function


_JS_FUNCTION_VALUE = "[(arrow_function) (function_expression) (generator_function)]"

_JS_UNITS = f"""
(function_declaration name: (identifier) @name) @function
(generator_function_declaration name: (identifier) @name) @function
(method_definition name: (_) @name) @function
(variable_declarator name: (identifier) @name value: {_JS_FUNCTION_VALUE}) @function
(assignment_expression
  left: [(identifier) @name (member_expression property: (property_identifier) @name)]
  right: {_JS_FUNCTION_VALUE}) @function
(pair key: (_) @name value: {_JS_FUNCTION_VALUE}) @function
(function_expression name: (identifier) @name) @function
(generator_function name: (identifier) @name) @function
"""

_JS_SCOPES = """
(class_declaration name: (_) @name) @class
(class name: (_)? @name) @class
(variable_declarator name: (identifier) @name value: (object)) @namespace
"""

_TS_UNITS = (
    _JS_UNITS + f"(public_field_definition name: (_) @name value: {_JS_FUNCTION_VALUE}) @function\n"
)
_TS_SCOPES = _JS_SCOPES + "(abstract_class_declaration name: (_) @name) @class\n"

_JS_IMPORTS = "(import_statement) @import"
# CommonJS imports and the strict-mode directive are single lines; a regex is enough.
_JS_TRIVIAL = (
    r"""(?:const|let|var)\s+[\w${}\s,:]+=\s*require\(\s*['"][^'"]*['"]\s*\)[\w.]*;?"""
    r"""|['"]use strict['"];?|export\s*\{\s*\};?"""
)

_C_DECLARATORS = """
[
  (function_declarator declarator: (_) @name)
  (pointer_declarator declarator: (function_declarator declarator: (_) @name))
  (pointer_declarator declarator:
    (pointer_declarator declarator: (function_declarator declarator: (_) @name)))
  {extra}
]
"""
_C_UNITS = "(function_definition declarator: " + _C_DECLARATORS.format(extra="") + ") @function"
_CPP_UNITS = (
    "(function_definition declarator: "
    + _C_DECLARATORS.format(
        extra="(reference_declarator (function_declarator declarator: (_) @name))"
    )
    + ") @function\n"
    "(init_declarator declarator: (identifier) @name value: (lambda_expression)) @function\n"
)
# Include guards and `#pragma once` frame a header; they say nothing about its code.
_C_TRIVIAL = r"#\s*(?:pragma\s+once|ifndef\s+\w+|endif\b.*|define\s+\w+)"

_TS_SPEC = LanguageSpec(
    units=_TS_UNITS,
    scopes=_TS_SCOPES,
    imports=_JS_IMPORTS,
    trivial=_JS_TRIVIAL,
    wrappers=frozenset({"export_statement"}),
    attributes=frozenset({"decorator"}),
)

SPECS: dict[str, LanguageSpec] = {
    "python": LanguageSpec(
        units="""
        (function_definition name: (identifier) @name) @function
        (assignment left: (identifier) @name right: (lambda)) @function
        """,
        scopes="(class_definition name: (identifier) @name) @class",
        imports="""
        (import_statement) @import
        (import_from_statement) @import
        (future_import_statement) @import
        """,
        wrappers=frozenset({"decorated_definition"}),
    ),
    "javascript": LanguageSpec(
        units=_JS_UNITS
        + f"(field_definition property: (_) @name value: {_JS_FUNCTION_VALUE}) @function",
        scopes=_JS_SCOPES,
        imports=_JS_IMPORTS,
        trivial=_JS_TRIVIAL,
        wrappers=frozenset({"export_statement"}),
        attributes=frozenset({"decorator"}),
    ),
    "typescript": _TS_SPEC,
    "tsx": _TS_SPEC,  # the same node types; only the grammar (JSX) differs
    "java": LanguageSpec(
        # Annotations sit inside the declaration's modifiers, so @function already starts there.
        units="""
        (method_declaration name: (identifier) @name body: (_)) @function
        (constructor_declaration name: (identifier) @name) @function
        (compact_constructor_declaration name: (identifier) @name) @function
        (variable_declarator name: (identifier) @name value: (lambda_expression)) @function
        """,
        scopes="""
        (class_declaration name: (identifier) @name) @class
        (interface_declaration name: (identifier) @name) @class
        (enum_declaration name: (identifier) @name) @class
        (record_declaration name: (identifier) @name) @class
        (annotation_type_declaration name: (identifier) @name) @class
        (object_creation_expression (class_body) @class)
        """,
        imports="(package_declaration) @import (import_declaration) @import",
    ),
    "go": LanguageSpec(
        units="""
        (function_declaration name: (identifier) @name) @function
        (method_declaration
          receiver: (parameter_list (parameter_declaration type: (_) @receiver))
          name: (field_identifier) @name) @function
        (short_var_declaration
          left: (expression_list . (identifier) @name)
          right: (expression_list . (func_literal))) @function
        (var_spec name: (identifier) @name value: (expression_list . (func_literal))) @function
        """,
        imports="(package_clause) @import (import_declaration) @import",
    ),
    "rust": LanguageSpec(
        units="""
        (function_item name: (identifier) @name) @function
        (let_declaration pattern: (identifier) @name value: (closure_expression)) @function
        """,
        scopes="""
        (impl_item type: (_) @name) @class
        (trait_item name: (_) @name) @class
        (mod_item name: (_) @name body: (_)) @namespace
        """,
        imports="""
        (use_declaration) @import
        (extern_crate_declaration) @import
        (mod_item !body) @import
        """,
        attributes=frozenset({"attribute_item"}),
    ),
    "c": LanguageSpec(
        units=_C_UNITS,
        imports="(preproc_include) @import",
        trivial=_C_TRIVIAL,
    ),
    "cpp": LanguageSpec(
        units=_CPP_UNITS,
        scopes="""
        (class_specifier name: (_) @name body: (_)) @class
        (struct_specifier name: (_) @name body: (_)) @class
        (union_specifier name: (_) @name body: (_)) @class
        (namespace_definition name: (_)? @name) @namespace
        """,
        imports="(preproc_include) @import (using_declaration) @import",
        trivial=_C_TRIVIAL + r"|namespace\s*[\w:]*\s*\{?|extern\s+\"C\"\s*\{?",
        wrappers=frozenset({"template_declaration"}),
    ),
    "ruby": LanguageSpec(
        units="""
        (method name: (_) @name) @function
        (singleton_method name: (_) @name) @function
        (assignment left: (identifier) @name right: (lambda)) @function
        """,
        scopes="""
        (class name: (_) @name) @class
        (module name: (_) @name) @class
        (singleton_class) @class
        """,
        trivial=r"end|(?:require|require_relative|load)\b.*",
    ),
    "php": LanguageSpec(
        # Attributes (#[Route]) are children of the declaration, like Java annotations.
        units="""
        (function_definition name: (name) @name) @function
        (method_declaration name: (name) @name body: (_)) @function
        (assignment_expression
          left: (variable_name) @name
          right: [(anonymous_function) (arrow_function)]) @function
        """,
        scopes="""
        (class_declaration name: (name) @name) @class
        (interface_declaration name: (name) @name) @class
        (trait_declaration name: (name) @name) @class
        (enum_declaration name: (name) @name) @class
        """,
        imports="""
        (namespace_definition !body) @import
        (namespace_use_declaration) @import
        """,
        trivial=r"<\?php|\?>|declare\s*\(.*\)\s*;|(?:require|include)(?:_once)?\b.*",
    ),
    "csharp": LanguageSpec(
        units="""
        (method_declaration name: (identifier) @name body: (_)) @function
        (constructor_declaration name: (identifier) @name body: (_)) @function
        (destructor_declaration name: (identifier) @name body: (_)) @function
        (local_function_statement name: (identifier) @name) @function
        (variable_declarator name: (identifier) @name (lambda_expression)) @function
        """,
        scopes="""
        (class_declaration name: (identifier) @name) @class
        (struct_declaration name: (identifier) @name) @class
        (interface_declaration name: (identifier) @name) @class
        (record_declaration name: (identifier) @name) @class
        """,
        imports="(using_directive) @import",
        trivial=r"namespace\s+[\w.]+\s*[;{]?",
    ),
}


@dataclass(frozen=True)
class Grammar:
    """A language's compiled queries; built once per process, shared (queries are read-only)."""

    name: str
    language: Language
    units: Query
    scopes: Query | None
    imports: Query | None
    trivial: re.Pattern[str]
    spec: LanguageSpec


# Lines that never carry meaning on their own in any language: blank, braces, closing brackets.
_PUNCTUATION = r"[\s{}()\[\];,]*"

_GRAMMARS: dict[str, Grammar] = {}


def grammar(name: str) -> Grammar:
    """The compiled queries for a language name from LANGUAGE_BY_EXTENSION (KeyError otherwise)."""
    cached = _GRAMMARS.get(name)
    if cached is not None:
        return cached
    spec = SPECS[name]
    language = grammars.language(name)
    trivial = _PUNCTUATION if not spec.trivial else f"{_PUNCTUATION}|\\s*(?:{spec.trivial})\\s*"
    built = Grammar(
        name=name,
        language=language,
        units=Query(language, spec.units),
        scopes=Query(language, spec.scopes) if spec.scopes else None,
        imports=Query(language, spec.imports) if spec.imports else None,
        trivial=re.compile(trivial),
        spec=spec,
    )
    _GRAMMARS[name] = built
    return built
