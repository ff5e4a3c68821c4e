"""Garbage collection off the typing path.

A check of a large module allocates hundreds of thousands of objects that live
on (parsed units, journals, hover facts), so CPython's automatic full
collections walk the whole heap: 150-250 ms pauses every few keystrokes on a
10,000-line file, seconds after the scan of a 100,000-line workspace
(measured with ``bench/run.py``). Instead, once the server has been idle for a
moment after a check, the objects that survived are collected and then
*frozen* (``gc.freeze``): the automatic collections that follow only walk what
was allocated since, which is small, and so does the next idle collection.
While the user types without a pause, the raised thresholds of
``spmd_check.api.tune_garbage_collector`` keep the automatic collections rare.

Frozen objects that die later are still freed by reference counting; those that die in
cycles are reclaimed only by a full collection (unfreeze, collect, freeze). Cycles are the
rule, not the exception: a function's value holds its module's globals, which hold it, and a
method holds its class, so every check's previous values of the edited module die in cycles,
a few KiB a keystroke. A full collection walks the whole heap (about 1 ms per MiB here: 65 ms
for a 72 MiB server, seconds after a large scan), so it runs only when it pays and when it
cannot be felt:

* it pays once the resident size grew by a quarter since the last one, and at least
  ``FULL_GROWTH_BYTES``;
* full collections take at most ``FULL_SHARE`` of the time (the next waits for the last one's
  duration over that share);
* one expected to be short (``SHORT_FULL_SECONDS``, a keystroke's check or less) runs with
  the young collection, between bursts of typing, when no check is queued (not between the
  workspace scan's files: a keystroke then would wait for it); a longer one waits for
  ``full_idle`` of quiet. It is expected to take as long as the last one did, scaled by the
  resident size.

An idle round while checks are queued or running (the workspace scan, between its files)
collects the two young generations only: what the automatic collections already moved to
the oldest is frozen as it is, and freed by the next full collection. A whole collection
of what the scan left since the last round took up to 165 ms, and a keystroke that came
meanwhile waited for it.

While the document being edited is checked, the automatic young collection waits for
``DEFERRED_YOUNG_THRESHOLD`` allocations (``defer_collections``), until a background check
or an idle round (``resume_collections``): during the workspace scan the scan's garbage
otherwise set off a collection inside nearly every keystroke's check.

Nothing here counts the frozen objects: ``gc.get_freeze_count`` walks them all
(a quarter of a second after a large scan).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


# While the document being edited is checked, an automatic collection waits until this many
# objects were allocated (about a check of a 10,000-line file from scratch): during the
# workspace scan, every keystroke's check met a young collection of the scan's garbage,
# 25-30 ms of its 50-75 (bench/lsp/harness.py, the workspace model file). What the check
# leaves is collected by the next automatic collection, in the scan's next check, or when
# idle.
DEFERRED_YOUNG_THRESHOLD = 1_000_000
FULL_GROWTH_BYTES = 16 << 20
FULL_SHARE = 0.02
SHORT_FULL_SECONDS = 0.1
# A full collection's cost before one was measured: 65 ms for a 72 MiB server (the memory soak
# of tests/reliability), 1 ms per MiB rounded up.
_FULL_SECONDS_PER_BYTE = 0.001 / (1 << 20)


_thresholds_lock = threading.Lock()
_normal_thresholds: tuple[int, int, int] | None = None  # while collections are deferred


def defer_collections() -> None:
    """Automatic collections wait for ``DEFERRED_YOUNG_THRESHOLD`` allocations, until
    ``resume_collections``: the document being edited is checked, then its result published,
    without the collection its allocations would set off. A threshold, not a stop: a long
    burst of typing with no pause and no background check still collects, less often."""
    global _normal_thresholds
    with _thresholds_lock:
        if _normal_thresholds is None:
            _normal_thresholds = gc.get_threshold()
            gc.set_threshold(DEFERRED_YOUNG_THRESHOLD, *_normal_thresholds[1:])


def resume_collections() -> None:
    """The usual thresholds again (a background check, or the server idle: whatever the
    edited document's checks left is collected now, by whoever does not keep anyone
    waiting)."""
    global _normal_thresholds
    with _thresholds_lock:
        if _normal_thresholds is not None:
            gc.set_threshold(*_normal_thresholds)
            _normal_thresholds = None


def resident_bytes() -> int | None:
    """The process's resident size (Linux; None elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class IdleCollector:
    def __init__(
        self,
        busy: Callable[[], bool],
        urgent: Callable[[], bool] | None = None,
        idle: float = 0.2,
        full_idle: float = 2.0,
    ) -> None:
        self._busy = busy  # whether analysis is queued or running
        # whether analysis other than the background scan is: a young collection runs between
        # the scan's files too (it walks one file's allocations), so the scan's garbage does
        # not pile up into one long collection after it
        self._urgent = urgent or busy
        self.idle = idle
        self.full_idle = full_idle
        self._handle: asyncio.TimerHandle | None = None
        self._full_handle: asyncio.TimerHandle | None = None
        self._last_full = time.monotonic()
        self._size_after_full = resident_bytes()
        self._last_full_seconds: float | None = None
        self._size_at_last_full: int | None = None
        self.rounds = 0
        self.full_rounds = 0
        self._heavy = False  # a long check finished since the last round

    def touch(self, heavy: bool = False) -> None:
        """Something happened (a check finished): a young collection ``idle`` after it (not
        postponed by the next check: the scan's checks finish every few tenths of a second,
        and a young collection is short), a full one once things have been quiet for
        ``full_idle``. ``heavy``: the check was long (a first check of a large file): what
        it left is frozen without a collection, which would walk all of it (470 ms after
        the first check of a 10,000-line module, and the next keystroke waited for it);
        the full collection frees its garbage once things are quiet."""
        self._heavy = self._heavy or heavy
        loop = asyncio.get_running_loop()
        if self._handle is None:
            self._handle = loop.call_later(self.idle, self._collect)
        if self._full_handle is not None:
            self._full_handle.cancel()
        self._full_handle = loop.call_later(self.full_idle, self._collect_all)

    def _collect(self) -> None:
        self._handle = None
        if self._urgent():
            self._handle = asyncio.get_running_loop().call_later(self.idle, self._collect)
            return
        heavy, self._heavy = self._heavy, False
        started = time.monotonic()
        # what a long check left is frozen as it is (``touch``); between the scan's files,
        # only the two young generations: what the automatic collections already moved to the
        # oldest is frozen as it is (a full collection frees it later), and the pause stays
        # short for a keystroke that comes meanwhile
        if heavy:
            found = 0
        elif self._busy():
            found = gc.collect(1)
        else:
            found = gc.collect()
        gc.freeze()
        resume_collections()
        self.rounds += 1
        log.debug(
            "idle collection: %d unreachable, %.1f ms", found, 1000 * (time.monotonic() - started)
        )
        if (
            not heavy
            and not self._busy()
            and self._full_is_due()
            and self._expected_full_seconds() <= SHORT_FULL_SECONDS
        ):
            self._collect_full()

    def _collect_all(self) -> None:
        self._full_handle = None
        if not self._busy() and self._full_is_due():
            self._collect_full()

    def _collect_full(self) -> None:
        started = time.monotonic()
        size_before = resident_bytes()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        resume_collections()
        self._last_full = time.monotonic()
        self._last_full_seconds = self._last_full - started
        self._size_at_last_full = size_before
        self._size_after_full = resident_bytes()
        self.full_rounds += 1
        log.debug(
            "idle full collection: %d unreachable, %.1f ms",
            found,
            1000 * self._last_full_seconds,
        )

    def _expected_full_seconds(self) -> float:
        now = resident_bytes()
        if now is None:
            return float("inf")  # no way to tell: wait for a quiet moment
        if self._last_full_seconds is None or not self._size_at_last_full:
            return now * _FULL_SECONDS_PER_BYTE
        return self._last_full_seconds * now / self._size_at_last_full

    def _full_is_due(self) -> bool:
        since = time.monotonic() - self._last_full
        if self._last_full_seconds is not None and since < self._last_full_seconds / FULL_SHARE:
            return False
        now, before = resident_bytes(), self._size_after_full
        if now is None or before is None:
            return since >= 60.0  # no way to tell growth: once a minute
        return now - before >= max(FULL_GROWTH_BYTES, before // 4)

    def cancel(self) -> None:
        for handle in (self._handle, self._full_handle):
            if handle is not None:
                handle.cancel()
        self._handle = self._full_handle = None
