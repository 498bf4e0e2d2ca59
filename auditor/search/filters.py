"""Which units a query may return: languages, kind, path prefixes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Filters:
    """Which units a query may return (empty: all)."""

    languages: tuple[str, ...] = ()
    kind: str = ""  # "function" (methods too) or "module"
    paths: tuple[str, ...] = ()  # repository-relative prefixes

    def __bool__(self) -> bool:
        return bool(self.languages or self.kind or self.paths)

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.languages:
            clauses.append(f"u.language IN ({','.join('?' * len(self.languages))})")
            params += self.languages
        if self.kind == "module":
            clauses.append("u.kind = 'module'")
        elif self.kind == "function":
            clauses.append("u.kind != 'module'")
        if self.paths:
            ors = []
            for prefix in (p.rstrip("/") for p in self.paths):
                ors.append("(u.path = ? OR substr(u.path, 1, ?) = ?)")
                params += [prefix, len(prefix) + 1, prefix + "/"]
            clauses.append(f"({' OR '.join(ors)})")
        return (" AND ".join(clauses) or "1"), params
