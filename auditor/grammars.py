"""Tree-sitter grammars by auditor's language name, loaded on first use and cached.

Nothing is imported at module import time: a scan of a Python-only repository never loads the
C# grammar.
"""

from __future__ import annotations

import functools
import importlib

import tree_sitter

from auditor.model import AuditorError

# language name -> (module of the official wheel, function returning the grammar pointer)
GRAMMARS: dict[str, tuple[str, str]] = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "java": ("tree_sitter_java", "language"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
    "ruby": ("tree_sitter_ruby", "language"),
    "php": ("tree_sitter_php", "language_php"),
    "csharp": ("tree_sitter_c_sharp", "language"),
}


@functools.cache
def language(name: str) -> tree_sitter.Language:
    """The grammar for one of auditor's language names (see ``GRAMMARS``)."""
    try:
        module_name, function = GRAMMARS[name]
    except KeyError:
        choices = ", ".join(sorted(GRAMMARS))
        raise AuditorError(f"no grammar for language {name!r} (known: {choices})") from None
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        package = module_name.replace("_", "-")
        raise AuditorError(
            f"the {name} grammar is not installed ({exc}); install it with: pip install {package}"
        ) from None
    return tree_sitter.Language(getattr(module, function)())


@functools.cache
def parser(name: str) -> tree_sitter.Parser:
    """A parser for ``name``, shared: use it from one thread at a time."""
    return tree_sitter.Parser(language(name))
