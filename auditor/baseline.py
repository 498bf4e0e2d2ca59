"""Baselines: the findings a team has accepted, so that only new ones alarm.

An entry holds no line numbers and no timestamps, and the file is sorted JSON, so it merges
cleanly. A finding matches by its fingerprint (rule, path, qualified name, body), or, when its
file was renamed, by rule, qualified name and body alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
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
    entries = sorted({json.dumps(entry(f), sort_keys=True) for f in result.findings})
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


def apply(result: ScanResult, entries: list[dict[str, Any]]) -> ScanResult:
    """Mark each finding ``new`` or ``unchanged`` against the baseline."""
    prints = {e.get("fingerprint") for e in entries}
    moved = {(e.get("rule"), e.get("qualname"), e.get("body")) for e in entries}
    marked = []
    for finding in result.findings:
        known = finding.fingerprint in prints or (
            (finding.rule.id, finding.unit.qualname, _body_hash(finding)) in moved
        )
        marked.append(dataclasses.replace(finding, baseline_state="unchanged" if known else "new"))
    return dataclasses.replace(result, findings=tuple(marked))
