"""What an analysis produces: diagnostics, revealed types, hover facts, fixes.

These dataclasses are the checker's public output, shared by ``spmd-check``
and the language server. Positions are 0-based lines and 0-based columns
counted in Unicode code points (``str`` indices into the line); the server
converts columns to UTF-16 units, the command line adds 1 to both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import Severity
from .lattice import AxisType, LocalType


@dataclass(frozen=True, order=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        if (line, column) < (self.line, self.column):
            return False
        return (line, column) <= (self.end_line, self.end_column)

    def shifted(self, lines: int) -> Span:
        return Span(self.line + lines, self.column, self.end_line + lines, self.end_column)


@dataclass(frozen=True)
class Related:
    """A place that explains a diagnostic: where an operand got its type, a call site."""

    span: Span
    message: str
    path: str | None = None  # None: the same file


@dataclass(frozen=True)
class TextEdit:
    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A quick fix: edits to the diagnostic's file, a title saying forward and backward."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False


@dataclass(frozen=True)
class Diagnostic:
    span: Span
    code: str
    message: str
    severity: Severity
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()


@dataclass(frozen=True)
class Reveal:
    """The result of ``reveal_type(expr)``: ``types`` None when Unknown."""

    span: Span
    expression: str
    types: LocalType | None

    @property
    def gradient(self) -> LocalType | None:
        return None if self.types is None else self.types.gradient


@dataclass(frozen=True)
class Origin:
    """Where a value got its type: the assert_type, collective, parameter or op."""

    span: Span
    description: str


@dataclass(frozen=True)
class TypeFact:
    """What a hover shows for one tensor-valued expression."""

    span: Span
    expression: str
    types: LocalType | None
    requires_grad: bool | None
    origin: Origin | None = None


@dataclass(frozen=True)
class AxisTransition:
    axis: str
    src: AxisType
    dst: AxisType
    forward: str
    backward: str


@dataclass(frozen=True)
class CollectiveFact:
    """What a hover shows on a collective or conversion call."""

    span: Span  # the callee name
    function: str
    transitions: tuple[AxisTransition, ...]


@dataclass
class ModuleResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    reveals: list[Reveal] = field(default_factory=list)
    facts: list[TypeFact] = field(default_factory=list)
    collectives: list[CollectiveFact] = field(default_factory=list)

    def fact_at(self, line: int, column: int) -> TypeFact | CollectiveFact | None:
        """The innermost fact whose span contains the position (for hover)."""
        best: TypeFact | CollectiveFact | None = None
        candidates: list[TypeFact | CollectiveFact] = [*self.collectives, *self.facts]
        for fact in candidates:
            if fact.span.contains(line, column) and (
                best is None or _size(fact.span) < _size(best.span)
            ):
                best = fact
        return best


def _size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_column - span.column)
