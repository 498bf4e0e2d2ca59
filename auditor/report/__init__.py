"""Output formats: one Reporter per Format, registered explicitly.

Importing this package costs nothing beyond the enum: `auditor --help` and the command-line
parser need the format names, a scan needs one reporter, and SARIF (sarif-om,
jschema-to-python) and HTML (jinja2) alone cost ~100 ms of imports.
"""

from __future__ import annotations

import enum
import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.report.base import ReportContext, Reporter


class Format(enum.Enum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    HTML = "html"
    MARKDOWN = "markdown"


# Format -> (module, class): imported on first use.
REPORTERS: dict[Format, tuple[str, str]] = {
    Format.TEXT: ("auditor.report.text", "TextReporter"),
    Format.JSON: ("auditor.report.json", "JsonReporter"),
    Format.SARIF: ("auditor.report.sarif", "SarifReporter"),
    Format.GITHUB: ("auditor.report.github", "GithubReporter"),
    Format.HTML: ("auditor.report.html", "HtmlReporter"),
    Format.MARKDOWN: ("auditor.report.markdown", "MarkdownReporter"),
}


def reporter_class(fmt: Format) -> type[Reporter]:
    module, name = REPORTERS[fmt]
    cls: type[Reporter] = getattr(importlib.import_module(module), name)
    return cls


def get_reporter(fmt: Format) -> Reporter:
    """A fresh reporter for ``fmt``."""
    return reporter_class(fmt)()


def __getattr__(name: str) -> object:  # the base types, for `from auditor.report import ...`
    if name in ("ReportContext", "Reporter"):
        from auditor.report import base

        return getattr(base, name)
    raise AttributeError(name)


__all__ = ["REPORTERS", "Format", "ReportContext", "Reporter", "get_reporter", "reporter_class"]
