"""The same-file functions one unit calls (``Helpers``): which of them hold a rule's sinks
or read its sources, found by name in the unit's text and asked only as a call needs it;
summaries.py walks a helper's body and carries the caller's flows through it.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from auditor.analysis import patterns
from auditor.analysis.summaries import EMPTY, Summary, cached, summarize

if TYPE_CHECKING:
    from auditor.analysis.spec import TaintSpec
    from auditor.model import Siblings


MAX_DEPTH = 2  # helpers of helpers are followed; deeper calls are unknown calls


class Helpers:
    """The same-file functions one unit calls, summarised only when a call needs it: with a
    tainted argument, or when the helper reads a source itself (otherwise what it returns is
    clean, as an unknown call's would be). Most calls never need one."""

    def __init__(
        self,
        spec: TaintSpec,
        language: str,
        bodies: dict[str, str],
        siblings: Siblings | None = None,
        depth: int = 1,
    ) -> None:
        self.spec = spec
        self.language = language
        self.bodies = bodies
        self.siblings = siblings  # the file's functions, for the helpers' own helpers
        self.depth = depth
        self._deeper: dict[str, Helpers | None] = {}
        # what the file's middleware keeps on per-request objects (context.py), set by analyse
        self.context: dict[str, tuple[str, str]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.bodies

    def __bool__(self) -> bool:
        return bool(self.bodies)

    def with_sinks(self) -> bool:
        """Whether a helper holds one of the rule's sinks, or (while deeper helpers are still
        followed) calls a function of the file that does: `run(term)` -> `renderSummary(term)`
        -> `$summary.html(...)`."""
        if any(_has_sinks(self.spec, self.language, b) for b in self.bodies.values()):
            return True
        return any(
            (nested := self._nested(name)) is not None and nested.with_sinks()
            for name in self.bodies
        )

    def _nested(self, name: str) -> Helpers | None:
        """The file's functions that helper ``name`` calls, one level deeper (None past
        MAX_DEPTH); asked by with_sinks and by summary, worked out once."""
        if name not in self._deeper:
            deeper = None
            if self.depth < MAX_DEPTH:
                body = self.bodies[name]
                deeper = called(self.spec, self.language, body, self.siblings, name, self.depth + 1)
                if deeper is not None:
                    deeper.context = self.context
            self._deeper[name] = deeper
        return self._deeper[name]

    def with_sources(self) -> bool:
        return any(self._reads(b) for b in self.bodies.values())

    def _reads(self, body: str) -> bool:
        return _has_sources(self.spec, self.language, body) or any(k in body for k in self.context)

    def summary(self, name: str, tainted: bool) -> Summary | None:
        body = self.bodies.get(name)
        if body is None:
            return None
        if not tainted and not self._reads(body):
            return EMPTY
        # `render(c)` calling `esc(c.body)`: one level further
        kept = {k: v for k, v in self.context.items() if k in body}
        return summarize(self.spec, self.language, body, self._nested(name), kept, self.siblings)


def called(spec: TaintSpec, language: str, text: str, siblings: Siblings | None,
           own: str = "", depth: int = 1) -> Helpers | None:  # fmt: skip
    """The same-file functions that ``text`` calls by name (not itself). What they hold is
    asked only as the unit needs it (TaintSpec.places): whether one reads a source when the
    unit has none, whether one has a sink when the unit has none."""
    if siblings is None:
        return None
    short = own.rsplit(".", 1)[-1]
    names = sorted((_called_names(text) & siblings.names()) - {short})
    names += sorted(
        key
        for held, method in _received(text) | _properties(text)
        if (key := siblings.typed(held.rsplit(".", 1)[-1], method)) is not None
        and key != ".".join(own.split(".")[-2:])
    )
    bodies = {name: body for name in names if (body := siblings.text_of(name)) is not None}
    return Helpers(spec, language, bodies, siblings, depth) if bodies else None


_WORDS = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


_CALLED = re.compile(r"(?<![\w$])([A-Za-z_$][\w$]*)\s*\(")


# a function passed by name to map: `comments.map(commentItem)`, `.map(Page::renderComment)`
_MAPPED = re.compile(r"\.(?:map|flatMap)\(\s*(?:[\w$.]+::)?([A-Za-z_$][\w$]*)\s*\)")


@functools.lru_cache(maxsize=1024)
def _called_names(text: str) -> frozenset[str]:
    return frozenset(_CALLED.findall(text)) | frozenset(_MAPPED.findall(text))


# a method called on a field, a variable or a class: `this.exporter.export(`, `svc.Export(`
_RECEIVED = re.compile(
    r"(?<![\w$.])((?:[A-Za-z_$][\w$]*\.)*[A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\s*\("
)


# a method called on an object made there: `new LogRef(service, file).under(root)`
_MADE = re.compile(r"\bnew\s+([A-Za-z_$][\w$]*)\s*\([^()]*\)\s*\.([A-Za-z_$][\w$]*)\s*\(")


@functools.lru_cache(maxsize=1024)
def _received(text: str) -> frozenset[tuple[str, str]]:
    return frozenset(_RECEIVED.findall(text)) | frozenset(_MADE.findall(text))


# a field read that may be a property of the file's class: `asset.path`
_READ = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)\b(?![\w$]|\s*\()")


_PROPERTY = re.compile(
    r"\s*@(?:functools\.)?(?:cached_)?property\b"
    r"|\s*(?:(?:public|private|protected|static|override)\s+)*get\s+[A-Za-z_$][\w$]*\s*\("
)


@functools.lru_cache(maxsize=1024)
def _properties(text: str) -> frozenset[tuple[str, str]]:
    return frozenset(_READ.findall(text))


def is_property(text: str) -> bool:
    """Whether a method's text declares a property: Python's ``@property``, a JS getter."""
    return _PROPERTY.match(text) is not None


def _has_sinks(spec: TaintSpec, language: str, text: str) -> bool:
    def make() -> bool:
        tree = patterns.unit_root(language, text)
        return tree is not None and spec.sinks_in(tree, text)

    return cached("sinks", spec, language, text, make)


def _has_sources(spec: TaintSpec, language: str, text: str) -> bool:
    """Whether the helper reads one of the rule's sources, or a name the rule goes by."""

    def make() -> bool:
        if spec.names:
            regex = re.compile(spec.names)
            if any(regex.search(word) for word in set(_WORDS.findall(text))):
                return True
        tree = patterns.unit_root(language, text)
        return tree is not None and any(patterns.find(tree, p, text) for p in spec.sources)

    return cached("sources", spec, language, text, make)
