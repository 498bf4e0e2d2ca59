"""`auditor rules list|test|calibrate`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.commands import suggest_cmd, trial_cmd
from auditor.commands.common import settings
from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.model import Rule
    from auditor.session import Session

# The rule pack, the analysis engine and the models load when a rule command runs, not with the
# command-line parser.


def add_parser(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    rules = sub.add_parser("rules", help="list, test or calibrate the rule pack")
    actions = rules.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="id, severity, CWE and languages of every rule")
    add_common(listing)
    listing.set_defaults(func=cmd_list)
    test = actions.add_parser(
        "test",
        help="check every rule's examples: violating ones must be found, safe ones must not",
        description="Embeds each rule's examples with the active backend. A violating example "
        "fails when it scores under the rule's threshold or its evidence does not confirm it; a "
        "safe example fails when it would be reported. Exit 1 when any example fails.",
    )
    add_common(test)
    test.set_defaults(func=cmd_test)
    calibrate = actions.add_parser(
        "calibrate",
        help="set each rule's gate threshold for the active model from labeled data",
        description="Scores each rule's violating examples (each without itself) and, with "
        "--corpus, the labeled corpus's violating units, and picks per rule the highest "
        "threshold that keeps --recall of them. Writes thresholds.yaml in the rule pack, keyed "
        "by model@dimensions, so each model keeps its own thresholds.",
    )
    calibrate.add_argument(
        "--corpus", type=Path, help="labeled corpus directory (format: tests/corpus/README.md)"
    )
    calibrate.add_argument(
        "--split",
        choices=["calibration", "held-out", "all"],
        default="calibration",
        help="which half of the corpus to calibrate on (calibration; keep held-out for testing)",
    )
    calibrate.add_argument(
        "--recall",
        type=float,
        default=1.0,
        help="share of known violations the gate must keep (1.0: all of them; the gate is for "
        "recall, evidence gives precision, so a lower gate costs time, not false findings)",
    )
    calibrate.add_argument(
        "--margin",
        type=float,
        default=None,
        help="how far below that score the threshold goes, for the violations no corpus holds "
        "yet (default 0.03, measured by bench/gate_margin.py)",
    )
    calibrate.add_argument(
        "-o",
        "--output",
        dest="thresholds_output",
        type=Path,
        help="thresholds file to update (default: thresholds.yaml in the first rule directory)",
    )
    add_common(calibrate)
    calibrate.set_defaults(func=cmd_calibrate)
    trial_cmd.add_parser(actions, add_common)
    suggest_cmd.add_parser(actions, add_common)


def _session_rules(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[Path, Any]:
    # Rule commands also work outside a repository: then flags, environment and --config apply.
    return settings(args, environ, Path.cwd(), need_repo=False)


def _load(session: Session) -> list[Rule]:
    from auditor.scan import default_rule_dirs

    return session.load_rules(default_rule_dirs)


def _evidence(rule: Rule) -> str:
    """The languages the rule can confirm in, shared evidence included (TypeScript uses the
    JavaScript evidence when it has none of its own)."""
    from auditor.languages import LANGUAGE_BY_EXTENSION

    if any(lang == "any" for lang, _ in rule.evidence):
        return "all"
    languages = dict.fromkeys(LANGUAGE_BY_EXTENSION.values())
    covered = [
        lang for lang in languages if rule.applies_to(lang) and rule.evidence_for(lang) is not None
    ]
    return ",".join(covered) or "-"


def cmd_list(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.session import open_session

    root, config = _session_rules(args, environ)
    with open_session(root, config) as session:
        rules = _load(session)
    rows = [("ID", "SEVERITY", "CWE", "LANGUAGES", "EVIDENCE")]
    for rule in rules:
        langs = ",".join(rule.languages) or "all"
        rows.append((rule.id, rule.severity.value, ",".join(rule.cwe), langs, _evidence(rule)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:4])]
        print("  ".join([*cells, row[4]]).rstrip())
    return 0


def cmd_test(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.rule_checks import check_patterns, check_queries, check_regexes, lint_problems
    from auditor.rules import shipped_rules_dir
    from auditor.ruletest import test_rules
    from auditor.session import open_session

    root, config = _session_rules(args, environ)
    with open_session(root, config) as session:
        rules = _load(session)
        problems = check_queries(rules) + check_regexes(rules) + check_patterns(rules)
        lint, legacy = lint_problems(rules, shipped_rules_dir())
        problems += lint
        embedder = session.embedder()
        failures, checked = test_rules(rules, embedder, session.cache)
        key = embedder.key
        embedder.close()
    problems += [
        f"{rule.id}: no {language} evidence could be induced from the examples: {why}"
        for rule in rules
        for language, why in rule.unlearned
    ]
    for rule in rules:
        if rule.induced:
            print(
                f"note: {rule.id}: {', '.join(rule.induced)} evidence induced from the examples "
                f"(`auditor rules suggest {rule.source}` prints it)"
            )
    for problem in problems:
        print(f"FAIL {problem}")
    for failure in failures:
        print(
            f"FAIL {failure.rule_id}: {failure.kind} example {failure.index} "
            f"({failure.language}): {failure.reason}"
        )
    if legacy:
        print(
            f"note: {legacy} regexes of the shipped rules still read raw text across code "
            "structure (languages not yet rewritten as structural patterns or data flow)"
        )
    failed_rules = {f.rule_id for f in failures}
    print(
        f"{len(rules) - len(failed_rules)} of {len(rules)} rules pass; "
        f"{checked - len(failures)} of {checked} examples pass on {key}"
    )
    return 1 if failures or problems else 0


def cmd_calibrate(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    from auditor.calibrate import MARGIN, calibrate, write_thresholds
    from auditor.corpus import load_corpus, select_split
    from auditor.rules import THRESHOLDS_FILE
    from auditor.session import open_session

    if not 0.0 < args.recall <= 1.0:
        raise AuditorError(f"--recall {args.recall}: expected a number in (0, 1]")
    margin = MARGIN if args.margin is None else args.margin
    if not 0.0 <= margin < 1.0:
        raise AuditorError(f"--margin {args.margin}: expected a number in [0, 1)")
    root, config = _session_rules(args, environ)
    entries = select_split(load_corpus(args.corpus), args.split) if args.corpus else []
    with open_session(root, config) as session:
        rules = _load(session)
        embedder = session.embedder()
        found = calibrate(rules, embedder, session.cache, entries, args.recall, margin)
        key = embedder.key
        embedder.close()
    target = args.thresholds_output or Path(rules[0].source).parent / THRESHOLDS_FILE
    for rule in rules:
        if rule.id in found:
            value, support = found[rule.id]
            old = rule.threshold_for(key)
            print(f"{rule.id:<28} {old:.3f} -> {value:.3f}  ({support} violations)")
    write_thresholds(target, key, {rule_id: value for rule_id, (value, _) in found.items()})
    print(f"wrote thresholds for {key} to {target}")
    return 0
