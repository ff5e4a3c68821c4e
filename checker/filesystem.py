"""Answers about which files exist, asked once per moment and remembered across moments.

Where an import goes and which package a module is in depend only on which files exist
(``isfile`` of candidates and ``__init__.py`` files). A check validates every import of
every module it loaded, hundreds of lookups, on every keystroke; nearly always nothing
moved. So an answer is remembered with the folders it looked in and their modification
times (a file created, deleted or renamed in a folder changes the folder's), and with the
files it found; it holds while each folder reads the same and each found file is still
a file. A folder modified within ``SETTLING_NS`` of the moment is not trusted (a change
in the same tick of a coarse clock leaves its time as it was): an answer that looked in
one is not remembered, and is asked again next time.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

# a folder modified this recently may change again without its time changing
SETTLING_NS = 2_000_000_000
_MAX_ANSWERS = 100_000


class Moment:
    """The file system as one look sees it: each file and folder asked about once. One
    validation's, or several checks' while their workspace trusts it (``Workspace.moment``)."""

    def __init__(self) -> None:
        self.started = time.time_ns()
        self.born = time.monotonic()
        self._files: dict[str, bool] = {}
        self._statuses: dict[str, os.stat_result | None] = {}  # of folders and files
        # the remembered answers known to hold at this moment, by id (held: ids stay theirs)
        self._held: dict[int, object] = {}

    def isfile(self, path: str) -> bool:
        found = self._files.get(path)
        if found is None:
            found = self._files[path] = os.path.isfile(path)
        return found

    def _status(self, path: str) -> os.stat_result | None:
        if path not in self._statuses:
            try:
                self._statuses[path] = os.stat(path)
            except OSError:
                self._statuses[path] = None
        return self._statuses[path]

    def folder_time(self, folder: str) -> int | None:
        """The folder's modification time (ns), None when it is not a folder."""
        status = self._status(folder)
        return None if status is None else status.st_mtime_ns

    def stamp(self, path: str) -> tuple[int, int, int] | None:
        """A file's modification time, size and inode; None when it cannot be read."""
        status = self._status(path)
        return None if status is None else (status.st_mtime_ns, status.st_size, status.st_ino)

    def knows_held(self, answer: object) -> bool:
        """Whether this moment found that remembered answer to hold already."""
        return self._held.get(id(answer)) is answer

    def note_held(self, answer: object) -> None:
        self._held[id(answer)] = answer


@dataclass(frozen=True)
class _Answer(Generic[T]):
    value: T
    folders: tuple[tuple[str, int | None], ...]  # each folder looked in, and its time
    found: tuple[str, ...]  # the files it found

    def holds(self, moment: Moment) -> bool:
        if moment.knows_held(self):
            return True
        holds = all(moment.folder_time(f) == t for f, t in self.folders) and all(
            moment.isfile(path) for path in self.found
        )
        if holds:
            moment.note_held(self)
        return holds


class _Asking:
    """One lookup's questions: the folders it looked in (their times read before the
    question, so a change after it shows) and the files it found."""

    def __init__(self, moment: Moment) -> None:
        self.moment = moment
        self.folders: dict[str, int | None] = {}
        self.found: list[str] = []

    def isfile(self, path: str) -> bool:
        folder = os.path.dirname(path)
        if folder not in self.folders:
            self.folders[folder] = self.moment.folder_time(folder)
        found = self.moment.isfile(path)
        if found:
            self.found.append(path)
        return found

    def settled(self) -> bool:
        recent = self.moment.started - SETTLING_NS
        return all(t is None or t < recent for t in self.folders.values())


class Lookups(Generic[T]):
    """Remembered answers, by question; shared by the checks of one process (thread safe)."""

    def __init__(self) -> None:
        self._answers: dict[Hashable, _Answer[T]] = {}
        self._lock = threading.Lock()

    def answer(
        self, question: Hashable, moment: Moment, ask: Callable[[Callable[[str], bool]], T]
    ) -> T:
        """``ask(isfile)``'s answer: remembered when the folders it looked in still read the
        same, else asked now (and remembered when they have settled)."""
        with self._lock:
            known = self._answers.get(question)
        if known is not None and known.holds(moment):
            return known.value
        asking = _Asking(moment)
        value = ask(asking.isfile)
        if asking.settled():
            answer = _Answer(value, tuple(asking.folders.items()), tuple(asking.found))
            with self._lock:
                if len(self._answers) >= _MAX_ANSWERS:
                    self._answers.clear()
                self._answers[question] = answer
        else:
            with self._lock:
                self._answers.pop(question, None)
        return value
