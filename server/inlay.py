"""Inlay hints: the inferred type after each assignment target.

The checker marks the facts of assignment targets (``TypeFact.is_target``:
``x = ...``, ``a, b = ...``, ``self.w: T = ...``, ``for x in ...``); a hint
goes after each such target whose type is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from spmd_check.lattice import format_type
from spmd_check.results import ModuleResult


@dataclass(frozen=True)
class Hint:
    line: int
    column: int  # code points, in the analysed text
    label: str
    tooltip: str | None


def hints(result: ModuleResult, first: int, last: int) -> list[Hint]:
    """Hints for the lines ``first..last`` (inclusive) of the analysed text."""
    found: dict[tuple[int, int], Hint] = {}
    for fact in result.facts:
        if not fact.is_target or fact.types is None or not first <= fact.span.line <= last:
            continue
        key = (fact.span.end_line, fact.span.end_column)
        found.setdefault(
            key,
            Hint(
                line=fact.span.end_line,
                column=fact.span.end_column,
                label=f": {format_type(fact.types)}",
                tooltip=f"gradient: {format_type(fact.types.gradient)}",
            ),
        )
    return sorted(found.values(), key=lambda h: (h.line, h.column))
