"""Output formats: one Reporter per Format, registered explicitly."""

from __future__ import annotations

import enum
from collections.abc import Callable

from auditor.report.base import ReportContext, Reporter
from auditor.report.github import GithubReporter
from auditor.report.json import JsonReporter
from auditor.report.markdown import MarkdownReporter
from auditor.report.text import TextReporter


class Format(enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    HTML = "html"
    MARKDOWN = "markdown"


# SARIF (sarif-om, jschema-to-python) and HTML (jinja2) cost ~100 ms of imports together; the
# pre-commit hook prints text, so those two load only when asked for.
def _sarif() -> type[Reporter]:
    from auditor.report.sarif import SarifReporter

    return SarifReporter


def _html() -> type[Reporter]:
    from auditor.report.html import HtmlReporter

    return HtmlReporter


REPORTERS: dict[Format, Callable[[], type[Reporter]]] = {
    Format.TEXT: lambda: TextReporter,
    Format.JSON: lambda: JsonReporter,
    Format.SARIF: _sarif,
    Format.GITHUB: lambda: GithubReporter,
    Format.HTML: _html,
    Format.MARKDOWN: lambda: MarkdownReporter,
}


def reporter_class(fmt: Format) -> type[Reporter]:
    return REPORTERS[fmt]()


def get_reporter(fmt: Format) -> Reporter:
    """A fresh reporter for ``fmt``."""
    return reporter_class(fmt)()


__all__ = ["REPORTERS", "Format", "ReportContext", "Reporter", "get_reporter", "reporter_class"]
