"""Compatibility shim: the secret detector lives in ``auditor.analysis.detectors``."""

from __future__ import annotations

from auditor.analysis.detectors.masking import LineSpan, line_spans, mask, mask_lines, mask_text
from auditor.analysis.detectors.secrets import (
    GENERIC,
    SecretHit,
    find_secrets,
    is_placeholder,
    shannon_entropy,
)

__all__ = [
    "GENERIC",
    "LineSpan",
    "SecretHit",
    "find_secrets",
    "is_placeholder",
    "line_spans",
    "mask",
    "mask_lines",
    "mask_text",
    "shannon_entropy",
]
