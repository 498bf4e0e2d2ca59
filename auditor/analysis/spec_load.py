"""Reading a rule's ``taint:`` evidence (spec.py says its format) and the shared source
tables under rules/_sources/: patterns checked as they load, each error naming its file and key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

from auditor.analysis.patterns import StructPattern
from auditor.analysis.spec import SOURCES_DIR, Sink, TaintSpec, name_regex
from auditor.model import AuditorError

# a TypeScript rule reads the JavaScript tables
_FAMILY = {"typescript": "javascript", "tsx": "javascript"}


@functools.cache
def shared_tables(directory: Path) -> dict[str, dict[str, tuple[StructPattern, ...]]]:
    """rules/_sources/<language>.yaml: named groups of source and sanitizer patterns."""
    import yaml  # parsing is rare: the hook's rule pack comes pickled from the cache

    tables: dict[str, dict[str, tuple[StructPattern, ...]]] = {}
    if not directory.is_dir():
        return tables
    for path in sorted(directory.glob("*.yaml")):
        try:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise AuditorError(f"{path}: cannot read source table ({exc})") from None
        if not isinstance(data, dict):
            raise AuditorError(f"{path}: expected a mapping of group name to patterns")
        groups: dict[str, tuple[StructPattern, ...]] = {}
        for name, items in data.items():
            if not isinstance(items, list):
                raise AuditorError(f"{path}: key '{name}': expected a list of patterns")
            # `- unless: RULE` in a group: where RULE matches, none of the group's patterns does
            unless = [i["unless"] for i in items if isinstance(i, dict) and set(i) == {"unless"}]
            groups[str(name)] = tuple(
                StructPattern.create(_unless(item, unless), f"{path}: key '{name}[{i}]'")
                for i, item in enumerate(items)
                if not (isinstance(item, dict) and set(item) == {"unless"})
            )
        tables[path.stem] = groups
    return tables


def _unless(item: object, unless: list[object]) -> object:
    """A group pattern with the group's `unless` parts added as `not`."""
    if not unless:
        return item
    rule = {"pattern": item} if isinstance(item, str) else dict(item)  # type: ignore[call-overload]
    parts = ([rule["not"]] if "not" in rule else []) + unless
    rule["not"] = parts[0] if len(parts) == 1 else {"any": parts}
    return rule


def load_taint(
    value: object,
    where: str,
    language: str,
    tables: Mapping[str, Mapping[str, tuple[StructPattern, ...]]],
    check: bool = True,
) -> TaintSpec:
    if not isinstance(value, dict):
        raise AuditorError(f"{where}: expected a mapping with sources, sinks, sanitizers")
    unknown = set(value) - {"sources", "sinks", "sanitizers", "names"}
    if unknown:
        raise AuditorError(
            f"{where}.{sorted(unknown)[0]}: unknown key "
            "(allowed: sources, sinks, sanitizers, names)"
        )
    table = tables.get(language) or tables.get(_FAMILY.get(language, ""), {})
    parameters = False
    source_files: list[tuple[StructPattern, StructPattern, bool]] = []

    def group(part: str) -> tuple[StructPattern, ...]:
        nonlocal parameters
        items = value.get(part, [])
        if not isinstance(items, list):
            raise AuditorError(f"{where}.{part}: expected a list")
        out: list[StructPattern] = []
        for index, item in enumerate(items):
            here = f"{where}.{part}[{index}]"
            if part == "sources" and item == "parameters":
                parameters = True
            elif part == "sanitizers" and item in ("prefix", "templates"):
                pass  # flags (see prefix_guards, escaping_templates), not patterns
            elif isinstance(item, str) and item in table:
                out += table[item]
            elif isinstance(item, str) and item.isidentifier() and item.islower():
                known = ", ".join(sorted(table)) or "none"
                raise AuditorError(
                    f"{here}: no group {item!r} in rules/{SOURCES_DIR}/{language}.yaml "
                    f"(known: {known})"
                )
            elif part in ("sources", "sanitizers") and isinstance(item, dict) and "file" in item:
                rest = dict(item)
                condition, negated = _condition(rest.pop("file"), f"{here}.file")
                out.append(StructPattern.create(rest, here))
                source_files.append((out[-1], condition, negated))
            else:
                out.append(StructPattern.create(item, here))
        return tuple(out)

    sources = group("sources")
    listed = value.get("sources") or []
    stored = tuple(table.get("stored", ())) if "stored" in listed else ()
    sanitizers = group("sanitizers")
    sinks = _sinks(value.get("sinks"), where, check)
    names = value.get("names", "")
    if not isinstance(names, str):
        raise AuditorError(f"{where}.names: expected a regex over one name")
    if names and check:  # the shipped pack's are compiled by `rules test`, not on every run
        try:
            name_regex(names)
        except re.error as exc:
            raise AuditorError(f"{where}.names: invalid regex: {exc}") from None
    if not sinks:
        raise AuditorError(f"{where}.sinks: at least one sink pattern is needed")
    numbers_clean = "numeric" in (value.get("sanitizers") or [])
    prefix = "prefix" in (value.get("sanitizers") or [])
    escaping = "templates" in (value.get("sanitizers") or [])
    return TaintSpec(
        sources,
        sanitizers,
        sinks,
        parameters,
        names,
        numbers_clean,
        prefix,
        stored,
        tuple(source_files),
        escaping_templates=escaping,
    )


def _condition(value: object, here: str) -> tuple[StructPattern, bool]:
    """A `file:` condition: the pattern, and whether it is `{not: ...}`."""
    negated = isinstance(value, dict) and set(value) == {"not"}
    if negated:
        value = value["not"]  # type: ignore[index]
    return StructPattern.create(value, here), negated


def _sinks(items: object, where: str, check: bool = True) -> tuple[Sink, ...]:
    if not isinstance(items, list):
        raise AuditorError(f"{where}.sinks: expected a list of patterns")
    out = []
    for index, item in enumerate(items):
        here = f"{where}.sinks[{index}]"
        direct = False
        literal = ""
        built_only = False
        file = None
        negated = False
        unescaped = ""
        alone = False
        if isinstance(item, dict) and (
            {"parameters", "literal", "built", "file", "unescaped", "alone"} & set(item)
        ):
            item = dict(item)
            unescaped = str(item.pop("unescaped", ""))
            alone = item.pop("alone", False)
            if not isinstance(alone, bool):
                raise AuditorError(f"{here}.alone: expected true or false")
            if "file" in item:
                file, negated = _condition(item.pop("file"), f"{here}.file")
            built_only = bool(item.pop("built", False))
            mode = item.pop("parameters", "built")
            if mode not in ("direct", "built"):
                raise AuditorError(f"{here}.parameters: expected 'direct' or 'built'")
            direct = mode == "direct"
            literal = str(item.pop("literal", ""))
            try:
                if check:
                    name_regex(literal)
            except re.error as exc:
                raise AuditorError(f"{here}.literal: invalid regex: {exc}") from None
        pattern = StructPattern.create(item, here)
        out.append(Sink(pattern, direct, literal, built_only, file, negated, unescaped, alone))
    return tuple(out)
