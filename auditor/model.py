"""The value types that flow through a scan. All frozen; validation lives in the loaders."""

from __future__ import annotations

import collections
import enum
import functools
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.analysis.spec import TaintSpec

from auditor.errors import AuditorError as AuditorError
from auditor.filekinds import TEXT_KINDS


class Severity(enum.Enum):
    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise AuditorError(f"unknown severity {value!r} (choose from {choices})") from None


_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}
_LOWER = {
    Severity.NOTE: Severity.NOTE,
    Severity.WARNING: Severity.NOTE,
    Severity.ERROR: Severity.WARNING,
}


class Precision(enum.Enum):
    STRICT = "strict"  # evidence-confirmed findings only
    BROAD = "broad"  # also findings that passed only the semantic gate


@dataclass(frozen=True)
class Pattern:
    """One piece of evidence: a regular expression or a tree-sitter query.

    A query marks the lines it pins with a capture named ``@match``; without one, the whole
    match pins the region.
    """

    kind: str  # "regex" | "query" | "pattern" (an ast-grep rule, as JSON)
    source: str
    focus: str = ""  # for "pattern": the metavariable that pins the lines
    analyzer: str = ""  # for "pattern": a check on what the match holds (analysis/analyzers.py)


@dataclass(frozen=True)
class Evidence:
    """Per-language confirmation of a candidate (see evidence.py).

    match:    at least one must match; the first match gives the finding's lines.
    requires: every one must match somewhere in the unit.
    unless:   none may match anywhere in the unit.
    detector: a named built-in detector (``secret``) used instead of, or beside, ``match``.
    """

    match: tuple[Pattern, ...] = ()
    requires: tuple[Pattern, ...] = ()
    unless: tuple[Pattern, ...] = ()
    detector: str | None = None
    taint: TaintSpec | None = None  # sources, sanitizers and sinks for the data-flow engine


@dataclass(frozen=True)
class Example:
    language: str
    code: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    severity: Severity
    cwe: tuple[str, ...]  # "CWE-89", main first
    message: str
    help: str
    threshold: float  # the gate for models without a calibrated threshold
    languages: tuple[str, ...] = ()  # empty: every code language; "any": text files too
    violating: tuple[Example, ...] = ()
    safe: tuple[Example, ...] = ()
    thresholds: tuple[tuple[str, float], ...] = ()  # (model key, threshold), calibrated
    evidence: tuple[tuple[str, Evidence], ...] = ()  # (language or "any", evidence)
    source: str = ""  # the file the rule came from
    induced: tuple[str, ...] = ()  # languages whose evidence was induced from the examples
    unlearned: tuple[tuple[str, str], ...] = ()  # (language, why no evidence could be induced)

    def applies_to(self, language: str) -> bool:
        """No ``languages``: every code language; a text file kind only when named (or any)."""
        if not self.languages:
            return language not in TEXT_KINDS
        return "any" in self.languages or language in self.languages

    def threshold_for(self, model_key: str) -> float:
        for key, value in self.thresholds:
            if key == model_key:
                return value
        return self.threshold

    def evidence_for(self, language: str) -> Evidence | None:
        table = dict(self.evidence)
        return (
            table.get(language) or table.get(_LANGUAGE_FAMILY.get(language, "")) or table.get("any")
        )

    def induced_for(self, language: str) -> bool:
        """Whether the evidence used for ``language`` was induced from the examples."""
        table = dict(self.evidence)
        family = _LANGUAGE_FAMILY.get(language, "")
        key = language if language in table else family if family in table else "any"
        return key in table and key in self.induced

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence)


# Languages that share evidence with a sibling when they have none of their own.
_LANGUAGE_FAMILY = {"typescript": "javascript", "tsx": "javascript", "cpp": "c"}


@dataclass(frozen=True)
class CodeUnit:
    """A function, method or the module-level code of one file.

    ``text`` maps linearly onto the file: its line k (0-based) is file line ``start_line + k``.
    For the module unit, lines that belong to functions are left blank so the mapping holds.
    """

    path: str  # relative to the repository root, POSIX separators
    language: str
    qualname: str  # "Class.method", "outer.inner", or "<module>"
    kind: str  # "function" | "method" | "module"
    start_line: int  # 1-based, inclusive
    end_line: int  # 1-based, inclusive
    text: str
    # The file's module-level imports, (local name, qualified name): evidence also matches the
    # unit with imported callees spelled out (analysis/imports.py). Not part of its identity.
    imports: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
    # The other functions of the file: the data-flow engine follows calls into them (what a
    # helper returns, which of its parameters reach a sink). Not part of its identity.
    siblings: Siblings | None = field(default=None, compare=False, repr=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    def lines(self, start: int, end: int) -> str:
        """The unit's text for file lines start..end (inclusive)."""
        rows = self.text.split("\n")
        return "\n".join(rows[start - self.start_line : end - self.start_line + 1])


@dataclass(frozen=True)
class Siblings:
    """The functions defined in one file, by their short name (``Class.method`` -> ``method``),
    for calls the data-flow engine follows: a name defined twice (overloads, two classes'
    methods) is not followed, since which one runs is not known."""

    functions: tuple[tuple[str, str], ...] = ()  # (short name, text), in file order
    # (NAME, text) of the file's text constants (analysis.constants): `TEMPLATE = "<html>..."`
    constants: tuple[tuple[str, str], ...] = ()
    module: str = ""  # the file's module-level code (its module unit's text)
    # (Class.method, text) of the file's methods: a call on a field whose declared type is a
    # class of the file (`this.exporter.export(...)`, `exporter: PdfExportService`) runs that
    # class's method, even where another class has a method of the same name
    methods: tuple[tuple[str, str], ...] = ()

    def text_of(self, name: str) -> str | None:
        if "." in name:
            return self._methods.get(name)
        return self._unique.get(name)

    def typed(self, held: str, method: str) -> str | None:
        """``Class.method`` for a call of ``method`` on ``held`` (a field, a variable or the
        class itself) where exactly one class of the file that defines ``method`` is what the
        file declares ``held`` to be, or makes it from; None otherwise."""
        owners = self._owners.get(method, ())
        if held in owners:
            return f"{held}.{method}"  # PdfExportService.export(...): a static call
        found = [c for c in owners if c in self._declared.get(held, ())]
        return f"{found[0]}.{method}" if len(found) == 1 else None

    def is_class(self, name: str) -> bool:
        """Whether ``name`` is a class of the file that defines methods."""
        return name in self._classes

    @functools.cached_property
    def _classes(self) -> frozenset[str]:
        return frozenset(key.rsplit(".", 1)[0] for key, _ in self.methods)

    @functools.cached_property
    def _methods(self) -> dict[str, str]:
        count = collections.Counter(key for key, _ in self.methods)
        return {key: text for key, text in self.methods if count[key] == 1}

    @functools.cached_property
    def _owners(self) -> dict[str, tuple[str, ...]]:
        owners: dict[str, list[str]] = {}
        for key in self._methods:
            owner, method = key.rsplit(".", 1)
            owners.setdefault(method, []).append(owner)
        return {method: tuple(found) for method, found in owners.items()}

    @functools.cached_property
    def _declared(self) -> dict[str, frozenset[str]]:
        return _declared_types("\n".join([self.module, *(text for _, text in self.functions)]))

    def names(self) -> frozenset[str]:
        return self._names

    @functools.cached_property
    def _unique(self) -> dict[str, str]:
        count = collections.Counter(short for short, _ in self.functions)
        return {short: text for short, text in self.functions if count[short] == 1}

    @functools.cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(short for short, _ in self.functions)

    @functools.cached_property
    def constant_texts(self) -> dict[str, str]:
        return dict(self.constants)


@dataclass(frozen=True)
class Window:
    """What is embedded: the whole unit, or an overlapping slice of a long one."""

    unit: CodeUnit
    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class Confirmation:
    """What evidence found: the lines it pins and, for secrets, the masked value."""

    start_line: int
    end_line: int
    detail: str = ""
    flow: tuple[FlowStep, ...] = ()  # source, steps, sink (file lines) for a data-flow finding
    rank: int = 0  # confidence 0-100 (SARIF rank); 0 = unknown
    key: str = ""  # tells two confirmations of one unit apart in the fingerprint (no lines)
    precise: bool = True  # a detector's exact match, e.g. a known key format


@dataclass(frozen=True)
class FlowStep:
    """One place on a data-flow path, for SARIF codeFlows and the text format."""

    line: int  # file line, 1-based
    text: str  # what happens there (`bar = request.args.get("x")`)
    role: str = "step"  # "source" | "step" | "sink"


@dataclass(frozen=True)
class Finding:
    rule: Rule
    unit: CodeUnit
    score: float  # the semantic gate's cosine similarity
    start_line: int
    end_line: int
    confirmed: bool  # evidence matched; False means gate-only (broad mode)
    snippet: str  # the region's code, secrets masked
    detail: str = ""  # e.g. the masked secret
    baseline_state: str = ""  # "", "new" or "unchanged" when a baseline is used
    flow: tuple[FlowStep, ...] = ()
    rank: int = 0  # confidence 0-100
    region: str = ""  # the pinned lines' code, normalized: tells two findings of a unit apart
    key: str = ""  # from Confirmation.key: one of several findings of a rule in one unit
    demoted: str = ""  # why the finding is one level lower than its rule, e.g. "test file"

    @property
    def level(self) -> Severity:
        # A gate-only finding is a lead, not a verdict: one level lower, never below note.
        # So is a finding in a test file (a fixture's password), when the config says so.
        level = self.rule.severity
        for lower in (not self.confirmed, bool(self.demoted)):
            if lower:
                level = _LOWER[level]
        return level

    @property
    def message(self) -> str:
        text = self.rule.message
        if self.detail:
            text = f"{text} ({self.detail})"
        if not self.confirmed:
            text = f"{text} [semantic match only, not confirmed by evidence]"
        if self.demoted:
            text = f"{text} [in a {self.demoted}: reported one level lower]"
        return text

    @property
    def body(self) -> str:
        """The normalized body a finding is recognised by (whitespace runs collapsed).

        The function's text; for module-level code, which changes with every top-level edit,
        the finding's own region.
        """
        source = self.snippet if self.unit.kind == "module" else self.unit.text
        return _WHITESPACE.sub(" ", source).strip()

    @property
    def induced(self) -> bool:
        """Confirmed by evidence induced from the rule's examples (not written by a person)."""
        return self.confirmed and self.rule.induced_for(self.unit.language)

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: rule id, path, qualified name and the normalized body."""
        digest = hashlib.sha256()
        parts = [self.rule.id, self.unit.path, self.unit.qualname, self.body]
        if self.key:  # several findings of one rule in one unit (two secrets)
            parts.append(self.key)
        elif self.region:  # several sinks of one rule in one unit
            parts.append(self.region)
        for part in parts:
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\0")
        return digest.hexdigest()[:32]


_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Skip:
    """A file left out of the scan, and why (counted in the summary, never an error)."""

    path: str
    reason: str  # "binary", "undecodable", "too large", "minified", "generated", "vendored",
    # "unsupported language", "lock file"


@dataclass(frozen=True)
class ScanResult:
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    units_scanned: int
    files_scanned: int
    skipped: tuple[Skip, ...]
    embedded: int  # vectors computed this run (cache misses)
    model: str
    warnings: tuple[str, ...] = ()
    # Scanned files whose parse met syntax errors (their units are still scanned; not skips).
    parse_errors: tuple[str, ...] = ()
    secrets_only: tuple[tuple[str, int], ...] = ()  # (file kind, files) only a detector read
    # Units the gate scored, when the strict cascade left out those no evidence confirmed
    # (None: every unit was scored).
    units_embedded: int | None = None


_NAME = r"[A-Za-z_$][\w$]*"
# `PdfExportService exporter` (Java, C#) and `svc *ExportService` (Go): every two adjacent
# names, either way round (zero-width, so pairs overlap: `final Svc svc`)
_ADJACENT = re.compile(rf"\b(?=({_NAME})(?:<[^<>()\n]*>)?[ \t]+\*?({_NAME}))")
_ANNOTATED = re.compile(rf"({_NAME})[ \t]*[?!]?[ \t]*:[ \t]*({_NAME})")  # watermarks: Svc
_MADE = re.compile(rf"({_NAME})[ \t]*:?=[ \t]*(?:new[ \t]+|&)?({_NAME})[ \t]*[({{<]")  # x = C(


def _declared_types(text: str) -> dict[str, frozenset[str]]:
    """What each name of a file is declared as, or made from (candidates: the caller keeps
    only the file's own classes). One pass over the file, however many calls ask."""
    found: dict[str, set[str]] = {}
    for a, b in _ADJACENT.findall(text):
        found.setdefault(b, set()).add(a)
        found.setdefault(a, set()).add(b)
    for regex in (_ANNOTATED, _MADE):
        for held, kind in regex.findall(text):
            found.setdefault(held, set()).add(kind)
    return {held: frozenset(kinds) for held, kinds in found.items()}
