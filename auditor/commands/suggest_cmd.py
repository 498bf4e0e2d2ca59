"""`auditor rules suggest RULE.yaml`: the evidence induced from a rule's examples, as YAML to
paste under the rule's ``evidence:``, and for each example which part of it matched."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.analysis.induce import Induced
    from auditor.model import Example


def add_parser(actions: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    suggest = actions.add_parser(
        "suggest",
        help="print evidence induced from a rule's examples, as YAML to paste into the rule",
        description="Derives structural evidence from the rule's violating and safe examples, "
        "per language: what every violating example shares and what sets the safe ones apart. "
        "Prints it as YAML for the rule's 'evidence:' key and, per example, which part matched "
        "or rejected it. A rule without evidence for a language gets this evidence at scan time "
        "(as does one that says 'evidence: from-examples'). Exit 1 when the examples conflict.",
    )
    suggest.add_argument("rule_file", type=Path, metavar="RULE.yaml", help="the rule file")
    suggest.set_defaults(func=cmd_suggest)


def cmd_suggest(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    import yaml  # the induction machinery loads with the command, not with the parser

    from auditor.analysis import induce
    from auditor.rules import induced_evidence, load_rule

    path: Path = args.rule_file
    if path.suffix not in (".yaml", ".yml"):
        raise AuditorError(f"{path}: expected a rule file ending in .yaml")
    rule = load_rule(path)
    languages = list(dict.fromkeys(e.language for e in rule.violating))
    if not languages:
        raise AuditorError(f"{path}: the rule has no violating examples to learn from; add some")
    evidence: dict[str, Any] = {}
    notes: list[str] = []
    failed = False
    for language in languages:
        violating = [e for e in rule.violating if e.language == language]
        safe = [e for e in rule.safe if e.language == language]
        if not induce.supported(language):
            notes.append(f"# {language}: no induction for this language yet; write evidence")
            continue
        found = induced_evidence(
            language, tuple(e.code for e in violating), tuple(e.code for e in safe)
        )
        if found.evidence is None:
            failed = True
            notes.append(f"# {language}: no evidence: {found.problem}")
            continue
        evidence[language] = found.evidence
        notes.append(
            f"# {language}: from {len(violating)} violating and {len(safe)} safe examples: "
            + "; ".join(found.parts)
        )
        notes += explain(found, violating, safe)
    if evidence:
        print(yaml.safe_dump({"evidence": evidence}, sort_keys=False, width=100), end="")
    print("\n".join(notes))
    return 1 if failed else 0


def explain(found: Induced, violating: list[Example], safe: list[Example]) -> list[str]:
    from auditor.analysis import analyzers, imports, patterns
    from auditor.analysis.anchors import short
    from auditor.analysis.patterns import StructPattern

    """Per example: where the evidence matched, or which part rejected it."""
    assert found.evidence is not None
    full = StructPattern.create(found.evidence["match"][0]["pattern"], "induced evidence")
    base = StructPattern(found.base)

    def held(node: Any) -> bool:  # what the analyzer, if any, says of the node
        return not full.analyzer or analyzers.accepts(full.analyzer, found.language, node)

    lines = []

    def tree_of(example: Example) -> Any:  # read as induction read it: imports spelled out
        return patterns.root(example.language, imports.resolve(example.language, example.code))

    for index, example in enumerate(violating):
        tree = tree_of(example)
        hits = [n for n in patterns.find(tree, full) if held(n)] if tree is not None else []
        where = ", ".join(f"line {_line(n)} `{short(n.text(), 50)}`" for n in hits[:3])
        lines.append(f"#   violating[{index}]: matched at {where or 'nothing (unexpected)'}")
    for index, example in enumerate(safe):
        tree = tree_of(example)
        nodes = patterns.find(tree, base) if tree is not None else []
        if not nodes:
            reason = f"nothing matches {found.parts[0]}"
        else:
            reasons = []
            for node in nodes[:3]:
                failing = next(
                    (label for label, rule in found.checks if not node.matches(**json.loads(rule))),
                    "" if held(node) else found.parts[-1 - len(found.evidence.get("unless", []))],
                )
                reasons.append(
                    f"line {_line(node)} `{short(node.text(), 50)}`: "
                    + (f"rejected by '{failing}'" if failing else "kept, the function is excused")
                )
            reason = "; ".join(reasons)
        lines.append(f"#   safe[{index}]: {reason}")
    return lines


def _line(node: Any) -> int:
    return int(node.range().start.line) + 1
