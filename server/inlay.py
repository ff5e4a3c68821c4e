"""Inlay hints: the inferred type after each assignment target.

The checker marks the facts of assignment targets (``TypeFact.is_target``:
``x = ...``, ``a, b = ...``, ``self.w: T = ...``, ``for x in ...``); a hint
goes after each such target whose type is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from spmd_check.results import ModuleResult

from .hover import gradient_text, type_text


@dataclass(frozen=True)
class Hint:
    line: int
    column: int  # code points, in the analysed text
    label: str
    tooltip: str | None


def hints(result: ModuleResult, first: int, last: int) -> list[Hint]:
    """Hints for the lines ``first..last`` (inclusive) of the analysed text."""
    found: dict[tuple[int, int], Hint] = {}
    for fact in result.facts_on(first, last):  # not the whole file's: a large one's are many
        known = fact.types is not None or bool(fact.known) or fact.fill is not None
        if not fact.is_target or not known:
            continue
        key = (fact.span.end_line, fact.span.end_column)
        gradient = gradient_text(fact)
        found.setdefault(
            key,
            Hint(
                line=fact.span.end_line,
                column=fact.span.end_column,
                label=f": {type_text(fact)}",
                tooltip=f"gradient: {gradient}" if gradient is not None else "",
            ),
        )
    return sorted(found.values(), key=lambda h: (h.line, h.column))
