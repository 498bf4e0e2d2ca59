"""The kind of a text file that has no code grammar: ``dotenv``, ``yaml``, ``dockerfile``...

Such files are scanned as one file-level unit, by the rules whose ``languages:`` name the kind
(the secret rule applies to every kind). Kinds come from ``identify``, the file-identification
library pre-commit uses (extension, file name, shebang), plus the names it does not know
(``.env``, ``.env.production``, ``*.cfg``, ``.npmrc``...). Lock files are left out: they hold
hashes and URLs, never a team's secrets.
"""

from __future__ import annotations

import io
import posixpath
import re

from identify import identify

_TEMPLATE_TAGS = ("jinja", "ejs", "handlebars", "mustache", "pug", "jade", "erb", "nunjucks",
                  "twig", "liquid", "vue")  # fmt: skip
# identify tag -> auditor's kind id, most specific first.
_TAG_KIND: tuple[tuple[str, str], ...] = (
    ("dockerfile", "dockerfile"),
    ("dotenv", "dotenv"),
    ("terraform", "terraform"),
    ("hcl", "terraform"),
    ("jupyter", "notebook"),
    ("java-properties", "properties"),
    ("pypirc", "ini"),
    ("ini", "ini"),
    ("toml", "toml"),
    ("yaml", "yaml"),
    ("json", "json"),
    ("xml", "xml"),
    ("html", "html"),
    # template languages: scanned for their own XSS sinks (unescaped output, autoescape off)
    *((tag, "template") for tag in _TEMPLATE_TAGS),
    ("shell", "shell"),
    ("powershell", "powershell"),
    ("makefile", "makefile"),
    ("markdown", "markdown"),
    ("rst", "text"),
    ("pem", "pem"),
    ("sql", "sql"),
    ("groovy", "groovy"),
    ("kotlin", "kotlin"),
    ("scala", "scala"),
    ("swift", "swift"),
    ("perl", "perl"),
    ("lua", "lua"),
    ("plain-text", "text"),
)
# Names identify does not know.
_NAME_KIND: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.env(?:\.[\w.-]+)?|[\w.-]+\.env|\.flaskenv|envrc|\.envrc"), "dotenv"),
    (re.compile(r".*\.(?:cfg|conf|cnf)|\.(?:my|pg)\.cnf|\.pgpass"), "ini"),
    (re.compile(r"\.npmrc|\.yarnrc|\.netrc|_netrc|\.git-credentials|credentials"), "ini"),
    (re.compile(r"dockerfile(?:\.[\w-]+)?|[\w-]+\.dockerfile|containerfile", re.I), "dockerfile"),
    (re.compile(r".*\.(?:tfvars|tf\.json)"), "terraform"),
    (re.compile(r".*\.(?:handlebars|jspx?|djhtml)"), "template"),
)
TEXT_KINDS = frozenset(
    {kind for _, kind in _TAG_KIND} | {kind for _, kind in _NAME_KIND} | {"text"}
)
_LOCK_FILES = re.compile(
    r"(?:package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock"
    r"|Pipfile\.lock|Cargo\.lock|Gemfile\.lock|composer\.lock|go\.sum|uv\.lock|pdm\.lock"
    r"|packages\.lock\.json|mix\.lock|flake\.lock|.*\.lock)"
)
# Kinds identify tags as text that hold no team-written secrets worth the time (images,
# fonts in SVG form, source maps) are skipped by classify as binary-like.
_NOT_SCANNED = frozenset({"image", "svg", "map"})


def binary_by_name(path: str) -> bool:
    """A file whose name alone says it is binary (an image, an archive): never read."""
    name = posixpath.basename(path.replace("\\", "/"))
    return "binary" in identify.tags_from_filename(name)


def is_lock_file(path: str) -> bool:
    return bool(_LOCK_FILES.fullmatch(posixpath.basename(path)))


def text_kind(path: str, data: bytes) -> str | None:
    """The kind id of a text file without a code grammar, or None when it is not text."""
    name = posixpath.basename(path.replace("\\", "/"))
    tags = identify.tags_from_filename(name)
    if tags & _NOT_SCANNED or name.endswith(".map"):
        return None
    for tag, kind in _TAG_KIND:
        if tag in tags:
            return kind
    for pattern, kind in _NAME_KIND:
        if pattern.fullmatch(name):
            return kind
    if data.startswith(b"#!"):
        interpreter = identify.parse_shebang(io.BytesIO(data[:256]))
        if interpreter:
            shebang_tags = identify.tags_from_interpreter(interpreter[0])
            for tag, kind in _TAG_KIND:
                if tag in shebang_tags:
                    return kind
    if "binary" in tags:
        return None
    return "text" if "text" in tags or not tags else None
