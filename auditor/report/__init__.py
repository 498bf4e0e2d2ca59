"""Output formats: one Reporter per Format, registered explicitly."""

from __future__ import annotations

import enum

from auditor.report.base import ReportContext, Reporter
from auditor.report.github import GithubReporter
from auditor.report.html import HtmlReporter
from auditor.report.json import JsonReporter
from auditor.report.markdown import MarkdownReporter
from auditor.report.sarif import SarifReporter
from auditor.report.text import TextReporter


class Format(enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    HTML = "html"
    MARKDOWN = "markdown"


REPORTERS: dict[Format, type[Reporter]] = {
    Format.TEXT: TextReporter,
    Format.JSON: JsonReporter,
    Format.SARIF: SarifReporter,
    Format.GITHUB: GithubReporter,
    Format.HTML: HtmlReporter,
    Format.MARKDOWN: MarkdownReporter,
}


def get_reporter(fmt: Format) -> Reporter:
    """A fresh reporter for ``fmt``."""
    return REPORTERS[fmt]()


__all__ = ["REPORTERS", "Format", "ReportContext", "Reporter", "get_reporter"]
