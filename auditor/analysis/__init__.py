"""The confirmation stage's analysis: structural patterns, one data-flow engine, language tables.

patterns.py (ast-grep rules on the syntax tree), taint.py + calls.py + fold.py + values.py (the
intra-function data-flow engine), languages.py (per-language node kinds), spec.py (a rule's
sources, sanitizers and sinks; the shared tables in rules/_sources/), detectors/ (precise
detectors such as secrets).
"""
