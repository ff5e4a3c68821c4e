"""Inlay hints: the inferred type after each assignment target.

The checker's TypeFact does not say whether its expression is an assignment
target, so a fact counts as one when it is a (dotted) name on one line, with
only other targets before it and ``=`` (or ``: annotation =``) after it:
``x = ...``, ``a, b = ...``, ``self.w: T = ...``. A fact that carries an
``is_target`` attribute (a future checker field) is taken at its word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spmd_check.lattice import format_type
from spmd_check.results import ModuleResult, TypeFact

_NAME = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*")
_BEFORE = re.compile(r"\s*(?:[\w.]+\s*,\s*|\(\s*|\[\s*)*")
_AFTER = re.compile(r"\s*(?:,\s*[\w.]+\s*)*[,)\]\s]*(?::[^=]*)?=(?!=)")


@dataclass(frozen=True)
class Hint:
    line: int
    column: int  # code points, in the analysed text
    label: str
    tooltip: str | None


def is_target(fact: TypeFact, lines: Sequence[str]) -> bool:
    declared = getattr(fact, "is_target", None)
    if isinstance(declared, bool):
        return declared
    span = fact.span
    if span.line != span.end_line or not 0 <= span.line < len(lines):
        return False
    line = lines[span.line]
    name = line[span.column : span.end_column]
    if not _NAME.fullmatch(name):
        return False
    before = line[: span.column].rsplit(";", 1)[-1]  # a statement may follow another on the line
    return bool(_BEFORE.fullmatch(before) and _AFTER.match(line, span.end_column))


def hints(result: ModuleResult, lines: Sequence[str], first: int, last: int) -> list[Hint]:
    """Hints for the lines ``first..last`` (inclusive) of the analysed text."""
    found: dict[tuple[int, int], Hint] = {}
    for fact in result.facts:
        if fact.types is None or not first <= fact.span.line <= last:
            continue
        if not is_target(fact, lines):
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
