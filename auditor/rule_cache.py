"""The parsed rule pack, kept by the content hash of its files (a hook runs on every commit).

Parsing the YAML of the shipped pack and building its patterns costs more than the rest of a
warm hook run; the result depends only on the rule files' bytes and auditor's version, so it
is pickled into the cache directory under that hash. Any problem reading or writing the cache
falls back to parsing, silently: the cache is an optimisation, never a source of truth.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import auditor
from auditor.analysis import prefilter
from auditor.analysis.patterns import StructPattern
from auditor.model import Rule

_SUFFIXES = (".yaml", ".yml")
_LOADER_SOURCES = (
    "model.py",
    "rules.py",
    "learned.py",
    "evidence.py",  # induction keeps the candidates the confirmation stage accepts
    "analysis/imports.py",  # induction reads examples with their imports spelled out
    "analysis/spec.py",
    "analysis/spec_load.py",  # reads the taint: evidence
    "analysis/patterns.py",
    "analysis/analyzers.py",
    "analysis/detectors/secrets.py",  # the credential analyzer induction may choose
    "analysis/detectors/secret_context.py",
    "analysis/prefilter.py",
    "analysis/induce.py",
    "analysis/anchors.py",
    "analysis/generalize.py",
)


def _digest(dirs: Sequence[Path]) -> str | None:
    package = Path(auditor.__file__).parent
    digest = hashlib.sha256(f"{auditor.__version__}\0{package}".encode())
    for source in _LOADER_SOURCES:  # what builds the Rule objects: their layout and meaning
        try:
            digest.update(hashlib.sha256((package / source).read_bytes()).digest())
        except OSError:
            return None
    for directory in dirs:
        if not directory.is_dir():
            return None  # let the loader report it
        for path in sorted(p for p in directory.rglob("*") if p.suffix in _SUFFIXES):
            try:
                data = path.read_bytes()
            except OSError:
                return None
            digest.update(str(path.resolve()).encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()[:32]


def load(
    dirs: Sequence[Path], cache_dir: Path, parse: Callable[[Sequence[Path]], list[Rule]]
) -> list[Rule]:
    """``parse(dirs)``, or its pickled result from an earlier run on the same rule files."""
    key = _digest(dirs)
    if key is None:
        return parse(dirs)
    path = cache_dir / "rules" / f"{key}.pickle"
    try:
        with path.open("rb") as handle:
            cached, trees = pickle.load(handle)
        if isinstance(cached, list) and all(isinstance(r, Rule) for r in cached):
            prefilter.install(trees)
            return cached
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        TypeError,
        ValueError,
    ):
        pass
    loaded = parse(dirs)
    try:
        # The structural patterns' text conditions go with the pack: building them parses
        # every regex, which costs a hook run about 0.1 s.
        trees = prefilter.trees_for(_pattern_texts(loaded))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((loaded, trees), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent hook reads the old file or the new one
    except OSError:
        pass
    return loaded


def _pattern_texts(rules: Sequence[Rule]) -> list[str]:
    """Every structural rule and constraints JSON the evidence of ``rules`` will search for."""
    texts: list[str] = []
    for rule in rules:
        for _, evidence in rule.evidence:
            for pattern in (*evidence.match, *evidence.requires, *evidence.unless):
                if pattern.kind == "pattern":
                    texts.append(pattern.source)
            spec = evidence.taint
            if spec is None:
                continue
            structs: list[StructPattern] = [s.pattern for s in spec.sinks]
            for struct in (*structs, *spec.sources, *spec.sanitizers):
                texts.append(struct.rule)
                if struct.constraints:
                    texts.append(prefilter.constraints_key(struct.constraints))
    return list(dict.fromkeys(texts))
