"""Journals moved with the text: what a standalone analysis recorded, at its new lines.

Keys hold no line numbers (``places.py``), so a function that an edit moved keeps its key.
Its journal recorded places in the text it was analysed in; ``Edit.between`` says where
each line of that text is in the new one (lines above the first changed one stay, lines
below the last one move by the lines added, the changed ones are gone), and ``moved``
gives the journal at the new places: None when it mentions a gone line (its function is
analysed again). Hover facts are not copied: ``MovedFacts`` reads the recorded table
through the map (DESIGN.md, "Edits that move lines").
"""

from __future__ import annotations

import dataclasses
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from .journal import Extent, Journal
from .resplit import common_prefix, common_suffix
from .results import (
    CollectiveFact,
    Diagnostic,
    FactEntry,
    Fix,
    HoverFacts,
    Origin,
    Related,
    Reveal,
    Span,
    TextEdit,
    TypeFact,
    resolved,
    steps_of,
)

_END = sys.maxsize


@dataclass(frozen=True)
class Edit:
    """One edit's effect on lines: the old lines before ``first`` stay, those in
    ``[first, gone_end)`` are gone, and the rest move by ``delta``."""

    first: int
    gone_end: int
    delta: int
    counted: bool = True  # False: its lines could not be counted, and none stays

    @staticmethod
    def between(old: str, new: str) -> Edit:
        """The edit from ``old`` to ``new``: one changed stretch, found as the common
        prefix and suffix. A stretch of whole lines inserted or deleted leaves every old
        line (but the deleted ones) alive."""
        if _lone_returns(old) or _lone_returns(new):
            return Edit(0, _END, 0, counted=False)  # lines this counting gets wrong
        prefix = common_prefix(old, new)
        suffix = common_suffix(old, new, min(len(old), len(new)) - prefix)
        start, old_end, new_end = prefix, len(old) - suffix, len(new) - suffix
        if old_end == new_end == start:
            return Edit(_END, _END, 0)
        inserted, deleted = old_end == start, new_end == start
        if inserted or deleted:
            # slide it back while it reads the same, to a line's start if it can be: an
            # Enter at the end of an indented line is found after the next line's indent
            while start > 0 and old[start - 1] != "\n":
                tail = new[new_end - 1] if inserted else old[old_end - 1]
                if old[start - 1] != tail:
                    break
                start, old_end, new_end = start - 1, old_end - 1, new_end - 1
        added = new.count("\n", start, new_end) - old.count("\n", start, old_end)
        first, last = old.count("\n", 0, start), old.count("\n", 0, old_end)
        # the lines from the stretch's first to the one it ends in are gone, but that last
        # one when the stretch ends at its start on both sides (it is whole in both texts:
        # whole lines inserted or deleted)
        ends_at_line_start = (old_end == 0 or old[old_end - 1] == "\n") and (
            new_end == 0 or new[new_end - 1] == "\n"
        )
        gone_end = last if ends_at_line_start else last + 1
        return Edit(first, gone_end, added)

    @property
    def moves_nothing(self) -> bool:
        """Every line that stays is where it was (an edit inside one line)."""
        return self.counted and self.delta == 0

    @cached_property
    def lines(self) -> LineMap:
        pieces = ((0, self.first, 0), (self.gone_end, _END, self.delta))
        return LineMap(tuple(p for p in pieces if p[0] < p[1]))


def _lone_returns(text: str) -> bool:
    """Whether the text breaks a line with a lone ``\r`` (Python counts it as a line break;
    the edit's lines are counted by ``\n``)."""
    return "\r" in text and text.count("\r") != text.count("\r\n")


@dataclass(frozen=True)
class LineMap:
    """Lines of one text to lines of another: each piece ``(start, end, delta)`` moves the
    old lines ``[start, end)`` by ``delta``; a line in no piece is gone."""

    pieces: tuple[tuple[int, int, int], ...]

    def line(self, old: int) -> int | None:
        """Where an old line is now; None: it is gone."""
        index = bisect_right(self.pieces, (old, _END, _END)) - 1
        if index < 0:
            return None
        start, end, delta = self.pieces[index]
        return old + delta if start <= old < end else None

    def back(self, line: int) -> int | None:
        """The old line that is now ``line``; None: none is (it was inserted)."""
        for start, end, delta in self.pieces:
            if start + delta <= line and (end == _END or line < end + delta):
                return line - delta
        return None

    def back_span(self, span: Span) -> Span | None:
        """The old span that is now ``span``; None: its first line was inserted."""
        line = self.back(span.line)
        if line is None:
            return None
        return Span(line, span.column, line + span.end_line - span.line, span.end_column)

    @staticmethod
    def shift(delta: int) -> LineMap:
        """Every line moved by ``delta`` (for places all on one side of an edit)."""
        return LineMap(((0, _END, delta),))

    def then(self, later: LineMap) -> LineMap:
        """This map followed by ``later``."""
        if len(self.pieces) == len(later.pieces) == 1:
            (start, end, delta), (later_start, later_end, later_delta) = (
                self.pieces[0],
                later.pieces[0],
            )
            if start == later_start == 0 and end == later_end == _END:  # two shifts
                return LineMap.shift(delta + later_delta)
        pieces: list[tuple[int, int, int]] = []
        for start, end, delta in self.pieces:
            for later_start, later_end, later_delta in later.pieces:
                low = max(start, later_start - delta)
                high = min(end, later_end - delta if later_end != _END else _END)
                if low < high:
                    pieces.append((low, high, delta + later_delta))
        merged: list[tuple[int, int, int]] = []
        for piece in sorted(pieces):
            if merged and merged[-1][1] == piece[0] and merged[-1][2] == piece[2]:
                merged[-1] = (merged[-1][0], piece[1], piece[2])
            else:
                merged.append(piece)
        return LineMap(tuple(merged))

    def span(self, span: Span) -> Span:
        """A span of kept lines, moved (its journal's extent said they stay)."""
        line = self.line(span.line)
        if line is None:
            raise ValueError(f"line {span.line} is gone")
        return Span(line, span.column, line + span.end_line - span.line, span.end_column)


def moved(journal: Journal, edit: Edit, path: str) -> Journal | None:
    """The journal of an analysis of file ``path`` as it reads after an edit; None when it
    mentions a line the edit changed."""
    extent = journal_extent(journal, path)
    stretches, shift = extent.stretches, extent.shift
    if not stretches or stretches[-1][1] + shift < edit.first:
        return journal  # all above the edit
    # the first stretch that ends at or after the edit's first line must start below it
    index = bisect_left(stretches, edit.first - shift, key=lambda stretch: stretch[1])
    if stretches[index][0] + shift < edit.gone_end:
        return None
    if stretches[0][0] + shift >= edit.gone_end:  # all below: moved alike
        extent = Extent(stretches, shift + edit.delta)
        lines = LineMap.shift(edit.delta)
    else:
        extent = Extent(
            tuple(
                (start + shift, end + shift)
                if k < index
                else (start + shift + edit.delta, end + shift + edit.delta)
                for k, (start, end) in enumerate(stretches)
            )
        )
        lines = edit.lines
    mover = _Mover(lines, path)
    entries = [mover.entry(table, key, value) for table, key, value in journal.entries]
    facts = journal.facts
    if isinstance(facts, MovedFacts):
        facts = MovedFacts(facts.recorded, facts.lines.then(lines), path)
    elif facts:
        facts = MovedFacts(facts, lines, path)
    return Journal(entries, facts, journal.covered, extent, journal.digest)


def journal_extent(journal: Journal, path: str) -> Extent:
    """The stretches of lines of file ``path`` the journal mentions (merged, in order);
    computed once per journal, when an edit first moves it (a journal mentions a few
    hundred places, most of them its hover facts' expressions)."""
    if journal.extent is None:
        lines: set[int] = set()

        def note(span: Span) -> None:
            if span.end_line == span.line:
                lines.add(span.line)
            else:
                lines.update(range(span.line, span.end_line + 1))

        for table, key, value in journal.entries:
            if table == "diagnostics":
                note(key[0])
                for edit in (e for fix in value.fixes for e in fix.edits):
                    note(edit.span)
            if table in ("diagnostics", "elsewhere"):
                for related in value.related:
                    if _mine(related, path):
                        note(related.span)
            elif table in ("reveals", "collective_facts"):
                note(key)
        seen: set[int] = set()  # origins: many facts share one, and chains share tails
        for span, entry in journal.facts.items():
            if span.end_line == span.line:
                lines.add(span.line)
            else:
                note(span)
            for origin in entry.origins():
                if id(origin) not in seen:
                    seen.add(id(origin))
                    if _mine(origin, path):
                        note(origin.span)
        journal.extent = Extent(_stretches(sorted(lines)))
    return journal.extent


def _stretches(lines: list[int]) -> tuple[tuple[int, int], ...]:
    """Sorted distinct lines as stretches of consecutive ones."""
    stretches: list[tuple[int, int]] = []
    start = previous = -2
    for line in lines:
        if line != previous + 1:
            if previous >= 0:
                stretches.append((start, previous))
            start = line
        previous = line
    if previous >= 0:
        stretches.append((start, previous))
    return tuple(stretches)


def _mine(place: Origin | Related, path: str) -> bool:
    """Whether an origin's or related place is file ``path``'s (no path: the checked
    file's)."""
    return place.path is None or place.path == path


@dataclass(frozen=True)
class _Mover:
    """Moves what a journal recorded; every line it meets stays (``moved`` checked)."""

    lines: LineMap
    path: str

    def entry(self, table: str, key: Any, value: Any) -> tuple[str, Any, Any]:
        # constructors, not dataclasses.replace: an Enter moves every journal below it
        span = self.lines.span
        if table == "diagnostics":
            where, code, message = key
            return table, (span(where), code, message), self.diagnostic(value, True)
        if table == "elsewhere":  # in another file: only the call here moves
            return table, key, self.diagnostic(value, False)
        if table == "reveals":
            r: Reveal = value
            return (
                table,
                span(key),
                Reveal(span(r.span), r.expression, r.types, r.complete, r.shown),
            )
        c: CollectiveFact = value
        return table, span(key), CollectiveFact(span(c.span), c.function, c.transitions)

    def diagnostic(self, d: Diagnostic, here: bool) -> Diagnostic:
        span = self.lines.span
        related = tuple(
            Related(span(r.span), r.message, r.path) if _mine(r, self.path) else r
            for r in d.related
        )
        if not here:
            return Diagnostic(d.span, d.code, d.message, d.severity, related, d.fixes)
        fixes = tuple(
            Fix(
                fix.title,
                tuple(TextEdit(span(e.span), e.new_text) for e in fix.edits),
                fix.preferred,
            )
            for fix in d.fixes
        )
        return Diagnostic(span(d.span), d.code, d.message, d.severity, related, fixes)

    def origin_span(self, origin: Origin) -> Span:
        """Where one origin step is now (moved if it is this file's)."""
        return self.lines.span(origin.span) if _mine(origin, self.path) else origin.span

    def origin(self, origin: Origin | None) -> Origin | None:
        """An origin chain, its places in this file moved (a chain is short: ``after``)."""
        tail: Origin | None = None
        for step in reversed(list(steps_of(origin))):
            tail = Origin(self.origin_span(step), step.description, tail, step.path)
        return tail


class MovedFacts:
    """A journal's hover facts as they read after the edits ``lines`` (composed): the
    recorded table is read through the map, never copied (``results.HoverFacts``). A
    lookup maps the line back to the recorded one and reads that table's index."""

    def __init__(self, recorded: HoverFacts, lines: LineMap, path: str) -> None:
        self.recorded = recorded
        self.lines = lines
        self.path = path

    def __len__(self) -> int:
        return len(self.recorded)

    def get(self, span: Span) -> FactEntry | None:
        old = self.lines.back_span(span)
        entry = None if old is None else self.recorded.get(old)
        return None if entry is None else _MovedFact(entry, _Mover(self.lines, self.path))

    def spans_on(self, line: int) -> list[Span]:
        old = self.lines.back(line)
        if old is None:
            return []
        return [self.lines.span(span) for span in self.recorded.spans_on(old)]

    def bounds(self) -> tuple[int, int] | None:
        recorded = self.recorded.bounds()
        if recorded is None:
            return None
        first, last = self.lines.line(recorded[0]), self.lines.line(recorded[1])
        return None if first is None or last is None else (first, last)

    def items(self) -> Iterator[tuple[Span, FactEntry]]:
        mover = _Mover(self.lines, self.path)
        for old, entry in self.recorded.items():
            yield self.lines.span(old), _MovedFact(entry, mover)


class _MovedFact:
    """A recorded hover fact at its new place, built when asked for."""

    def __init__(self, recorded: FactEntry, mover: _Mover) -> None:
        self.recorded = recorded
        self.mover = mover

    @property
    def span(self) -> Span:
        return self.mover.lines.span(self.recorded.span)

    def resolve(self) -> TypeFact:
        fact = resolved(self.recorded)
        return dataclasses.replace(
            fact, span=self.mover.lines.span(fact.span), origin=self.mover.origin(fact.origin)
        )

    def origins(self) -> Iterator[Origin]:
        for origin in self.recorded.origins():
            yield Origin(self.mover.origin_span(origin), origin.description, None, origin.path)
