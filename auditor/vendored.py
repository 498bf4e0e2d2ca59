"""Third-party and generated code in a repository: by path, by licence banner, by git attribute.

GitHub's linguist sets the convention: a list of vendored paths (dependency directories and the
commonly bundled JavaScript libraries) and the ``.gitattributes`` attributes
``linguist-vendored`` and ``linguist-generated``, which also say ``false`` to take a path back.
A copied library audited as the team's code gives false findings and most of the scan time.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

VENDORED_DIRS = frozenset(
    {"node_modules", "vendor", "third_party", "bower_components", "site-packages", ".venv", "venv"}
)
_BUILT_NAME = re.compile(r".*(?:\.min\.js|\.min\.css|-min\.js|\.bundle\.js)", re.IGNORECASE)
# Commonly bundled JavaScript libraries, after linguist's vendor.yml. Distinctive names may be
# followed by a version or a part (`jquery-3.7.1.js`, `jquery.validate.js`, `bootstrap.bundle.js`);
# names a team also gives its own files only bare or with a version (`chart-utils.js` is theirs).
_DISTINCTIVE = (
    "jquery",
    "bootstrap",
    "materialize",
    "angular",
    "lodash",
    "underscore",
    "backbone",
    "knockout",
    "mootools",
    "dojo",
    "yui",
    "modernizr",
    "html5shiv",
    "cordova",
    "ckeditor",
    "tinymce",
    "tiny_mce",
    "select2",
    "handlebars",
    "mustache",
    "socket.io",
    "d3",
)
_COMMON = ("chart", "require", "prototype", "react", "react-dom", "vue", "moment", "popper")
_DISTINCTIVE_NAMES = "|".join(map(re.escape, _DISTINCTIVE))
_COMMON_NAMES = "|".join(map(re.escape, _COMMON))
_LIBRARY_NAME = re.compile(
    rf"(?:(?:{_DISTINCTIVE_NAMES})(?:[-.](?:v?\d[\w.]*|[a-z][\w-]*))*"
    rf"|(?:{_COMMON_NAMES})(?:[-.@]v?\d[\w.]*)?(?:\.(?:development|production|umd|esm))?)"
    r"\.(?:js|mjs|cjs)",
    re.IGNORECASE,
)
_HEADER_LINES = 12
_VERSION = re.compile(r"\bv?\d+\.\d+(?:\.\d+)?\b")
_LICENCE = re.compile(r"\(c\)|\u00a9|copyright|licen[cs]e", re.IGNORECASE)
_BANNER_NAMES = "|".join(re.escape(n) for n in _DISTINCTIVE if len(n) > 3)
_KNOWN_IN_BANNER = re.compile(rf"\b(?:{_BANNER_NAMES})(?:\.js)?\b", re.IGNORECASE)


def vendored_path(posix: str) -> bool:
    """A dependency directory, a build product, or a well-known library by its file name."""
    parts = posix.split("/")
    name = parts[-1]
    return bool(
        VENDORED_DIRS.intersection(parts[:-1])
        or _BUILT_NAME.fullmatch(name)
        or _LIBRARY_NAME.fullmatch(name)
    )


def library_banner(text: str) -> bool:
    """A library's licence banner at the top: ``/*! jQuery v3.7.1 | (c) OpenJS Foundation``.

    The banner needs a version and a licence word, and either a marker that bundlers keep for
    third-party notices (``/*!``, ``//!``, ``@license``) or a well-known library's name.
    """
    header = "\n".join(text.lstrip("\ufeff").split("\n", _HEADER_LINES)[:_HEADER_LINES])
    start = header.lstrip()
    if not start.startswith(("/*", "//")):  # a banner is the file's first comment
        return False
    if not (_VERSION.search(header) and _LICENCE.search(header)):
        return False
    marked = start.startswith(("/*!", "//!")) or "@license" in header
    return marked or bool(_KNOWN_IN_BANNER.search(header))


def linguist_attributes(root: Path, paths: Sequence[str]) -> dict[str, str]:
    """``.gitattributes`` verdicts: "vendored" or "generated" when set, "keep" when set false.

    Paths with no linguist attribute are left out. Paths holding a newline cannot be asked.
    """
    asked = [p for p in paths if "\n" not in p and "\0" not in p]
    if not asked:
        return {}
    payload = b"".join(p.encode("utf-8", "surrogateescape") + b"\0" for p in asked)
    try:
        proc = subprocess.run(
            ["git", "check-attr", "-z", "--stdin", "linguist-vendored", "linguist-generated"],
            cwd=root,
            input=payload,
            capture_output=True,
            check=False,
        )
    except OSError:
        return {}
    if proc.returncode != 0:
        return {}
    fields = proc.stdout.split(b"\0")
    verdicts: dict[str, str] = {}
    for i in range(0, len(fields) - 2, 3):
        path = fields[i].decode("utf-8", "surrogateescape")
        attribute, value = fields[i + 1].decode(), fields[i + 2].decode()
        kind = "vendored" if attribute == "linguist-vendored" else "generated"
        if value in ("set", "true"):
            verdicts[path] = kind  # either attribute set wins over a "false" of the other
        elif value in ("unset", "false") and path not in verdicts:
            verdicts[path] = "keep"
    return verdicts
