"""Write a report where the config says, and turn the findings into an exit code."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from auditor import __version__
from auditor.config import Config
from auditor.model import AuditorError, ScanResult
from auditor.report import Format, get_reporter
from auditor.report.base import ReportContext


def exit_code(result: ScanResult, config: Config) -> int:
    """1 when a finding that is not in the baseline reaches --fail-on, else 0."""
    return int(
        any(
            f.level.rank >= config.fail_on.rank and f.baseline_state != "unchanged"
            for f in result.findings
        )
    )


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` in one step, so a failed run never leaves half a report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise AuditorError(f"cannot write {path}: {exc.strerror}; check the path") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AuditorError(f"cannot write {path}: {exc.strerror}") from None


def parse_also(values: Sequence[str]) -> list[tuple[Format, str]]:
    """``FORMAT:PATH`` pairs for --also; PATH ``-`` is standard output."""
    out = []
    for value in values:
        name, sep, path = value.partition(":")
        try:
            fmt = Format(name)
        except ValueError:
            choices = ", ".join(f.value for f in Format)
            raise AuditorError(f"--also {value!r}: unknown format {name!r} ({choices})") from None
        if not sep or not path:
            raise AuditorError(f"--also {value!r}: expected FORMAT:PATH, e.g. github:-")
        out.append((fmt, path))
    return out


def _visible(result: ScanResult, fmt: Format) -> ScanResult:
    # SARIF carries baselined findings marked "unchanged" (code scanning wants them); every
    # other format shows only what is new.
    if fmt is Format.SARIF:
        return result
    return dataclasses.replace(
        result, findings=tuple(f for f in result.findings if f.baseline_state != "unchanged")
    )


def _emit(result: ScanResult, fmt: Format, target: str | None, context: ReportContext) -> None:
    text = get_reporter(fmt).render(_visible(result, fmt), context)
    if target and target != "-":
        write_atomic(Path(target), text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def write_report(
    result: ScanResult,
    config: Config,
    root: Path,
    category: str,
    also: Sequence[tuple[Format, str]] = (),
) -> int:
    """Write the main report and any --also reports; return the exit code."""
    fmt = Format(config.format)
    to_terminal = config.output is None and sys.stdout.isatty()
    context = ReportContext(
        repo_root=str(root),
        tool_version=__version__,
        category=category,
        color=to_terminal and fmt is Format.TEXT and "NO_COLOR" not in os.environ,
    )
    _emit(result, fmt, config.output, context)
    plain = dataclasses.replace(context, color=False)
    for extra_fmt, target in also:
        _emit(result, extra_fmt, target, plain)
    return exit_code(result, config)
