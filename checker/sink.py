"""The one place an analysis records what it found: diagnostics, revealed types, hover facts
and collective facts, for the checked file and for the other files whose code it ran.

Three things decide where a record goes:

- code of another file of the workspace (``running``), called from this one or run from
  no call here (a base class's ``__init__`` building a template object): an error belongs
  to that file, where the runtime raises, with the call in this file, if any, as related
  information (``elsewhere``); hover facts, reveals and collective facts are that file's own
  check's business (what it knows whatever its caller passes: a file's results never depend
  on which other files were checked before it);
- a journal being recorded (``journaling``): everything also goes into it, so a standalone
  analysis can be replayed (``replay``) instead of re-run when its inputs are unchanged;
- a whole capture (``capturing(whole=True)``): everything also goes into its ``CallRecord``,
  so a call of the checked file's code can be taken by a later check instead of run
  (``retell``, see ``sharing.OwnCall``);
- otherwise the checked file's own tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import codes
from .codes import Code, Severity
from .journal import Journal
from .results import (
    CollectiveFact,
    Diagnostic,
    FactEntry,
    FactTable,
    Fix,
    HoverFacts,
    Related,
    Reveal,
    Span,
    join_reveals,
    joined,
)
from .values import FunctionIdentity

DiagnosticKey = tuple[Span, str, str]  # span, code, message: one diagnostic however often found


class ResultSink:
    def __init__(self, path: str, quiet: bool = False) -> None:
        self.path = path
        # record no diagnostic (but a syntax error): the module's code runs under typecheck()
        # only by the checker's assumption, which it gives no sign of (see infer)
        self.quiet = quiet
        self.diagnostics: dict[DiagnosticKey, Diagnostic] = {}
        self.reveals: dict[Span, Reveal] = {}
        self.facts: dict[Span, FactEntry] = {}
        # own facts, then journals'
        self.fact_tables: list[HoverFacts] = [FactTable(self.facts)]
        self.collective_facts: dict[Span, CollectiveFact] = {}
        # found while running other files' code from this one, by the other file's path
        self.elsewhere: dict[str, dict[DiagnosticKey, Diagnostic]] = {}
        self._caller: Related | None = None  # the call in this file that led into another file
        self._running = ""  # the path of the code running now
        self._journal: Journal | None = None
        self._journal_facts: dict[Span, FactEntry] | None = None  # the recording journal's
        self._journaled: set[tuple[str, Any]] = set()  # its diagnostics' keys
        # which journal records now (0: none yet): what a call finds is recorded in the
        # journal it ran in, so a memoised call is reused within one journal only
        self.journal_number = 0
        self._captures: list[Capture] = []  # open captures, innermost last
        self._muted = 0  # open ``muted`` blocks

    # ------------------------------------------------------------ recording
    def report(
        self,
        span: Span,
        code: Code,
        message: str,
        severity: Severity,
        related: tuple[Related, ...] = (),
        fixes: tuple[Fix, ...] = (),
    ) -> None:
        if self._dropped():
            return
        if self.quiet and code is not codes.SYNTAX:
            return
        other = self._other_file()
        for capture in self._captures:
            capture.reports.append(Report(other or self.path, span, code, message, severity))
            capture.own = capture.own or other is None
        if other is not None:
            sites = (
                ()
                if self._caller is None
                else (
                    Related(
                        self._caller.span,
                        self._caller.message,  # "called from here with ...": the place is the span
                        path=self.path,
                    ),
                )
            )
            key = (span, code.name, message)
            self._elsewhere(other, key, Diagnostic(span, code.name, message, severity, sites, ()))
            return
        key = (span, code.name, message)
        self._diagnostic(key, Diagnostic(span, code.name, message, severity, related, fixes))

    def _elsewhere(self, other: str, key: DiagnosticKey, diagnostic: Diagnostic) -> None:
        self.elsewhere.setdefault(other, {}).setdefault(key, diagnostic)
        # a replay must give them too: they are this check's findings
        self._journal_entry("elsewhere", (other, key), diagnostic)
        self._whole_entry("elsewhere", (other, key), diagnostic)

    def _diagnostic(self, key: DiagnosticKey, diagnostic: Diagnostic) -> None:
        self.diagnostics.setdefault(key, diagnostic)  # the first report of it stands
        # this analysis's own, recorded even when another one reported it first: that one
        # may be re-run and no longer report it while this one is replayed
        self._journal_entry("diagnostics", key, diagnostic)
        self._whole_entry("diagnostics", key, diagnostic)

    def reveal(self, reveal: Reveal) -> None:
        if self._dropped():
            return
        if self._other_file() is not None:
            return
        self._touch_own()
        self._whole_entry("reveals", reveal.span, reveal)  # as given: a retelling joins it
        previous = self.reveals.get(reveal.span)
        if previous is not None:
            reveal = join_reveals(previous, reveal)  # run again: what holds each time
        self.reveals[reveal.span] = reveal
        self._journal_entry("reveals", reveal.span, reveal)

    def collective(self, fact: CollectiveFact) -> None:
        if self._dropped():
            return
        if self._other_file() is not None:
            return
        self._touch_own()
        self.collective_facts[fact.span] = fact
        self._journal_entry("collective_facts", fact.span, fact)
        self._whole_entry("collective_facts", fact.span, fact)

    def fact(self, fact: FactEntry) -> None:
        if self._dropped():
            return
        if self._other_file() is not None:
            return  # another file's facts are that file's own analysis's
        self._touch_own()
        for capture in self._captures:
            if capture.record is not None:
                capture.record.facts.append(fact)
        table = self._journal_facts if self._journal_facts is not None else self.facts
        table[fact.span] = joined(table.get(fact.span), fact)

    def covers(self, function: FunctionIdentity) -> None:
        """A function's body ran (``Journal.covered``): a whole capture covers it too."""
        for capture in self._captures:
            if capture.record is not None:
                capture.record.covered.add(function)

    def retell(self, record: CallRecord) -> None:
        """Record again what a call recorded (``capturing(whole=True)``), as if it ran here:
        into this check's tables, the journal being recorded and the open captures. Only
        where ``keeps_whole`` holds (no record is dropped, no other file's code runs)."""
        self._touch_own()
        for name, key, value in record.entries:
            if name == "elsewhere":
                self._elsewhere(key[0], key[1], value)
            elif name == "diagnostics":
                self._diagnostic(key, value)
            elif name == "reveals":
                self.reveal(value)
            else:
                self.collective(value)
        for fact in record.facts:
            self.fact(fact)
        for function in record.covered:
            self.covers(function)

    # ------------------------------------------------------------ whose code runs
    @contextmanager
    def running(self, path: str, call_site: Related | None) -> Iterator[None]:
        """Record what is found while code of file ``path`` runs, called from ``call_site``."""
        saved = self._caller, self._running
        if path != self.path and self._caller is None and call_site is not None:
            self._caller = call_site  # the call in this file that led into another file
        self._running = path
        try:
            yield
        finally:
            self._caller, self._running = saved

    @contextmanager
    def capturing(self, whole: bool = False) -> Iterator[Capture]:
        """Also collect what is reported while the block runs (``sharing.KeptCalls``: a call
        taken from an earlier check reports it again); ``whole``: everything recorded, as a
        ``CallRecord`` (``sharing.OwnCall``: a call of the checked file's code)."""
        capture = Capture(record=CallRecord() if whole else None)
        self._captures.append(capture)
        try:
            yield capture
        finally:
            self._captures.pop()  # captures nest: this one is the innermost

    @contextmanager
    def muted(self) -> Iterator[None]:
        """Record nothing while the block runs: code run again whose findings a replayed
        journal already gave (a template object built again for a method's analysis)."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1

    def keeps_whole(self) -> bool:
        """Whether what a call of the checked file's code records now can be captured whole
        and retold elsewhere: nothing is dropped, no other file's code is running (a call
        back into this file from there), and every open capture is a whole one (a capture
        of other files' code keeps reports only)."""
        return (
            not self._muted
            and self._caller is None
            and self._running in ("", self.path)
            and all(capture.record is not None for capture in self._captures)
        )

    def reports_captured(self) -> bool:
        """Whether a capture of other files' code (``capturing()``, reports only) is open."""
        return any(capture.record is None for capture in self._captures)

    def retold(self, reports: tuple[Report, ...]) -> None:
        """A memoised call was taken instead of run, and these are the errors it reported
        when it ran: the open captures of other files' code get them as if it ran inside
        them. (A whole capture's call ran it inside itself: it opened a sharing scope.)"""
        for capture in self._captures:
            if capture.record is None:
                capture.reports.extend(reports)  # as running it again would report them

    def _dropped(self) -> bool:
        """Whether a record is dropped (a ``muted`` block): an open capture then cannot
        stand for what ran."""
        if self._muted:
            self._touch_own()
            for capture in self._captures:
                capture.incomplete = True
        return self._muted > 0

    def _touch_own(self) -> None:
        for capture in self._captures:
            capture.own = True

    def _whole_entry(self, table: str, key: Any, value: Any) -> None:
        for capture in self._captures:
            if capture.record is not None:
                capture.record.entries.append((table, key, value))

    def skipped(self) -> None:
        """A memoised call was taken instead of run: what it recorded when it ran is not in
        the open captures of other files' code, which then cannot stand for what ran. (A
        whole capture is of a call that opened a sharing scope: every memoised call taken
        inside it ran inside it, ``Interpreter._memo_context``.)"""
        self._touch_own()

    def _other_file(self) -> str | None:
        """The path of the other file whose code runs now, called from this one; None when
        what runs is this file's code."""
        if self._running and self._running != self.path:
            # with or without a call here that led there: a base class's ``__init__`` that
            # builds a template object runs from no call site, and its code is still not
            # this file's (its places are that file's lines)
            return self._running
        return None

    # ------------------------------------------------------------ journals
    @contextmanager
    def journaling(self) -> Iterator[Journal]:
        """Record into a new journal as well (one standalone analysis)."""
        facts: dict[Span, FactEntry] = {}
        recorded = Journal(facts=FactTable(facts))
        self.fact_tables.append(recorded.facts)
        self._journal, self._journal_facts = recorded, facts
        self._journaled = set()
        self.journal_number += 1
        try:
            yield recorded
        finally:
            self._journal, self._journal_facts = None, None

    def replay(self, recorded: Journal) -> None:
        """Re-record what a standalone analysis recorded (into this check's tables)."""
        self.fact_tables.append(recorded.facts)  # shared, not copied: it never changes again
        tables: dict[str, dict[Any, Any]] = {
            "diagnostics": self.diagnostics,
            "reveals": self.reveals,
            "collective_facts": self.collective_facts,
        }
        for name, key, value in recorded.entries:
            if name == "elsewhere":
                other, found = key
                self.elsewhere.setdefault(other, {}).setdefault(found, value)
                continue
            table = tables[name]
            if name == "reveals" and key in table:
                table[key] = join_reveals(table[key], value)
            elif name == "collective_facts":
                table[key] = value  # as ``collective`` records it: the last one stands
            else:
                table.setdefault(key, value)

    def _journal_entry(self, table: str, key: Any, value: Any) -> None:
        if self._journal is None:
            return
        if table in _FIRST_STANDS:
            if (table, key) in self._journaled:
                return  # reported again (a loop, another call): the first one stands
            self._journaled.add((table, key))
        self._journal.entries.append((table, key, value))


@dataclass(frozen=True)
class Report:
    """One ``report`` call of another file's code: the file, and what an error there keeps
    (its related information is the call in the checked file, given by ``running``)."""

    path: str
    span: Span
    code: Code
    message: str
    severity: Severity


@dataclass(eq=False)
class CallRecord:
    """Everything one call recorded, as a journal keeps it: its entries (diagnostics here
    and in other files, reveals as given, collective facts), its hover facts, and the
    functions whose bodies ran in it."""

    entries: list[tuple[str, Any, Any]] = field(default_factory=list)
    facts: list[FactEntry] = field(default_factory=list)
    covered: set[FunctionIdentity] = field(default_factory=set)


@dataclass(eq=False)
class Capture:
    """What was reported while a capture was open, and whether it is not enough to stand
    for what ran (``own``): something was recorded for the checked file itself (a report, a
    reveal, a fact), or a memoised call was taken whose records are elsewhere. A whole
    capture has a ``record`` of everything; ``incomplete``: it cannot stand for what ran (a
    record was dropped)."""

    reports: list[Report] = field(default_factory=list)
    own: bool = False
    record: CallRecord | None = None
    incomplete: bool = False


# tables where a replay keeps the first entry of a key (``setdefault``): a journal needs
# only the first
_FIRST_STANDS = frozenset({"diagnostics", "elsewhere"})
