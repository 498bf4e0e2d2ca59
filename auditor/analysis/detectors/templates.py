"""XSS sinks of template files: output the engine does not escape, escaping turned off, and
values placed where HTML escaping does not protect (a URL attribute's scheme, an event handler,
a ``<script>`` block).

Each template language is read in its own syntax: Jinja2/Django/Nunjucks/Twig (``{{ x|safe }}``,
``{% autoescape false %}``), EJS (``<%- x %>``), Handlebars/Mustache (``{{{ x }}}``, ``{{& x}}``),
Pug (``!{x}``, ``p!= x``), ERB (``<%== x %>``, ``raw``, ``.html_safe``), JSP (``<%= ... %>``,
``${...}`` outside ``<c:out>``, ``escapeXml="false"``), Thymeleaf (``th:utext``, ``[(${x})]``)
and Vue/Angular attributes (``v-html``, ``[innerHTML]``). Template comments are skipped, and a
value that is a literal (``{{ "<br>"|safe }}``) or already encoded (``|tojson``, ``|escapejs``,
``|urlencode``) is not a sink.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateSink:
    line: int  # 0-based line of the sink in the file
    what: str  # "unescaped output", "auto-escaping turned off", ...
    text: str  # the template code of the sink (one line, shortened)


# Extension -> the template syntaxes a file of it uses ("jinja" stands for every {{ }} / {% %}
# language: Jinja2, Django, Nunjucks, Twig, Liquid).
_BY_EXT = {
    **dict.fromkeys(("jinja", "jinja2", "j2", "njk", "twig", "liquid", "djhtml"), ("jinja",)),
    "ejs": ("ejs",),
    **dict.fromkeys(("hbs", "handlebars", "mustache"), ("handlebars",)),
    **dict.fromkeys(("pug", "jade"), ("pug",)),
    "erb": ("erb",),  # also index.html.erb
    **dict.fromkeys(("jsp", "jspx"), ("jsp",)),
    "vue": ("vue",),
}


def flavours(path: str) -> tuple[str, ...]:
    """The template syntaxes a file may use, from its name."""
    name = posixpath.basename(path.replace("\\", "/")).lower()
    ext = name.rsplit(".", 1)[-1] if "." in name else ""
    # An .html file is a Jinja/Django, Handlebars, Thymeleaf or Vue/Angular template, or none.
    return _BY_EXT.get(ext, ("jinja", "handlebars", "thymeleaf", "vue"))


# -- comments -------------------------------------------------------------------------------

_COMMENTS = {
    "jinja": re.compile(r"\{#.*?#\}|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}", re.S),
    "handlebars": re.compile(r"\{\{!--.*?--\}\}|\{\{!.*?\}\}", re.S),
    "ejs": re.compile(r"<%#.*?%>", re.S),
    "erb": re.compile(r"<%#.*?%>", re.S),
    "jsp": re.compile(r"<%--.*?--%>", re.S),
    "pug": re.compile(r"^[ \t]*//-.*$", re.M),
}


def _blank(text: str, flavour: str) -> str:
    """The text with template comments replaced by spaces (lines kept)."""
    regex = _COMMENTS.get(flavour)
    if regex is None:
        return text
    return regex.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


# -- what makes an expression harmless ----------------------------------------------------------

_LITERAL = re.compile(r"""\s*(?:"[^"]*"|'[^']*'|\d+(?:\.\d+)?|true|false|none|null)\s*""", re.I)
_ENCODED = re.compile(r"\|\s*(?:tojson|escapejs|urlencode|e|escape|forceescape|int|float|length)\b")


# Values the application builds itself: url_for(...), static(...), pathto(...), a settings
# constant (STATIC_URL), the CSRF token, JSP's context path.
_BUILT = re.compile(r"[^|]*\w\s*\(|\s*[A-Z][A-Z0-9_]+\s*$|\s*csrf_token\b|.*getContextPath\(\)")


def _dynamic(expr: str) -> bool:
    """An expression that is not a literal and is not encoded on the way out."""
    head = expr.split("|", 1)[0]
    return not _LITERAL.fullmatch(head) and not _ENCODED.search(expr)


# A URL attribute is a sink for a URL the page's user can choose (`javascript:...`): request
# data, or a link a user gave (a profile's website). A URL the view built (`next_url`), or the
# request's own path, is not.
_USER_URL = re.compile(
    r"^\s*(?:(?:request|req)\.(?!(?:path|uri|url|full_path|base_url|path_info|script_root)\b)"
    r"|params?\.|query\.|\$_(?:GET|POST|REQUEST)|(?:GET|POST)\.)"
    r"|\b(?:user|profile|author|owner|member|account|comment|post|customer)\w*\."
    r"(?:\w+_)?(?:url|website|homepage|home_page|link|site|avatar)\b",
    re.I,
)


def _placed(expr: str) -> bool:
    """A value placed in a URL attribute, a handler or a script that the page's user may
    control: dynamic, and not something the application builds itself."""
    return _dynamic(expr) and not _BUILT.match(expr.split("|", 1)[0])


# -- sinks per syntax ------------------------------------------------------------------------

_Rule = tuple[re.Pattern[str], str]

_JINJA: tuple[_Rule, ...] = (
    (
        re.compile(r"\{\{-?(?P<e>(?:(?!\}\}).)*?\|\s*safe\b(?:(?!\}\}).)*?)-?\}\}", re.S),
        "unescaped output",
    ),
    (re.compile(r"\{%-?\s*autoescape\s+(?:false|off)\s*-?%\}", re.I), "auto-escaping turned off"),
    (re.compile(r"\{%-?\s*filter\s+safe\s*-?%\}"), "unescaped output"),
    (
        re.compile(r"\{\{-?(?P<e>(?:(?!\}\}).)*?\|\s*raw\b(?:(?!\}\}).)*?)-?\}\}", re.S),
        "unescaped output",
    ),
)
_HANDLEBARS: tuple[_Rule, ...] = (
    (re.compile(r"\{\{\{(?P<e>(?:(?!\}\}\}).)+?)\}\}\}", re.S), "unescaped output"),
    (re.compile(r"\{\{&(?P<e>(?:(?!\}\}).)+?)\}\}"), "unescaped output"),
)
_EJS: tuple[_Rule, ...] = (
    (re.compile(r"<%-(?!\s*include\b)(?P<e>(?:(?!%>).)+?)-?%>", re.S), "unescaped output"),
)
_PUG: tuple[_Rule, ...] = (
    (re.compile(r"!\{(?P<e>[^}]+)\}"), "unescaped output"),
    (re.compile(r"^[ \t]*[\w.#:-]*(?:\([^)\n]*\))?!=(?P<e>[^\n]+)$", re.M), "unescaped output"),
)
_ERB: tuple[_Rule, ...] = (
    (re.compile(r"<%==(?P<e>(?:(?!%>).)+?)-?%>", re.S), "unescaped output"),
    (re.compile(r"<%=\s*raw[\s(](?P<e>(?:(?!%>).)+?)-?%>", re.S), "unescaped output"),
    (
        re.compile(r"<%=(?P<e>(?:(?!%>).)+?\.html_safe\b(?:(?!%>).)*?)-?%>", re.S),
        "unescaped output",
    ),
)
_JSP: tuple[_Rule, ...] = (
    (re.compile(r"<%=(?P<e>(?:(?!%>).)+?)%>", re.S), "unescaped output"),
    (re.compile(r"""escapeXml\s*=\s*["']false["']"""), "escaping turned off"),
)
_THYMELEAF: tuple[_Rule, ...] = (
    (re.compile(r"""\bth:utext\s*=\s*["'](?P<e>[^"']+)["']"""), "unescaped output"),
    (re.compile(r"\[\((?P<e>[^)\]]*\$\{[^}]*\}[^)\]]*)\)\]"), "unescaped output"),
)
_VUE: tuple[_Rule, ...] = (
    (
        re.compile(r"""(?:\bv-html|\[innerHTML\]|\bng-bind-html)\s*=\s*["'](?P<e>[^"']+)["']"""),
        "raw HTML binding",
    ),
    (
        re.compile(r"""\bdangerouslySetInnerHTML\s*=\s*\{\{\s*__html\s*:(?P<e>[^}]+)\}\}"""),
        "raw HTML binding",
    ),
)
_RULES: dict[str, tuple[_Rule, ...]] = {
    "jinja": _JINJA,
    "handlebars": _HANDLEBARS,
    "ejs": _EJS,
    "pug": _PUG,
    "erb": _ERB,
    "jsp": _JSP,
    "thymeleaf": _THYMELEAF,
    "vue": _VUE,
}
# JSP expression language is not escaped in template text: ${param.q} outside <c:out value=...>
_JSP_EL = re.compile(r"\$\{(?P<e>[^}]+)\}")
_TAGLIB = re.compile(r"<[\w-]+:[\w-]+\b")

# Where HTML escaping does not help: an attribute that takes a URL (javascript: scheme) or
# script, and a <script> block; the expression syntax of each flavour.
_EXPR = {
    "jinja": r"\{\{-?(?P<e>(?:(?!\}\}).)+?)-?\}\}",
    "handlebars": r"\{\{(?![{!&#/>])(?P<e>(?:(?!\}\}).)+?)\}\}",
    "ejs": r"<%=(?P<e>(?:(?!%>).)+?)-?%>",
    "erb": r"<%=(?P<e>(?:(?!%>).)+?)-?%>",
    "jsp": r"\$\{(?P<e>[^}]+)\}",
}
_HANDLEBARS_BLOCKS = re.compile(r"\{\{[#/>^]\s*\w|text/x-handlebars")
_URL_ATTR = r"""\b(?:href|src|action|formaction|xlink:href)\s*=\s*["']\s*"""
_EVENT_ATTR = r"""\bon[a-z]+\s*=\s*(?:"[^"]*?|'[^']*?)"""
_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']text/(?:template|x-template|html))[^>]*>(?P<body>.*?)</script\s*>",
    re.S | re.I,
)


def find_template_sinks(text: str, path: str) -> list[TemplateSink]:
    """Every XSS sink of a template file, in line order (the first one of each line)."""
    found: dict[int, TemplateSink] = {}

    def add(offset: int, what: str, code: str) -> None:
        line = text.count("\n", 0, offset)
        snippet = " ".join(code.split())
        found.setdefault(line, TemplateSink(line, what, snippet[:80]))

    html = path.lower().endswith((".html", ".htm"))
    for flavour in flavours(path):
        if flavour == "handlebars" and html and not _HANDLEBARS_BLOCKS.search(text):
            continue  # `{{{` in an HTML page (generated docs, code samples) is not a template
        clean = _blank(text, flavour)
        for regex, what in _RULES.get(flavour, ()):
            for m in regex.finditer(clean):
                expr = m.groupdict().get("e")
                if expr is None or (_dynamic(expr) and "getContextPath()" not in expr):
                    add(m.start(), what, m.group(0))
        if flavour == "jsp":
            for m in _JSP_EL.finditer(clean):
                before = clean[max(0, clean.rfind("<", 0, m.start())) : m.start()]
                # inside a tag library's tag (<c:if test=...>, <c:out value=...>) it is an
                # attribute the tag reads, not output
                in_tag_lib = ">" not in before and _TAGLIB.match(before) is not None
                if not in_tag_lib and "fn:escapeXml" not in m.group("e"):
                    add(m.start(), "unescaped output", m.group(0))
        expr = _EXPR.get(flavour)
        if expr is None:
            continue
        for m in re.finditer(_URL_ATTR + expr, clean, re.S | re.I):
            if _placed(m.group("e")) and _USER_URL.search(m.group("e").split("|", 1)[0]):
                add(m.start(), "value at the start of a URL attribute", m.group(0))
        for m in re.finditer(_EVENT_ATTR + expr, clean, re.S | re.I):
            if _placed(m.group("e")):
                add(m.start(), "value in an event handler attribute", m.group(0))
        for block in _SCRIPT.finditer(clean):
            for m in re.finditer(expr, block.group("body"), re.S):
                if _placed(m.group("e")):
                    add(block.start("body") + m.start(), "value in a <script> block", m.group(0))
    return [found[k] for k in sorted(found)]
