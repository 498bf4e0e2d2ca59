"""`auditor rules test`: every rule's own examples must pass both stages.

A violating example must pass the gate (scored against the description and the rule's *other*
violating examples, so it cannot match itself) and be confirmed by evidence where the rule has
evidence for its language; where that evidence is precise (structural, data flow, a detector:
a scan does not let the gate veto it), only the evidence counts, as in a scan. A safe example
must not become a finding: it fails the gate, or the evidence rejects it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from auditor import evidence
from auditor.cache import VectorCache
from auditor.embed.base import Embedder
from auditor.gate import embed_cached, leave_one_out, rule_vectors
from auditor.model import CodeUnit, Example, Rule


@dataclass(frozen=True)
class Failure:
    rule_id: str
    kind: str  # "violating" | "safe"
    index: int
    language: str
    reason: str


def example_unit(rule: Rule, example: Example, kind: str, index: int) -> CodeUnit:
    lines = example.code.rstrip("\n").split("\n")
    return CodeUnit(
        path=f"{rule.source or rule.id}#{kind}[{index}]",
        language=example.language,
        qualname=f"{kind}[{index}]",
        kind="function",
        start_line=1,
        end_line=len(lines),
        text="\n".join(lines),
    )


def test_rules(
    rules: Sequence[Rule], embedder: Embedder, cache: VectorCache
) -> tuple[list[Failure], int]:
    """The failures, and how many examples were checked."""
    per_rule, _ = rule_vectors(embedder, cache, rules)
    failures: list[Failure] = []
    checked = 0
    for rule in rules:
        threshold = rule.threshold_for(embedder.key)
        vectors = per_rule[rule.id]  # row 0: description, then the violating examples
        safe_vecs, _ = embed_cached(embedder, cache, [ex.code for ex in rule.safe])
        own_scores = leave_one_out(vectors)
        for i, example in enumerate(rule.violating):
            checked += 1
            sim = own_scores[i]
            unit = example_unit(rule, example, "violating", i)
            if sim < threshold and not evidence.precise(rule, example.language):
                failures.append(
                    Failure(
                        rule.id,
                        "violating",
                        i,
                        example.language,
                        f"gate score {sim:.3f} < threshold {threshold:.3f}",
                    )
                )
            elif rule.evidence_for(example.language) and not evidence.confirm(rule, unit):
                failures.append(
                    Failure(rule.id, "violating", i, example.language, "evidence did not confirm")
                )
        for i, example in enumerate(rule.safe):
            checked += 1
            sim = float((vectors @ safe_vecs[i]).max())
            unit = example_unit(rule, example, "safe", i)
            has_evidence = rule.evidence_for(example.language) is not None
            # The same decision as a strict scan: confirmed, or a rule with no evidence at all.
            reported = bool(evidence.confirm(rule, unit)) if has_evidence else not rule.has_evidence
            if (sim >= threshold or evidence.precise(rule, example.language)) and reported:
                failures.append(
                    Failure(
                        rule.id,
                        "safe",
                        i,
                        example.language,
                        f"would be reported (gate score {sim:.3f}"
                        + (", evidence confirmed it)" if has_evidence else ", no evidence)"),
                    )
                )
    return failures, checked
