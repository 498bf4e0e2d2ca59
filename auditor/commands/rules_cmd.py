"""`auditor rules list|test|calibrate`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from auditor.commands.common import settings
from auditor.model import Rule
from auditor.ruletest import test_rules
from auditor.scan import default_rule_dirs
from auditor.session import Session, open_session


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


def _session_rules(args: argparse.Namespace, environ: Mapping[str, str]) -> tuple[Path, Any]:
    # Rule commands also work outside a repository: then flags, environment and --config apply.
    return settings(args, environ, Path.cwd(), need_repo=False)


def _load(session: Session) -> list[Rule]:
    return session.load_rules(default_rule_dirs)


def cmd_list(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    root, config = _session_rules(args, environ)
    with open_session(root, config) as session:
        rules = _load(session)
    rows = [("ID", "SEVERITY", "CWE", "LANGUAGES", "EVIDENCE")]
    for rule in rules:
        langs = ",".join(rule.languages) or "all"
        ev = ",".join(lang for lang, _ in rule.evidence) or "-"
        rows.append((rule.id, rule.severity.value, ",".join(rule.cwe), langs, ev))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:4])]
        print("  ".join([*cells, row[4]]).rstrip())
    return 0


def cmd_test(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    root, config = _session_rules(args, environ)
    with open_session(root, config) as session:
        rules = _load(session)
        embedder = session.embedder()
        failures, checked = test_rules(rules, embedder, session.cache)
        key = embedder.key
        embedder.close()
    for failure in failures:
        print(
            f"FAIL {failure.rule_id}: {failure.kind} example {failure.index} "
            f"({failure.language}): {failure.reason}"
        )
    failed_rules = {f.rule_id for f in failures}
    print(
        f"{len(rules) - len(failed_rules)} of {len(rules)} rules pass; "
        f"{checked - len(failures)} of {checked} examples pass on {key}"
    )
    return 1 if failures else 0
