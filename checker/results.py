"""What an analysis produces: diagnostics, revealed types, hover facts, fixes.

These dataclasses are the checker's public output, shared by ``spmd-check``
and the language server. Positions are 0-based lines and 0-based columns
counted in Unicode code points (``str`` indices into the line); the server
converts columns to UTF-16 units, the command line adds 1 to both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, Union

from . import library_models
from .codes import Severity
from .dependencies import Dependencies
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
    """A place that explains a diagnostic: where an operand got its type, a call site. The
    message says what happened there, never where (the place is ``span``): a call that led
    into the code that raised says ``called from here with ...`` (``constructed here``,
    ``F.apply called here``), which is how ``is_call_site`` knows it."""

    span: Span
    message: str
    path: str | None = None  # None: the same file

    @property
    def is_call_site(self) -> bool:
        """Whether this is the call through which the diagnostic's code ran."""
        message = self.message
        return (
            message.startswith("called from here")
            or message == "constructed here"
            or message.endswith(".apply called here")
        )


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
    """The result of ``reveal_type(expr)``. ``complete``: ``types`` is the whole type;
    otherwise ``types`` is what is known (the axes whose type is known; None when none is)
    and ``shown`` says the rest (``{tp: V, other axes as x}``)."""

    span: Span
    expression: str
    types: LocalType | None
    complete: bool = True
    shown: str | None = None

    @property
    def gradient(self) -> LocalType | None:
        return None if self.types is None else self.types.gradient

    @property
    def text(self) -> str:
        """How the type reads: the type, what is known of it, or Unknown."""
        if self.complete and self.types is not None:
            return str(self.types)
        return self.shown or "Unknown"

    @property
    def gradient_text(self) -> str:
        """The gradient's type as far as it is known (``{tp: R, ...}``)."""
        if self.types is None:
            return "Unknown"
        gradient = str(self.types.gradient)
        return gradient if self.complete else gradient[:-1] + ", ...}"


@dataclass(frozen=True)
class Origin:
    """Where a value got its type: the assert_type, collective, parameter or op.

    ``description`` says what happened there, without the place (``assert_type(...)``,
    ``reinterpret(..., src=V, dst=P)``, ```h @ w```): the place is ``span`` (in ``path``, the
    file whose code it is; None when not recorded: the file checked). ``previous`` is the
    origin of the value the new type was made from (an op's first tensor operand, a
    collective's input, the tensor an assert_type refined): the steps a hover shows (see
    ``after``)."""

    span: Span
    description: str
    previous: Origin | None = field(default=None, compare=False, repr=False)
    path: str | None = None

    def chain(self, limit: int = 3) -> list[Origin]:
        """This origin and the ones before it, most recent first, at most ``limit``."""
        steps: list[Origin] = []
        step: Origin | None = self
        while step is not None and len(steps) < limit:
            steps.append(step)
            step = step.previous
        return steps


def steps_of(origin: Origin | None) -> Iterator[Origin]:
    """An origin and every one before it (``after`` keeps chains short)."""
    step = origin
    while step is not None:
        yield step
        step = step.previous


# The steps of a chain anything reads: a hover reads six (three shown, after dropping a
# step a loop repeated) and whether there are more. A chain's first ``CHAIN + 1`` steps
# are those of the chain no ``after`` cut (a cut keeps ``CHAIN`` steps, and a new step
# goes on top), so what is read of a chain never depends on where it was cut: a kept
# call's chains are rebased onto any argument's (``rebase.py``).
CHAIN = 6


def after(previous: Origin | None) -> Origin | None:
    """``previous`` as the step before a new origin. Its chain is cut back to ``CHAIN`` steps
    once it is twice as long: a loop must not grow a chain without bound, and nothing
    reads further."""
    if previous is None:
        return None
    kept = previous.chain(2 * CHAIN)
    if len(kept) < 2 * CHAIN:
        return previous
    tail: Origin | None = None
    for step in reversed(kept[:CHAIN]):
        tail = Origin(step.span, step.description, tail, step.path)
    return tail


@dataclass(frozen=True)
class TypeFact:
    """What a hover shows for one tensor-valued expression."""

    span: Span
    expression: str
    types: LocalType | None
    requires_grad: bool | None
    origin: Origin | None = None
    is_target: bool = False  # the left-hand side of an assignment (where inlay hints go)
    # when ``types`` is None: what is known of the type, as it reads (``{tp: V, ...}``), and
    # the axes whose type is known
    shown: str | None = None
    known: LocalType | None = None
    fill: AxisType | None = None  # the type of every other axis of the mesh, when that is known
    listed: tuple[str, ...] = ()  # the axes the incomplete type names (known or not)

    def origins(self) -> Iterator[Origin]:
        """Its origin and the ones before it (``PendingFact.origins``)."""
        return steps_of(self.origin)

    @property
    def partition_spec(self) -> tuple[tuple[str, ...], ...] | None:
        """Per tensor dim, the axes that shard it (from S(i) types); None when nothing is
        sharded on a known dim."""
        if self.types is None:
            return None
        dims: dict[int, list[str]] = {}
        for axis, t in self.types.items():
            if t.shard_dim is not None:
                dims.setdefault(t.shard_dim, []).append(axis)
        if not dims:
            return None
        return tuple(tuple(dims.get(d, ())) for d in range(max(dims) + 1))


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


class PendingFact(Protocol):
    """A hover fact not built yet: most checks are never hovered, and what an incomplete
    type reads as costs more than the check that found it."""

    @property
    def span(self) -> Span: ...

    def resolve(self) -> TypeFact: ...

    def origins(self) -> Iterator[Origin]:
        """Every origin the fact may show (without building it): where its places are."""
        ...


FactEntry = Union[TypeFact, PendingFact]  # noqa: UP007 - a runtime alias


def resolved(fact: FactEntry) -> TypeFact:
    return fact if isinstance(fact, TypeFact) else fact.resolve()


def _agreeing(
    a: LocalType | None, a_complete: bool, b: LocalType | None, b_complete: bool
) -> tuple[LocalType | None, bool]:
    """What two readings of one expression's type agree on (the same expression run twice:
    a function called with different types, a loop's iterations): the axes typed alike in
    both; the type is complete only if both are the same complete type."""
    if a is None or b is None:
        return None, False
    if a == b and a_complete == b_complete:
        return a, a_complete
    kept = LocalType({axis: t for axis, t in a.items() if b.get(axis) == t})
    return (kept if len(kept) else None), False


def _partial_text(known: LocalType | None) -> str | None:
    return None if known is None else str(known)[:-1] + ", ...}"


def join_reveals(a: Reveal, b: Reveal) -> Reveal:
    """One reveal for a ``reveal_type`` line run more than once: what holds each time."""
    if a == b:
        return a
    types, complete = _agreeing(a.types, a.complete, b.types, b.complete)
    if complete:
        return a
    return Reveal(a.span, a.expression, types, False, _partial_text(types))


def origin_note(origin: Origin | None, what: str, checked: str) -> list[Related]:
    """Where a value got its type, as a note on a diagnostic of file ``checked`` ("the
    operand got its type here: ..."): none when that is not known, or when it is in one of
    the checker's library models (no file to show)."""
    if origin is None or (origin.path is not None and library_models.is_model(origin.path)):
        return []
    path = origin.path if origin.path is not None and origin.path != checked else None
    return [Related(origin.span, f"the {what} got its type here: {origin.description}", path)]


def join_facts(a: TypeFact, b: TypeFact) -> TypeFact:
    """One hover fact for an expression evaluated more than once: what holds each time."""
    if a is b or a == b:
        return a
    a_known = a.types if a.types is not None else a.known
    b_known = b.types if b.types is not None else b.known
    types, complete = _agreeing(a_known, a.types is not None, b_known, b.types is not None)
    grad = a.requires_grad if a.requires_grad == b.requires_grad else None
    origin = a.origin if a.origin == b.origin else None
    if complete:
        return TypeFact(a.span, a.expression, types, grad, origin, a.is_target)
    return TypeFact(
        a.span,
        a.expression,
        None,
        grad,
        origin,
        a.is_target,
        shown=_partial_text(types),
        known=types,
        fill=a.fill if a.fill == b.fill else None,
        listed=tuple(types or ()),
    )


class JoinedFact:
    """Hover facts recorded more than once for one expression (a loop's iterations, a
    helper called in several contexts), joined when first asked for. The recording side
    appends to the one it made (``joined``); a flat list, however many runs: a chain of
    pairs recursed as deep as the runs were many."""

    # beyond this many runs the expression's type is just not known (each run can only
    # make the join less precise)
    LIMIT = 256

    def __init__(self, entries: list[FactEntry]) -> None:
        self.entries = entries

    @property
    def span(self) -> Span:
        return self.entries[0].span

    def resolve(self) -> TypeFact:
        return self.fact

    def origins(self) -> Iterator[Origin]:
        for entry in self.entries:
            yield from entry.origins()

    @cached_property
    def fact(self) -> TypeFact:
        first = resolved(self.entries[0])
        if len(self.entries) > self.LIMIT:
            return TypeFact(first.span, first.expression, None, None, None, first.is_target)
        fact = first
        for entry in self.entries[1:]:
            fact = join_facts(fact, resolved(entry))
        return fact


def joined(old: FactEntry | None, new: FactEntry) -> FactEntry:
    """The entry for an expression's span after recording ``new``, in a table this check
    is recording (an entry it made is extended in place)."""
    if old is None or old is new:
        return new
    if isinstance(old, JoinedFact):
        if len(old.entries) <= JoinedFact.LIMIT:
            old.entries.append(new)
        return old
    return JoinedFact([old, new])


def combined(first: FactEntry | None, second: FactEntry) -> FactEntry:
    """Two tables' entries for one span, neither table changed (they may be replayed)."""
    if first is None or first is second:
        return second
    entries = [
        *(first.entries if isinstance(first, JoinedFact) else [first]),
        *(second.entries if isinstance(second, JoinedFact) else [second]),
    ]
    return JoinedFact(entries[: JoinedFact.LIMIT + 1])


class HoverFacts(Protocol):
    """One analysis's hover facts, as a result reads them: by span, and the spans on a line
    (``FactTable``, ``relocate.MovedFacts``)."""

    def __len__(self) -> int: ...

    def get(self, span: Span) -> FactEntry | None: ...

    def spans_on(self, line: int) -> list[Span]: ...

    def bounds(self) -> tuple[int, int] | None:
        """The first and last lines its spans cover; None: it has none."""
        ...

    def items(self) -> Iterable[tuple[Span, FactEntry]]: ...


class FactTable:
    """Hover facts recorded by one analysis (or a module level), by span. Its spans are
    indexed by line when first asked for, once: the table is shared by every result that
    replays its analysis, and a hover reads each table's index instead of merging them."""

    def __init__(self, facts: dict[Span, FactEntry] | None = None) -> None:
        self.facts: dict[Span, FactEntry] = facts if facts is not None else {}
        self._lines: dict[int, list[Span]] | None = None

    def __len__(self) -> int:
        return len(self.facts)

    def get(self, span: Span) -> FactEntry | None:
        return self.facts.get(span)

    def items(self) -> Iterable[tuple[Span, FactEntry]]:
        return self.facts.items()

    def spans_on(self, line: int) -> list[Span]:
        """The spans that cover the line (an expression over several lines covers each)."""
        return self._index().get(line, [])

    def bounds(self) -> tuple[int, int] | None:
        lines = self._index()
        return (min(lines), max(lines)) if lines else None

    def _index(self) -> dict[int, list[Span]]:
        if self._lines is None:
            lines: dict[int, list[Span]] = {}
            for span in self.facts:
                for covered in range(span.line, span.end_line + 1):
                    lines.setdefault(covered, []).append(span)
            self._lines = lines
        return self._lines


class ModuleResult:
    """Everything one check found. Hover facts are assembled lazily: most checks are never
    hovered, and a re-check reuses the fact tables of unchanged functions as they are."""

    def __init__(
        self,
        path: str,
        diagnostics: list[Diagnostic] | None = None,
        reveals: list[Reveal] | None = None,
        facts: list[TypeFact] | None = None,
        collectives: list[CollectiveFact] | None = None,
        fact_tables: list[HoverFacts] | None = None,
        elsewhere: dict[str, list[Diagnostic]] | None = None,
        dependencies: Dependencies | None = None,
    ) -> None:
        self.path = path
        # What the result depends on besides the text and the configuration (the workspace
        # files read, imports resolved, packages): None when not known (a failed check, a
        # scripted checker), and then the result is not kept beyond this process.
        self.dependencies = dependencies
        # Errors this check found in other files of the workspace (inside a function of
        # another module, called from this one with these types), by path.
        self.elsewhere: dict[str, list[Diagnostic]] = elsewhere if elsewhere is not None else {}
        self.diagnostics: list[Diagnostic] = diagnostics if diagnostics is not None else []
        self.reveals: list[Reveal] = reveals if reveals is not None else []
        self.collectives: list[CollectiveFact] = collectives if collectives is not None else []
        self._facts = facts
        self._fact_tables = fact_tables or []
        self._merged: dict[Span, FactEntry] | None = None
        self._merged_from = -1  # how many facts of ``_facts`` ``_merged`` was read from
        self._resolved: dict[Span, TypeFact] = {}
        self._index: dict[int, list[Span | CollectiveFact]] | None = None
        self._indexed = -1

    def brief(self) -> ModuleResult:
        """The result without its hover facts: what the on-disk cache stores, and all that is
        wanted of a file nobody has open. The facts hold the check's values, and through
        them its trees (most of what a workspace scan would keep of each file)."""
        return ModuleResult(
            self.path,
            diagnostics=self.diagnostics,
            reveals=self.reveals,
            collectives=self.collectives,
            elsewhere=self.elsewhere,
            dependencies=self.dependencies,
        )

    @property
    def facts(self) -> list[TypeFact]:
        """Every tensor-valued expression's type, in source order (each one resolved: a
        whole file's worth of work; hover and origins look up one at a time)."""
        if self._facts is None:
            entries = self._entries()
            self._facts = sorted(
                (self._resolve(span, entry) for span, entry in entries.items()),
                key=lambda f: order_key(f.span),
            )
            self._merged_from = len(self._facts)
        return self._facts

    def _entries(self) -> dict[Span, FactEntry]:
        """Every hover fact by span, each as recorded (resolved when asked for): every
        table merged, for ``facts`` (a hover reads the tables one by one)."""
        if self._merged is None:
            merged: dict[Span, FactEntry] = {}
            for table in self._tables():
                for span, entry in table.items():
                    merged[span] = combined(merged.get(span), entry)
            self._merged = merged
        return self._merged

    def _tables(self) -> list[HoverFacts]:
        """The fact tables. A result built fact by fact (a scripted checker appends to
        ``facts``) is one table, read again when it grew."""
        if self._facts is not None and len(self._facts) != self._merged_from:
            self._fact_tables = [FactTable({fact.span: fact for fact in self._facts})]
            self._merged_from = len(self._facts)
            self._merged, self._resolved, self._index = None, {}, None
        return self._fact_tables

    def _entry(self, span: Span) -> FactEntry | None:
        """The entries of every table for exactly this span, combined in table order."""
        found: FactEntry | None = None
        for table in self._tables():
            entry = table.get(span)
            if entry is not None:
                found = combined(found, entry)
        return found

    def _resolve(self, span: Span, entry: FactEntry) -> TypeFact:
        fact = self._resolved.get(span)
        if fact is None:
            fact = self._resolved[span] = resolved(entry)
        return fact

    def fact_for(self, span: Span) -> TypeFact | None:
        """The fact of exactly this expression, if it has one (an origin's type)."""
        known = self._resolved.get(span)
        if known is not None:
            return known
        entry = self._entry(span)
        return None if entry is None else self._resolve(span, entry)

    def facts_on(self, first: int, last: int) -> list[TypeFact]:
        """The facts of the expressions that start on lines ``first..last``, in source order
        (inlay hints for what the editor shows): only the tables whose lines reach there
        are read."""
        entries: dict[Span, FactEntry] = {}  # every table's entries, combined in table order
        for table in self._tables():
            bounds = table.bounds()
            if bounds is None or bounds[1] < first or bounds[0] > last:
                continue
            for line in range(max(first, bounds[0]), min(last, bounds[1]) + 1):
                for span in table.spans_on(line):
                    entry = table.get(span) if span.line == line else None
                    if entry is not None:
                        entries[span] = combined(entries.get(span), entry)
        return [self._resolve(span, entries[span]) for span in sorted(entries, key=order_key)]

    def fact_at(self, line: int, column: int) -> TypeFact | CollectiveFact | None:
        """The innermost fact whose span contains the position (for hover). Each table's
        spans on the line are read from its index (built once per table, shared by the
        results that replay it); the fact found is the one resolved."""
        tables = self._tables()
        if self._index is None or self._indexed != len(self.collectives):
            index: dict[int, list[Span | CollectiveFact]] = {}
            for collective in self.collectives:
                for covered in range(collective.span.line, collective.span.end_line + 1):
                    index.setdefault(covered, []).append(collective)
            self._index, self._indexed = index, len(self.collectives)
        candidates: list[Span | CollectiveFact] = list(self._index.get(line, ()))
        for table in tables:
            candidates.extend(table.spans_on(line))
        best: Span | CollectiveFact | None = None
        best_span: Span | None = None
        for item in candidates:
            where = item.span if isinstance(item, CollectiveFact) else item
            if where.contains(line, column) and (
                best_span is None or _size(where) < _size(best_span)
            ):
                best, best_span = item, where
        if best is None or isinstance(best, CollectiveFact):
            return best
        return self.fact_for(best)


def order_key(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def _size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_column - span.column)
