"""One frozen Config: defaults < [tool.auditor] or .auditor.toml < AUDITOR_* environment < flags."""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from auditor.model import AuditorError, Precision, Severity
from auditor.report import Format


@dataclass(frozen=True)
class Config:
    precision: Precision = Precision.STRICT
    fail_on: Severity = Severity.WARNING
    format: str = "text"
    output: str | None = None
    rules: tuple[str, ...] = ()  # rule dirs; empty: the shipped pack plus .auditor/rules/
    include: tuple[str, ...] = ()  # gitignore-style globs; empty: everything
    exclude: tuple[str, ...] = ()
    max_file_bytes: int = 1_000_000
    window_lines: int = 40
    window_overlap: int = 10
    backend: str = "builtin"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = dataclasses.field(default=None, repr=False)  # environment only
    dimensions: int | None = None
    request_dimensions: bool = False
    instruction: str | None = None
    batch_size: int = 64
    concurrency: int = 4
    timeout: float = 30.0
    max_retries: int = 3
    fallback: str | None = None  # "builtin": use the CPU model when the server is down
    cache_dir: str = ""
    baseline: str | None = None
    category: str = ""  # SARIF automation id; default: the scan mode
    progress: bool = True
    test_files: str = "lower"  # secrets in test files: "lower" (one level down) or "same"
    # Strict mode: confirm first, embed only the units evidence confirmed (same findings).
    cascade: bool = True
    jobs: int = 0  # processes for extraction and analysis; 0: one per core for large scans


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected an integer, got {value!r}") from None
    if number < 0:
        raise ValueError(f"expected a non-negative integer, got {number}")
    return number


def _float(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a number, got {value!r}") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _globs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"expected a list of strings, got {value!r}")


def _choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = _str(value)
        if text not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {text!r}")
        return text

    return parse


def _optional(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value in (None, "") else parse(value)


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "precision": lambda v: Precision(_choice("strict", "broad")(v)),
    "fail_on": lambda v: Severity.parse(_str(v)),
    "format": _choice(*(f.value for f in Format)),
    "output": _optional(_str),
    "rules": _globs,
    "include": _globs,
    "exclude": _globs,
    "max_file_bytes": _int,
    "window_lines": _int,
    "window_overlap": _int,
    "backend": _choice("builtin", "openai"),
    "base_url": _optional(_str),
    "model": _optional(_str),
    "api_key": _optional(_str),
    "dimensions": _optional(_int),
    "request_dimensions": _bool,
    "instruction": _str,  # "" is meaningful: send queries without any instruction
    "batch_size": _int,
    "concurrency": _int,
    "timeout": _float,
    "max_retries": _int,
    "fallback": _optional(_choice("builtin")),
    "cache_dir": _str,
    "baseline": _optional(_str),
    "category": _str,
    "progress": _bool,
    "test_files": _choice("lower", "same"),
    "cascade": _bool,
    "jobs": _int,
}

# A key in a shared file would end up in the repository; the key comes from the environment.
_FILE_FORBIDDEN = {"api_key"}


def _apply(
    values: dict[str, Any], source: Mapping[str, Any], origin: str, warnings: list[str]
) -> None:
    for raw_key, raw_value in source.items():
        key = raw_key.replace("-", "_")
        if key not in _PARSERS:
            warnings.append(f"{origin}: unknown key {raw_key!r} ignored")
            continue
        try:
            values[key] = _PARSERS[key](raw_value)
        except (ValueError, AuditorError) as exc:
            raise AuditorError(f"{origin}: key {raw_key!r}: {exc}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise AuditorError(f"{path}: cannot read config file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise AuditorError(f"{path}: invalid TOML: {exc}; fix the file") from None


def _file_settings(root: Path | None, config_file: Path | None) -> tuple[dict[str, Any], str]:
    """The settings table from --config, .auditor.toml, or pyproject.toml's [tool.auditor]."""
    if config_file is not None:
        data = _read_toml(config_file)
        table = (
            data.get("tool", {}).get("auditor", data)
            if config_file.name == "pyproject.toml"
            else data
        )
        return dict(table), str(config_file)
    if root is None:
        return {}, ""
    dedicated = root / ".auditor.toml"
    if dedicated.is_file():
        return _read_toml(dedicated), str(dedicated)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("auditor", {})
        if not isinstance(table, dict):
            raise AuditorError(f"{pyproject}: [tool.auditor] must be a table")
        return table, f"{pyproject} [tool.auditor]"
    return {}, ""


def load_config(
    root: Path | None,
    environ: Mapping[str, str],
    flags: Mapping[str, Any],
    config_file: Path | None = None,
) -> tuple[Config, list[str]]:
    """Merge the sources; return the config and warnings (unknown keys) for the caller to print.

    ``flags`` holds only the options the user actually gave (None means not given).
    """
    warnings: list[str] = []
    values: dict[str, Any] = {}
    table, origin = _file_settings(root, config_file)
    for key in list(table):
        if key.replace("-", "_") in _FILE_FORBIDDEN:
            warnings.append(f"{origin}: {key!r} is ignored in files; set AUDITOR_API_KEY instead")
            del table[key]
    _apply(values, table, origin, warnings)

    env = {
        name[len("AUDITOR_") :].lower(): value
        for name, value in environ.items()
        if name.startswith("AUDITOR_") and name != "AUDITOR_CACHE_DIR"
    }
    if environ.get("AUDITOR_CACHE_DIR"):
        env["cache_dir"] = environ["AUDITOR_CACHE_DIR"]
    known_env = {k: v for k, v in env.items() if k in _PARSERS}
    for unknown in sorted(set(env) - set(known_env)):
        warnings.append(f"environment: unknown variable AUDITOR_{unknown.upper()} ignored")
    _apply(values, known_env, "environment", warnings)
    if "api_key" not in values and environ.get("OPENAI_API_KEY"):
        values["api_key"] = environ["OPENAI_API_KEY"]

    _apply(values, {k: v for k, v in flags.items() if v is not None}, "command line", warnings)
    if not values.get("cache_dir"):
        values["cache_dir"] = platformdirs.user_cache_dir("auditor", appauthor=False)
    if values.get("backend") == "openai" and not values.get("base_url"):
        raise AuditorError(
            "--backend openai needs a server: set --base-url (or AUDITOR_BASE_URL, base_url)"
        )
    return Config(**values), warnings
