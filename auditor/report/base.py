"""The seam every output format implements. Reporters format; they never embed or scan."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from auditor.model import ScanResult


@dataclass(frozen=True)
class ReportContext:
    """What a reporter may need besides the result itself."""

    repo_root: str  # absolute path of the repository root
    tool_version: str
    category: str = (
        "auditor"  # SARIF runAutomationDetails id prefix: keeps diff and full runs apart
    )
    color: bool = False  # text output only: ANSI colours when writing to a terminal


class Reporter(abc.ABC):
    @abc.abstractmethod
    def render(self, result: ScanResult, context: ReportContext) -> str:
        """The whole report as text (SARIF and JSON: sorted, stable JSON)."""
