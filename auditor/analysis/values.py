"""What the data-flow engine knows about a value: where its text may come from, its constant
value when it has one, and the contents of a container built in the function.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

Const = str | int | float | bool | None

MAX_FLOWS = 4  # flows kept per value: enough to report, bounded on long functions
MAX_STEPS = 8
MAX_LITERAL = 300


@dataclass(frozen=True)
class Step:
    """One place on a flow's path: a 0-based line of the unit and what happens there."""

    line: int
    text: str


@dataclass(frozen=True)
class Flow:
    """Text that came from a source, and the assignments it went through since."""

    source: Step
    kind: str  # "request" (the framework's input), "parameter", or a source table's label
    steps: tuple[Step, ...] = ()
    built: bool = False  # joined with literal text on the way (string building)
    literal: str = ""  # that literal text (capped): lets a sink ask for SQL, a shell line...
    led: bool = False  # the built text starts with it: `cmd + " " + path` (the program itself)

    def to(self, step: Step) -> Flow:
        if self.steps and self.steps[-1] == step:
            return self
        steps = (*self.steps, step)[-MAX_STEPS:]
        return replace(self, steps=steps)


Taint = frozenset[Flow]
CLEAN: Taint = frozenset()


def tiebreak(flow: Flow) -> tuple[object, ...]:
    """The rest of a total order on flows: which of two equally good flows is shown must not
    depend on the order of a set (string hashes change from one process to the next)."""
    return (flow.source.text, tuple((s.line, s.text) for s in flow.steps), flow.built, flow.literal)


def cap(flows: Taint) -> Taint:
    if len(flows) <= MAX_FLOWS:
        return flows
    # Prefer request flows, then short paths: the most convincing ones to show.
    ranked = sorted(
        flows, key=lambda f: (f.kind != "request", len(f.steps), f.source.line, tiebreak(f))
    )
    return frozenset(ranked[:MAX_FLOWS])


@dataclass(frozen=True)
class Val:
    taint: Taint = CLEAN
    const: Const = None
    keys: dict[tuple[Const, ...], Val] | None = field(default=None, hash=False, compare=False)
    items: tuple[Val, ...] | None = None
    frag: str | None = None  # not constant, but known to be text around these literal pieces

    @property
    def textual(self) -> bool:
        """Literal text, or built of some: joining a value with it is string building."""
        return isinstance(self.const, str) or self.frag is not None

    @property
    def tainted(self) -> bool:
        return bool(self.taint)

    def built(self, literal: str = "") -> Val:
        return Val(
            frozenset(
                replace(f, built=True, literal=_joined(f.literal, literal)[-MAX_LITERAL:])
                for f in self.taint
            )
        )

    def stepped(self, step: Step) -> Val:
        if not self.taint:
            return self
        return replace(self, taint=frozenset(f.to(step) for f in self.taint))


NOTHING = Val()
# What a guard or validator checked: clean, and no source pattern taints that name again there.
CHECKED = Val()


def leading(value: Val, first: bool) -> Val:
    """``value`` as one part of a string being built: the first part (with nothing built before
    it) leads the text, a later one follows the code's own text."""
    if not value.taint:
        return value
    flows = frozenset(replace(f, led=first and (f.led or not f.built)) for f in value.taint)
    return replace(value, taint=flows)


def _joined(before: str, after: str) -> str:
    """Literal text met on the way, in order; an empty part adds no separator (no space a
    shell or SQL test could mistake for the text's own)."""
    return f"{before} {after}" if before and after else before or after


def literal_of(*values: Val) -> str:
    """The constant text among ``values``: what a built string was joined with."""
    parts = [v.const if isinstance(v.const, str) else v.frag for v in values]
    return " ".join(p for p in parts if p)


def row_key(value: Val) -> Val | None:
    """What a stored row's key holds (``p.id``, ``row.getId()``): the database made it, so
    of ``value`` only the flows that are not stored rows; None when none of them is one."""
    if not any(f.kind == "stored" for f in value.taint):
        return None
    return Val(frozenset(f for f in value.taint if f.kind != "stored"))


def union(*values: Val) -> Val:
    """A value that may be any of ``values`` (containers and constants are forgotten, what
    they hold is not: ``{"card": {"cvc": cvc}}`` holds the cvc)."""
    flows: set[Flow] = set()
    for value in values:
        flows |= value.taint
        for inner in (*(value.keys.values() if value.keys else ()), *(value.items or ())):
            flows |= union(inner).taint if inner.keys or inner.items else inner.taint
    return Val(cap(frozenset(flows))) if flows else NOTHING


def merge_states(states: list[dict[str, Val]]) -> dict[str, Val]:
    """Branches join: a variable is tainted after them if it is tainted on any path."""
    if len(states) == 1:
        return dict(states[0])
    out: dict[str, Val] = {}
    names = {name for state in states for name in state}
    for name in names:
        values = [state.get(name, NOTHING) for state in states]
        first = values[0]
        if all(v is first for v in values):
            out[name] = first
            continue
        consts = {v.const for v in values}
        merged = union(*values)
        if len(consts) == 1 and not merged.tainted:
            merged = Val(const=first.const)
        out[name] = merged
    return out
