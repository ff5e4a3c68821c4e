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

Frozen objects that die later are still freed by reference counting; the few
that die in cycles are reclaimed by a full collection (unfreeze, collect,
freeze). That walks the whole heap (seconds after a large scan, blocking the
event loop), so it runs only when it can pay: the resident size grew by a
quarter (and at least ``FULL_GROWTH_BYTES``) since the last one, at most every
``full_every`` seconds, and only after a longer quiet (``full_idle``).
Nothing here counts the frozen objects: ``gc.get_freeze_count`` walks them all
(a quarter of a second after a large scan).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


FULL_GROWTH_BYTES = 64 << 20


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
        full_every: float = 60.0,
        full_idle: float = 2.0,
    ) -> None:
        self._busy = busy  # whether analysis is queued or running
        # whether analysis other than the background scan is: a young collection runs between
        # the scan's files too (it walks one file's allocations), so the scan's garbage does
        # not pile up into one long collection after it
        self._urgent = urgent or busy
        self.idle = idle
        self.full_every = full_every
        self.full_idle = full_idle
        self._handle: asyncio.TimerHandle | None = None
        self._full_handle: asyncio.TimerHandle | None = None
        self._last_full = time.monotonic()
        self._size_after_full = resident_bytes()
        self.rounds = 0

    def touch(self) -> None:
        """Something happened (a check finished): a young collection ``idle`` after it (not
        postponed by the next check: the scan's checks finish every few tenths of a second,
        and a young collection is short), a full one once things have been quiet for
        ``full_idle``."""
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
        started = time.monotonic()
        found = gc.collect()
        gc.freeze()
        self.rounds += 1
        log.debug(
            "idle collection: %d unreachable, %.1f ms", found, 1000 * (time.monotonic() - started)
        )

    def _collect_all(self) -> None:
        self._full_handle = None
        if self._busy() or not self._full_is_due():
            return
        started = time.monotonic()
        gc.unfreeze()
        found = gc.collect()
        gc.freeze()
        self._last_full = time.monotonic()
        self._size_after_full = resident_bytes()
        log.debug(
            "idle full collection: %d unreachable, %.1f ms",
            found,
            1000 * (self._last_full - started),
        )

    def _full_is_due(self) -> bool:
        if time.monotonic() - self._last_full < self.full_every:
            return False
        now, before = resident_bytes(), self._size_after_full
        if now is None or before is None:
            return True  # no way to tell growth: fall back to the period alone
        return now - before >= max(FULL_GROWTH_BYTES, before // 4)

    def cancel(self) -> None:
        for handle in (self._handle, self._full_handle):
            if handle is not None:
                handle.cancel()
        self._handle = self._full_handle = None
