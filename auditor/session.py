"""What one command holds open: the vector cache, the rule pack and the embedder factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from auditor.cache import VectorCache
from auditor.config import Config
from auditor.embed import Backend, create_embedder
from auditor.embed.base import Embedder
from auditor.model import Rule, ScanResult


@dataclass
class Session:
    root: Path
    config: Config
    cache: VectorCache
    warnings: list[str] = field(default_factory=list)

    def embedder(self) -> Embedder:
        return create_embedder(self.config)

    @property
    def fallback(self) -> Callable[[], Embedder] | None:
        if self.config.backend == "builtin" or self.config.fallback != "builtin":
            return None
        return lambda: create_embedder(self.config, Backend.BUILTIN)

    def load_rules(self, defaults: Callable[[Path, Path], list[Path]]) -> list[Rule]:
        # The rule pack and the engine behind it are imported by the commands that use them:
        # `auditor search` opens a session too, and pays for neither (~40 ms of a new query).
        from auditor import rule_cache, rules

        if self.config.rules:
            dirs = [Path(d) if Path(d).is_absolute() else self.root / d for d in self.config.rules]
        else:
            dirs = defaults(self.root, rules.shipped_rules_dir())
        return rule_cache.load(dirs, Path(self.config.cache_dir), rules.load_rules)

    def apply_baseline(self, result: ScanResult) -> ScanResult:
        if not self.config.baseline:
            return result
        from auditor import baseline

        path = Path(self.config.baseline)
        if not path.is_absolute():
            path = self.root / path
        return baseline.apply(result, baseline.load(path), lambda name: (self.root / name).exists())


@contextmanager
def open_session(root: Path, config: Config) -> Iterator[Session]:
    warnings: list[str] = []
    cache = VectorCache(Path(config.cache_dir), warnings)
    try:
        yield Session(root, config, cache, warnings)
    finally:
        cache.close()
