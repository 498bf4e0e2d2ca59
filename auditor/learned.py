"""Evidence induced from a rule's examples (analysis/induce.py) for each language the written
evidence leaves out; the rule loader parses it like written evidence."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from auditor import evidence
from auditor.analysis import imports, induce
from auditor.analysis.induce import Induced
from auditor.model import CodeUnit, Evidence, Example, Rule, Severity

# The loader's parser: (language, the evidence mapping of that language) -> Evidence.
Parse = Callable[[str, dict[str, Any]], Evidence]


def learn_evidence(
    written: tuple[tuple[str, Evidence], ...],
    violating: Sequence[Example],
    safe: Sequence[Example],
    parse: Parse,
) -> tuple[tuple[tuple[str, Evidence], ...], tuple[tuple[str, str], ...]]:
    """The induced evidence per language, and per language where none could be induced, why."""
    probe = Rule("x", "x", "x", Severity.NOTE, (), "x", "x", 0.0, evidence=written)
    induced: list[tuple[str, Evidence]] = []
    unlearned: list[tuple[str, str]] = []
    for language in dict.fromkeys(e.language for e in violating):
        if probe.evidence_for(language) is not None or not induce.supported(language):
            continue
        found = induced_evidence(
            language,
            tuple(e.code for e in violating if e.language == language),
            tuple(e.code for e in safe if e.language == language),
            parse,
        )
        if found.evidence is None:
            unlearned.append((language, found.problem))
            continue
        induced.append((language, parse(language, found.evidence)))
    return tuple(induced), tuple(unlearned)


@functools.lru_cache(maxsize=256)
def induced_evidence(
    language: str, violating: tuple[str, ...], safe: tuple[str, ...], parse: Parse
) -> Induced:
    """Induction for one language's examples, checked with the real confirmation stage (the
    rule pack's pickle keeps the result across runs: its key covers the examples' bytes).
    An example that imports what it calls is read with the callee spelled out, as evidence
    reads code (``from hashlib import sha1`` ... ``sha1(x)`` teaches ``hashlib.sha1``)."""
    violating = tuple(imports.resolve(language, code) for code in violating)
    safe = tuple(imports.resolve(language, code) for code in safe)

    def confirms(body: dict[str, Any], code: str) -> bool:
        lines = code.rstrip("\n").split("\n")
        unit = CodeUnit("example", language, "example", "function", 1, len(lines), "\n".join(lines))
        return bool(evidence.confirm_evidence(parse(language, body), unit))

    return induce.induce(language, violating, safe, confirms)
