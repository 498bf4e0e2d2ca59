"""Baselines: the findings a team has accepted, so that only new ones alarm.

An entry holds no line numbers and no timestamps, and the file is sorted JSON, so it merges
cleanly. Entries are a multiset: each one accepts one finding. A finding matches an entry by
its fingerprint (rule, path, qualified name, body), or, when the entry's file is gone (renamed),
by rule, qualified name and body alone, so a copy of an accepted function is still new.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.model import AuditorError, Finding, ScanResult

FORMAT = "auditor-baseline/1"


def _body_hash(finding: Finding) -> str:
    # The key (a secret's one-way digest) keeps two secrets of one function apart.
    body = f"{finding.body}\0{finding.key}" if finding.key else finding.body
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def entry(finding: Finding) -> dict[str, str]:
    return {
        "fingerprint": finding.fingerprint,
        "rule": finding.rule.id,
        "path": finding.unit.path,
        "qualname": finding.unit.qualname,
        "body": _body_hash(finding),
    }


def render(result: ScanResult) -> str:
    # A list, not a set: two identical findings are two entries, each accepting one.
    entries = sorted(json.dumps(entry(f), sort_keys=True) for f in result.findings)
    doc = {"format": FORMAT, "findings": [json.loads(e) for e in entries]}
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def load(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AuditorError(
            f"{path}: baseline not found; create it with `auditor baseline create -o {path}`"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AuditorError(f"{path}: not a readable baseline ({exc}); recreate it") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise AuditorError(f"{path}: not an auditor baseline (expected format {FORMAT!r})")
    findings = doc.get("findings")
    if not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise AuditorError(f"{path}: key 'findings' must be a list of objects; recreate it")
    return findings


def apply(
    result: ScanResult, entries: list[dict[str, Any]], exists: Callable[[str], bool]
) -> ScanResult:
    """Mark each finding ``new`` or ``unchanged`` against the baseline.

    ``exists(path)`` tells whether an entry's file is still there; only an entry whose file
    is gone may match a finding elsewhere (the file was renamed).
    """
    prints = Counter(e.get("fingerprint") for e in entries)
    known: set[int] = set()
    for index, finding in enumerate(result.findings):
        if prints[finding.fingerprint] > 0:
            prints[finding.fingerprint] -= 1
            known.add(index)
    moved: Counter[tuple[Any, Any, Any]] = Counter()
    for e in entries:
        fingerprint = e.get("fingerprint")
        if prints[fingerprint] > 0:  # not absorbed above
            prints[fingerprint] -= 1
            if not exists(str(e.get("path", ""))):
                moved[(e.get("rule"), e.get("qualname"), e.get("body"))] += 1
    for index, finding in enumerate(result.findings):
        key = (finding.rule.id, finding.unit.qualname, _body_hash(finding))
        if index not in known and moved[key] > 0:
            moved[key] -= 1
            known.add(index)
    marked = tuple(
        dataclasses.replace(f, baseline_state="unchanged" if i in known else "new")
        for i, f in enumerate(result.findings)
    )
    return dataclasses.replace(result, findings=marked)
