"""Errors one file's check finds in other files (``ModuleResult.elsewhere``).

A check of ``caller.py`` that analyses a function of ``callee.py`` may find an error inside
it; that error belongs to ``callee.py``. For each checked file this keeps what its last check
found in every other file, with the version of that other file it was found against (its
line numbers are that version's). A file's diagnostics are its own and what other files'
checks found in it, moved to the text shown; they go when no check finds them any more.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pygls.uris import from_fs_path, to_fs_path
from spmd_check import policy
from spmd_check.results import Diagnostic

from .documents import Document, Documents
from .engine import Checked
from .scheduler import Outcome


@dataclass
class Contribution:
    """Errors one file's check found in another file."""

    version: int | None  # that other document's version when they were found (None: not open)
    diagnostics: list[Diagnostic]


def _moved(
    doc: Document | None, line: int, found_in: int | None, shown_in: int | None
) -> int | None:
    """A line of the text another file's check saw -> the same line in the text shown."""
    if found_in == shown_in:
        return line
    if doc is None or doc.version != shown_in or found_in is None:
        return None  # cannot tell where it went: leave it out until the next check
    return doc.line_from_version(line, found_in)


class CrossFile:
    def __init__(self) -> None:
        # source uri -> target uri -> what the source's last check found in the target
        self._found: dict[str, dict[str, Contribution]] = {}
        # target uri -> how often its share changed (part of its pull result id)
        self._epochs: dict[str, int] = {}

    def record(
        self, source: str, found: Mapping[str, Sequence[Diagnostic]], documents: Documents
    ) -> list[str]:
        """Store what a check of ``source`` found in other files (by path); the files whose
        share changed (errors found there now, or no longer), sorted."""
        new: dict[str, Contribution] = {}
        for path, diagnostics in found.items():
            uri = from_fs_path(path) if os.path.isabs(path) else None
            if not uri or uri == source or not diagnostics:
                continue
            doc = documents.get(uri)
            new[uri] = Contribution(doc.version if doc is not None else None, list(diagnostics))
        old = self._found.pop(source, {})
        if new:
            self._found[source] = new
        changed = sorted(
            uri
            for uri in old.keys() | new.keys()
            if uri not in old
            or uri not in new
            or (old[uri].version, old[uri].diagnostics) != (new[uri].version, new[uri].diagnostics)
        )
        for uri in changed:
            self._epochs[uri] = self._epochs.get(uri, 0) + 1
        return changed

    def targets(self) -> set[str]:
        """The files some check found errors in."""
        return {uri for found in self._found.values() for uri in found}

    def epoch(self, uri: str) -> int:
        return self._epochs.get(uri, 0)

    def summary(self) -> dict[str, list[str]]:
        """Source -> the files its last check found errors in (for ``spmd/stats``)."""
        return {source: sorted(found) for source, found in self._found.items()}

    def oldest_needed(self, uri: str, version: int | None) -> int | None:
        """The oldest version of the document whose line numbers are still needed: its own
        result's, or one that another file's errors in it were found against."""
        if version is None:
            return None
        pinned = [
            found[uri].version
            for found in self._found.values()
            if uri in found and found[uri].version is not None
        ]
        return min([version, *pinned])  # type: ignore[type-var]

    def diagnostics_for(
        self, uri: str, outcome: Outcome[Checked] | None, documents: Documents
    ) -> tuple[list[Diagnostic], Sequence[str]]:
        """The document's diagnostics for the text of ``outcome`` (or, with no outcome, the
        file as it is): its own, then those other files' checks found in it (the same error
        once; an ``# spmd: ignore`` comment on its line is honoured), and that text's lines."""
        doc = documents.get(uri)
        own: list[Diagnostic]
        lines: Sequence[str]
        if outcome is not None:
            own, lines, shown_in = (
                list(outcome.value.result.diagnostics),
                outcome.value.lines,
                outcome.version,
            )
        else:
            path = to_fs_path(uri)
            own, shown_in = [], doc.version if doc is not None else None
            lines = (
                doc.lines
                if doc is not None
                else (documents.lines_of_file(path) if path else None) or []
            )
        contributed: list[Diagnostic] = []
        for source in sorted(self._found):
            contribution = self._found[source].get(uri)
            if contribution is None:
                continue
            for diagnostic in contribution.diagnostics:
                span = diagnostic.span
                start = _moved(doc, span.line, contribution.version, shown_in)
                end = _moved(doc, span.end_line, contribution.version, shown_in)
                if start is None or end is None or start >= len(lines):
                    continue
                moved = type(span)(start, span.column, end, span.end_column)
                contributed.append(
                    diagnostic if moved == span else dataclasses.replace(diagnostic, span=moved)
                )
        # the lines may have changed since the other file's check: suppress by the text shown
        return policy.merge(own, contributed, lines), lines
