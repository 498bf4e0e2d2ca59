"""Load and validate rule packs: one YAML file per rule, plus an optional ``thresholds.yaml``.

Every error names the file and the key, and says what was expected, so that a rule author can
fix it without reading this module. Regexes are compiled here; tree-sitter queries are compiled
on first use and checked by ``check_queries`` (``auditor rules test``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import auditor
from auditor import evidence, grammars, learned
from auditor.analysis import spec as taint_spec
from auditor.analysis import spec_load
from auditor.analysis.induce import Induced
from auditor.analysis.patterns import StructPattern
from auditor.filekinds import TEXT_KINDS
from auditor.model import AuditorError, Evidence, Example, Pattern, Rule, Severity

LANGUAGES = frozenset(grammars.GRAMMARS)


THRESHOLDS_FILE = "thresholds.yaml"


_THRESHOLD_NAMES = frozenset({"thresholds.yaml", "thresholds.yml"})


_REQUIRED = ("id", "title", "description", "severity", "message", "help")


_OPTIONAL = ("threshold", "cwe", "languages", "examples", "evidence")


# The gate for a rule that names none (a team's rule; structural evidence is not gated anyway).
DEFAULT_THRESHOLD = 0.25


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


_CWE = re.compile(r"CWE-[1-9][0-9]*")


EVIDENCE_KEYS = ("match", "requires", "unless", "detector", "taint")


_PATTERN_KINDS = ("regex", "query", "pattern")


FROM_EXAMPLES = "from-examples"  # `evidence: from-examples`: induce it for every language


def shipped_rules_dir() -> Path:
    """The rule pack that ships with auditor.

    An installed wheel has it inside the package (``auditor/rules``); a source checkout keeps it
    at the repository's top level, next to the package directory.
    """
    package = Path(auditor.__file__).resolve().parent
    inside = package / "rules"
    return inside if inside.is_dir() else package.parent / "rules"


def load_rules(dirs: Sequence[Path]) -> list[Rule]:
    """Every rule in ``dirs``, in directory order then file name order.

    Later directories add rules; an id defined twice is an error naming both files. Each
    directory's ``thresholds.yaml`` is merged into its rules' calibrated thresholds (a later
    directory's value wins); entries for rules that are not loaded are ignored, so one
    calibration file can serve several rule selections.
    """
    rules: list[Rule] = []
    shipped = shipped_rules_dir().resolve()
    origin: dict[str, Path] = {}
    calibrated: dict[str, dict[str, float]] = {}  # rule id -> model key -> threshold
    for directory in dirs:
        if not directory.is_dir():
            raise AuditorError(
                f"{show_path(directory)}: rule directory not found; create it or fix the path "
                "given with --rules or in the configuration"
            )
        for path in sorted(directory.iterdir()):
            if path.suffix not in (".yaml", ".yml") or not path.is_file():
                continue
            if path.name in _THRESHOLD_NAMES:
                for model_key, table in load_thresholds(path).items():
                    for rule_id, value in table.items():
                        calibrated.setdefault(rule_id, {})[model_key] = value
                continue
            # The shipped pack's regexes are compiled by its tests; compiling ~400 of them on
            # every hook run would cost more than the rest of a warm scan. Evidence compiles
            # them on first use. A team's own rules are checked here, at load.
            rule = load_rule(path, check_regexes=directory.resolve() != shipped)
            if rule.id in origin:
                raise AuditorError(
                    f"{show_path(path)}: key 'id': duplicate rule id {rule.id!r}, already defined "
                    f"in {show_path(origin[rule.id])}; rename one of them"
                )
            origin[rule.id] = path
            rules.append(rule)
    return [
        dataclasses.replace(rule, thresholds=tuple(sorted(calibrated[rule.id].items())))
        if rule.id in calibrated
        else rule
        for rule in rules
    ]


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """``{model_key: {rule_id: threshold}}`` from a ``thresholds.yaml`` file."""
    data = _read_yaml(path)
    if data is None:
        return {}
    where = show_path(path)
    if not isinstance(data, dict):
        raise AuditorError(
            f"{where}: expected a mapping of model key to {{rule id: threshold}}, got {_kind(data)}"
        )
    result: dict[str, dict[str, float]] = {}
    for model_key, table in data.items():
        if not isinstance(model_key, str) or not model_key:
            raise AuditorError(f"{where}: key {model_key!r}: expected a model key string")
        if not isinstance(table, dict):
            raise AuditorError(
                f"{where}: key '{model_key}': expected a mapping of rule id to threshold, "
                f"got {_kind(table)}"
            )
        result[model_key] = {}
        for rule_id, value in table.items():
            key = f"{model_key}.{rule_id}"
            if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id):
                raise AuditorError(f"{where}: key '{key}': expected a rule id ([a-z0-9-]+)")
            result[model_key][rule_id] = _threshold(value, where, key)
    return result


def load_rule(path: Path, *, check_regexes: bool = True) -> Rule:
    """One rule file, validated."""
    where = show_path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        keys = ", ".join(_REQUIRED)
        raise AuditorError(f"{where}: expected a mapping with keys {keys}, got {_kind(data)}")
    unknown = sorted(str(k) for k in data if k not in _REQUIRED and k not in _OPTIONAL)
    if unknown:
        allowed = ", ".join((*_REQUIRED, *_OPTIONAL))
        raise AuditorError(f"{where}: key '{unknown[0]}': unknown key (allowed: {allowed})")
    for key in _REQUIRED:
        if key not in data:
            raise AuditorError(f"{where}: key '{key}': missing (every rule needs it)")
    rule_id = _text(data, "id", where)
    if not _ID.fullmatch(rule_id):
        raise AuditorError(
            f"{where}: key 'id': expected lowercase letters, digits and dashes, got {rule_id!r}"
        )
    if path.stem != rule_id:
        raise AuditorError(
            f"{where}: key 'id': {rule_id!r} does not match the file name; "
            f"rename the file to {rule_id}.yaml"
        )
    severity_text = _text(data, "severity", where)
    try:
        severity = Severity(severity_text)
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise AuditorError(
            f"{where}: key 'severity': expected one of {choices}, got {severity_text!r}"
        ) from None
    violating, safe = _examples(data.get("examples"), where)
    written = data.get("evidence")
    if written == FROM_EXAMPLES:
        written = None
    evidence_parts = _evidence(written, where, check_regexes)
    induced, unlearned = learned.learn_evidence(evidence_parts, violating, safe, _parse_induced)
    return Rule(
        id=rule_id,
        title=_text(data, "title", where, one_line=True),
        description=_text(data, "description", where),
        severity=severity,
        cwe=_cwes(data.get("cwe", []), where),
        message=_text(data, "message", where, one_line=True),
        help=_text(data, "help", where),
        threshold=_threshold(data.get("threshold", DEFAULT_THRESHOLD), where, "threshold"),
        languages=_languages(data.get("languages", []), where),
        violating=violating,
        safe=safe,
        evidence=evidence_parts + induced,
        source=str(path),
        induced=tuple(language for language, _ in induced),
        unlearned=unlearned,
    )


def induced_evidence(language: str, violating: tuple[str, ...], safe: tuple[str, ...]) -> Induced:
    """Evidence induced from one language's examples (see learned.py)."""
    return learned.induced_evidence(language, violating, safe, _parse_induced)


def _parse_induced(language: str, body: dict[str, Any]) -> Evidence:
    ((_, parsed),) = _evidence({language: body}, "induced evidence", True)
    return parsed


def show_path(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _read_yaml(path: Path) -> Any:
    where = show_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuditorError(f"{where}: file not found") from None
    except UnicodeDecodeError:
        raise AuditorError(f"{where}: not UTF-8 text; save the file as UTF-8") from None
    except OSError as exc:
        raise AuditorError(
            f"{where}: cannot read ({exc.strerror}); check the file's permissions"
        ) from None
    import yaml  # parsing is rare: the hook's rule pack comes pickled from the cache

    try:
        # libyaml's loader parses the rule pack several times faster than the pure-Python one
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise AuditorError(f"{where}: invalid YAML{at}: {problem}; fix the syntax") from None


def _text(data: Mapping[str, Any], key: str, where: str, *, one_line: bool = False) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AuditorError(f"{where}: key '{key}': expected a non-empty string, got {_kind(value)}")
    if one_line and "\n" in value.strip():
        raise AuditorError(f"{where}: key '{key}': expected a single line")
    return value.strip() if one_line else value


def _threshold(value: object, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AuditorError(f"{where}: key '{key}': expected a number, got {_kind(value)}")
    if not -1.0 <= float(value) <= 1.0:
        raise AuditorError(
            f"{where}: key '{key}': expected a cosine similarity between -1 and 1, got {value}"
        )
    return float(value)


def _string_list(value: object, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise AuditorError(f"{where}: key '{key}': expected a list of strings, got {_kind(value)}")
    return list(value)


def _cwes(value: object, where: str) -> tuple[str, ...]:
    items = _string_list(value, where, "cwe")
    for index, item in enumerate(items):
        if not _CWE.fullmatch(item):
            raise AuditorError(
                f"{where}: key 'cwe[{index}]': expected a string like 'CWE-89', got {item!r}"
            )
    return tuple(items)


def _language(
    value: object, where: str, key: str, *, allow_any: bool = False, kinds: bool = False
) -> str:
    """A code language; with ``kinds`` also a text file kind (``yaml``, ``dotenv``...)."""
    choices = sorted(LANGUAGES | (TEXT_KINDS if kinds else frozenset())) + (
        ["any"] if allow_any else []
    )
    if not isinstance(value, str) or value not in choices:
        raise AuditorError(
            f"{where}: key '{key}': expected one of {', '.join(choices)}, got {value!r}"
        )
    return value


def _languages(value: object, where: str) -> tuple[str, ...]:
    items = _string_list(value, where, "languages")
    return tuple(
        _language(item, where, f"languages[{i}]", allow_any=True, kinds=True)
        for i, item in enumerate(items)
    )


def _examples(value: object, where: str) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    if value is None:
        return (), ()
    if not isinstance(value, dict):
        raise AuditorError(
            f"{where}: key 'examples': expected a mapping with 'violating' and 'safe', "
            f"got {_kind(value)}"
        )
    for key in value:
        if key not in ("violating", "safe"):
            raise AuditorError(
                f"{where}: key 'examples.{key}': unknown key (allowed: violating, safe)"
            )
    groups: list[tuple[Example, ...]] = []
    for group in ("violating", "safe"):
        items = value.get(group, [])
        if not isinstance(items, list):
            raise AuditorError(
                f"{where}: key 'examples.{group}': expected a list, got {_kind(items)}"
            )
        examples = []
        for index, item in enumerate(items):
            key = f"examples.{group}[{index}]"
            if not isinstance(item, dict) or set(item) != {"language", "code"}:
                raise AuditorError(
                    f"{where}: key '{key}': expected a mapping with exactly 'language' and 'code'"
                )
            language = _language(item["language"], where, f"{key}.language")
            code = item["code"]
            if not isinstance(code, str) or not code.strip():
                raise AuditorError(f"{where}: key '{key}.code': expected a non-empty string")
            examples.append(Example(language, code))
        groups.append(tuple(examples))
    return groups[0], groups[1]


def _evidence(value: object, where: str, check: bool) -> tuple[tuple[str, Evidence], ...]:
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise AuditorError(
            f"{where}: key 'evidence': expected a mapping of language to evidence or "
            f"{FROM_EXAMPLES!r}, got {_kind(value)}"
        )
    result = []
    for language, body in value.items():
        key = f"evidence.{language}"
        _language(language, where, "evidence", allow_any=True, kinds=True)
        if not isinstance(body, dict):
            raise AuditorError(f"{where}: key '{key}': expected a mapping, got {_kind(body)}")
        for part in body:
            if part not in EVIDENCE_KEYS:
                raise AuditorError(
                    f"{where}: key '{key}.{part}': unknown key "
                    f"(allowed: {', '.join(EVIDENCE_KEYS)})"
                )
        detector = body.get("detector")
        if detector is not None and detector not in evidence.DETECTORS:
            raise AuditorError(
                f"{where}: key '{key}.detector': expected one of "
                f"{', '.join(sorted(evidence.DETECTORS))}, got {detector!r}"
            )
        parts = {
            part: _patterns(body.get(part, []), where, f"{key}.{part}", language, check)
            for part in EVIDENCE_KEYS[:3]
        }
        taint = None
        if "taint" in body:
            tables = spec_load.shared_tables(shipped_rules_dir() / taint_spec.SOURCES_DIR)
            taint = spec_load.load_taint(
                body["taint"], f"{where}: key '{key}.taint'", language, tables, check
            )
        if not parts["match"] and detector is None and taint is None:
            raise AuditorError(
                f"{where}: key '{key}': needs at least one 'match' pattern, 'taint' or a 'detector'"
            )
        result.append(
            (
                language,
                Evidence(parts["match"], parts["requires"], parts["unless"], detector, taint),
            )
        )
    return tuple(result)


def _patterns(
    value: object, where: str, key: str, language: str, check: bool
) -> tuple[Pattern, ...]:
    if not isinstance(value, list):
        raise AuditorError(
            f"{where}: key '{key}': expected a list of {{regex: ...}} or {{query: ...}}, "
            f"got {_kind(value)}"
        )
    patterns = []
    for index, item in enumerate(value):
        here = f"{key}[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            raise AuditorError(
                f"{where}: key '{here}': expected a mapping with one key: regex, query or pattern"
            )
        ((kind, source),) = item.items()
        if kind not in _PATTERN_KINDS:
            raise AuditorError(
                f"{where}: key '{here}.{kind}': unknown key (allowed: regex, query, pattern)"
            )
        if kind == "pattern":
            if language == "any":
                raise AuditorError(
                    f"{where}: key '{here}.pattern': a structural pattern needs a language"
                )
            struct = StructPattern.create(source, f"{where}: key '{here}.pattern'")
            patterns.append(Pattern("pattern", struct.rule, struct.focus, struct.analyzer))
            continue
        if not isinstance(source, str) or not source.strip():
            raise AuditorError(f"{where}: key '{here}.{kind}': expected a non-empty string")
        if kind == "regex":
            if check:
                try:
                    evidence.compiled_regex(source)
                except re.error as exc:
                    raise AuditorError(
                        f"{where}: key '{here}.regex': invalid regex for {language}: {exc}"
                    ) from None
        elif language == "any":
            raise AuditorError(
                f"{where}: key '{here}.query': a tree-sitter query needs a language; "
                "'any' takes regexes only"
            )
        patterns.append(Pattern(kind, source))
    return tuple(patterns)
