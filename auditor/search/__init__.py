"""Semantic code search: a persistent per-repository, per-model index and hybrid ranking.

store.py holds the index (SQLite: unit metadata, window vectors, an FTS5 lexical table),
refresh.py brings it up to date with the working tree, lexical.py splits identifiers,
vectors.py answers nearest-neighbour queries and rank.py fuses the two rankings.
"""
