"""What a format string prints as a number: ``fmt.Sprintf("$%d", i)`` and Java's
``String.format`` give an argument printed with a numeric verb no text (calls.py asks).
"""

from __future__ import annotations

from auditor.analysis.callnames import JAVA_NUMBER_VERBS, NUMBER_VERBS, VERB
from auditor.analysis.values import Val


def numbers_formatted(args: list[Val], at: int) -> list[Val]:
    """``fmt.Sprintf("$%d", i)``: the arguments a format prints as numbers hold no text."""
    form = args[at].const if len(args) > at else None
    if not isinstance(form, str) or "%[" in form:
        return args
    return _as_numbers(args, at, form, NUMBER_VERBS, "%")


def _as_numbers(
    args: list[Val], at: int, form: str, numeric: frozenset[str], bare: str
) -> list[Val]:
    """``args`` with those after index ``at`` that ``form`` prints with a ``numeric`` verb
    holding no text; ``bare``: the verbs that take no argument (``%%``, Java's ``%n``)."""
    verbs = [m.group(4) for m in VERB.finditer(form) if m.group(4) not in bare]
    out = list(args)
    for index, verb in enumerate(verbs):
        spot = at + 1 + index
        if 0 <= spot < len(out) and verb in numeric:
            out[spot] = Val(const=out[spot].const)
    return out


def java_numbers_formatted(args: list[Val], form_value: Val | None) -> list[Val]:
    """``out.printf("<a href=%s/%d>", root, id)``, ``String.format(Locale.US, ...)``,
    ``"%d".formatted(n)``: the arguments Java's format prints as numbers hold no text."""
    if form_value is not None:
        at, form = -1, form_value.const
    else:
        at = next((i for i, a in enumerate(args[:2]) if isinstance(a.const, str)), -2)
        form = args[at].const if at >= 0 else None
    if not isinstance(form, str) or "$" in form or "%<" in form:  # positional: not followed
        return args
    return _as_numbers(args, at, form, JAVA_NUMBER_VERBS, "%n")
