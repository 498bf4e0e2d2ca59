"""A rule's data-flow evidence: sources, sanitizers and sinks, and running the engine on a unit.

In a rule file (per language):

    taint:
      sources: [request, parameters]    # groups of rules/_sources/<language>.yaml, or patterns
      sanitizers: [numeric, 'shlex.quote($X)']
      sinks:
        - {pattern: '$CUR.execute($SQL, $$$)', focus: SQL}

``parameters`` makes a function's parameters sources (a parameter must then be built into text,
e.g. concatenated into the SQL, unless the sink says ``parameters: direct``); ``names: REGEX``
makes identifiers, attributes and constant keys whose name matches sources (``password``). The
shared tables name the framework's request data once for every rule (Pysa's split of models and
rules): the rule names places, the engine is generic.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from auditor.analysis import context, patterns, records, templates
from auditor.analysis.helpers import Helpers, called
from auditor.analysis.languages import TABLES
from auditor.analysis.params import key_of
from auditor.analysis.patterns import StructPattern
from auditor.analysis.prefilter import may_match
from auditor.analysis.taint import Engine, Hit, Places, SinkSpec
from auditor.model import Siblings

SOURCES_DIR = "_sources"


_SINKS_IN: dict[tuple[int, str], tuple[TaintSpec, bool]] = {}


@dataclass(frozen=True)
class Sink:
    pattern: StructPattern
    direct_parameters: bool = False
    literal: str = ""  # regex: the text a value was built into must match (e.g. SQL words)
    built_only: bool = False
    # the sink counts only in a file that matches this, in its module-level code or in the unit
    # (an import of Go's text/template, a Jinja Environment made with autoescape=False);
    # `file: {not: ...}`: only in a file that does not (a pino logger configured to redact)
    file: StructPattern | None = None
    file_negated: bool = False
    # the metavariable of a template's text: only the arguments its unescaped placeholders
    # name count (`render_template_string(PAGE, memo=m)` where PAGE says `{{ memo|safe }}`)
    unescaped: str = ""
    # the match is a finding by itself, no flow needed: a setting that has every request's
    # credentials logged (OkHttp's HttpLoggingInterceptor at Level.HEADERS)
    alone: bool = False


@dataclass(frozen=True)
class TaintSpec:
    sources: tuple[StructPattern, ...] = ()
    sanitizers: tuple[StructPattern, ...] = ()
    sinks: tuple[Sink, ...] = ()
    parameters: bool = False
    names: str = ""  # regex over one identifier / key: names that say they hold a secret
    numbers_clean: bool = False  # the `numeric` sanitizers apply: typed numbers carry no text
    prefix_guards: bool = False  # `prefix`: a startswith check cleans (a path under a root)
    # the sources that come from the `stored` group: their flows are "stored", not "request"
    stored: tuple[StructPattern, ...] = ()  # a tuple: the pack's key hashes its repr
    # sources and sanitizers that count only in a file matching a pattern, as a sink's `file`
    # (math/rand's `rand.Read` where the file imports math/rand; a Trusted Types policy's
    # createHTML where the file's policy sanitizes): (pattern, condition, negated)
    source_files: tuple[tuple[StructPattern, StructPattern, bool], ...] = ()
    # `templates`: what the file's escaping templates render is clean (templates.py)
    escaping_templates: bool = False

    def _sources(self, file_has: Callable[[StructPattern], bool] | None) -> list[StructPattern]:
        """The sources that count in this file (see ``source_files``)."""
        return self._counted(self.sources, file_has)

    def _counted(
        self, group: Sequence[StructPattern], file_has: Callable[[StructPattern], bool] | None
    ) -> list[StructPattern]:
        dropped = [
            pattern
            for pattern, condition, negated in self.source_files
            if (file_has is not None and file_has(condition)) == negated
        ]
        return [p for p in group if all(p is not d for d in dropped)]

    def sinks_in(self, tree: object, text: str = "") -> bool:
        """Whether any of the sinks is in ``tree`` (no sources, sanitizers or walk); kept for
        the last texts, since the unit's helpers and the unit itself both ask."""
        key = (id(self), text)
        known = _SINKS_IN.get(key)
        if known is not None and known[0] is self:
            return known[1]
        plain = tuple(s.pattern.rule for s in self.sinks if not s.pattern.constraints)
        found = bool(plain) and patterns.any_match(tree, plain, text)
        if not found:
            found = any(
                patterns.find(tree, s.pattern, text) for s in self.sinks if s.pattern.constraints
            )
        if len(_SINKS_IN) >= 65536:
            _SINKS_IN.clear()
        _SINKS_IN[key] = (self, found)
        return found

    def places(
        self,
        tree: object,
        text: str = "",
        summary: bool = False,
        helpers: Helpers | None = None,
        file_has: Callable[[StructPattern], bool] | None = None,
        kept: bool = False,
    ) -> Places:
        """Sinks first: a unit without one needs no sources, sanitizers or walk (most units).

        ``summary``: the unit is a helper being summarised (summaries.py): its parameters are
        marked and its returns collected, so it is walked whatever it holds. ``helpers``: the
        summaries of the same-file functions it calls (sinks and sources of their own).
        ``file_has``: whether the file matches a pattern (a sink's `file` condition; without
        it, a sink with one does not count, and one with `file: {not: ...}` does). ``kept``: the
        unit reads request data a middleware of the file stored (context.py), a source too."""
        found = Places(
            parameters=self.parameters,
            numbers_clean=self.numbers_clean,
            prefix_guards=self.prefix_guards,
            summary=summary,
            helpers=helpers,
        )
        only_sources = not self.parameters and not self.names and not summary and not kept
        only_sources = only_sources and not any(s.alone for s in self.sinks)
        sources: list[tuple[StructPattern, list[object]]] | None = None
        if only_sources:
            sources = [(p, patterns.find(tree, p, text)) for p in self._sources(file_has)]
            if not any(matches for _, matches in sources) and not (
                helpers is not None and helpers.with_sources()
            ):
                found.helpers = None  # not even through a helper
                return found  # flows start only at sources, and there is none: nothing reaches
        far_sinks = False  # only a helper's sinks (asked only when the unit has none)
        if self.sinks_in(tree, text):
            sinks = self.sinks
        else:
            far_sinks = helpers is not None and helpers.with_sinks()
            if not far_sinks and not summary:
                found.helpers = None
                return found
            sinks = ()
        plain = tuple(s.pattern.rule for s in sinks if not s.pattern.constraints)
        quick = not patterns.any_match(tree, plain, text) if plain else False
        for sink in sinks:
            if quick and not sink.pattern.constraints:
                continue  # one search said none of the plain sinks is here
            if sink.file is not None:
                has = file_has is not None and file_has(sink.file)
                if has == sink.file_negated:
                    continue
            matches = patterns.find(tree, sink.pattern, text)
            if not matches:
                continue
            spec = SinkSpec(
                sink.pattern.label,
                sink.pattern.focus,
                sink.direct_parameters,
                _searcher(sink.literal) if sink.literal else None,
                sink.built_only,
                alone=sink.alone,
            )
            for match in matches:
                found.sink_lines.add(match.range().start.line)
                targets = found.sinks.setdefault(key_of(match), [])
                here = spec
                if sink.unescaped:
                    here = dataclasses.replace(spec, template=match.get_match(sink.unescaped))
                targets += [(here, node) for node in patterns.focus_nodes(match, sink.pattern)]
        if not found.sinks and not far_sinks:
            # every sink of the unit's was one its file's conditions rule out: a helper's
            # sinks still count (a FastAPI route's helper that wraps text in Markup)
            far_sinks = helpers is not None and helpers.with_sinks()
        if not found.sinks and not far_sinks and not summary:
            return found
        if self.names:
            regex = name_regex(self.names)
            found.name_source = lambda name: regex.search(name) is not None
        if sources is None:
            sources = [(p, patterns.find(tree, p, text)) for p in self._sources(file_has)]
        for pattern, matches in sources:
            for match in matches:
                kind = "stored" if pattern in self.stored else "request"
                for node in patterns.focus_nodes(match, pattern):
                    found.sources[key_of(node)] = kind
        for pattern in self._counted(self.sanitizers, file_has):
            for match in patterns.find(tree, pattern, text):
                for node in patterns.focus_nodes(match, pattern):
                    found.sanitizers.add(key_of(node))
        return found


@functools.cache
def name_regex(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _searcher(source: str) -> Callable[[str], bool]:
    regex = name_regex(source)
    return lambda text: regex.search(text) is not None


def analyse(
    spec: TaintSpec,
    language: str,
    text: str,
    siblings: Siblings | None = None,
    own: str = "",
    sink_lines: set[int] | None = None,
) -> list[Hit]:
    """The sinks of ``text`` that a source reaches, each with its flows; ``siblings``: the
    file's other functions, whose bodies calls into them are judged by (``own``: the unit's
    name, not followed); ``sink_lines`` gets the lines where the unit's sinks start, reached
    or not."""
    table = TABLES.get(language)
    tree = patterns.unit_root(language, text)
    if table is None or tree is None:
        return []
    helpers = called(spec, language, text, siblings, own)
    file_has = file_matcher(language, siblings, text)
    stored = context.writes(spec, language, siblings, text)
    if helpers is not None:
        helpers.context = stored
    kept = {k: v for k, v in stored.items() if k in text}
    places = spec.places(tree, text, helpers=helpers, file_has=file_has, kept=bool(kept))
    if sink_lines is not None:
        sink_lines |= places.sink_lines
    places.context = kept
    places.siblings = siblings
    if spec.names:
        places.records = records.printed(siblings, language)
    if siblings is not None:
        places.constants = siblings.constant_texts
    if spec.escaping_templates:
        places.templates = templates.escaping(siblings, language, text)
    if not places.sinks and not (places.helpers is not None and places.helpers.with_sinks()):
        return []  # no sink: nothing can be reported, so skip the walk
    try:
        return Engine(table, places).run(tree)
    except RecursionError:
        # Code nested deeper than the interpreter's stack allows the walk (generated code, a
        # test of the parser's limits): no flow is claimed; patterns and detectors still ran.
        return []


def file_matcher(
    language: str, siblings: Siblings | None, unit: str
) -> Callable[[StructPattern], bool]:
    """Whether the file matches a pattern: its module-level code (parsed on demand), the unit
    itself (all there is of the file for a unit made on its own), or another of its functions
    (a Trusted Types policy's ``createHTML: (d) => DOMPurify.sanitize(d)`` is a function of
    its own, cut out of the module's code)."""
    module = siblings.module if siblings is not None else ""

    def has(pattern: StructPattern) -> bool:
        for text in (module, unit) if module and module != unit else (unit,):
            tree = patterns.root(language, text)
            if tree is not None and patterns.find(tree, pattern, text):
                return True
        return siblings is not None and _functions_have(language, siblings, pattern)

    return has


# (id(siblings), id(pattern)) -> (siblings, pattern, whether one of the file's functions matches)
_FUNCTIONS_HAVE: dict[tuple[int, int], tuple[Siblings, StructPattern, bool]] = {}


def _functions_have(language: str, siblings: Siblings, pattern: StructPattern) -> bool:
    """Worked out once per file and pattern: every unit of the file asks the same."""
    key = (id(siblings), id(pattern))
    known = _FUNCTIONS_HAVE.get(key)
    if known is not None and known[0] is siblings and known[1] is pattern:
        return known[2]
    found = False
    for _, text in siblings.functions:
        if not may_match(pattern.rule, text, pattern.constraints):
            continue
        tree = patterns.unit_root(language, text)
        if tree is not None and patterns.find(tree, pattern, text):
            found = True
            break
    if len(_FUNCTIONS_HAVE) >= 65536:
        _FUNCTIONS_HAVE.clear()
    _FUNCTIONS_HAVE[key] = (siblings, pattern, found)
    return found


def all_patterns(spec: TaintSpec) -> Sequence[StructPattern]:
    return (*spec.sources, *spec.sanitizers, *(s.pattern for s in spec.sinks))
