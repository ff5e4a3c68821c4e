"""Garbage collection off the typing path.

A check of a large module allocates hundreds of thousands of objects that live
on (parsed units, journals, hover facts), so CPython's automatic full
collections walk the whole heap: 150-250 ms pauses every few keystrokes on a
10,000-line file (measured with ``bench/run.py``). Instead, once the
server has been idle for a moment after a check, the objects that survived are
collected and then *frozen* (``gc.freeze``): the automatic collections that
follow only walk what was allocated since, which is small. Frozen objects that
die later are still freed by reference counting; the few that die in cycles
are reclaimed by a full collection (unfreeze, collect, freeze) at an idle
moment at most every ``full_every`` seconds. While the user types without a
pause, the raised thresholds of ``spmd_check.api.tune_garbage_collector`` keep
the automatic collections rare.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class IdleCollector:
    def __init__(
        self, busy: Callable[[], bool], idle: float = 0.2, full_every: float = 60.0
    ) -> None:
        self._busy = busy  # whether analysis is queued or running
        self.idle = idle
        self.full_every = full_every
        self._handle: asyncio.TimerHandle | None = None
        self._last_full = time.monotonic()
        self.rounds = 0

    def touch(self) -> None:
        """Something happened (a check finished): collect once things have been quiet for ``idle``."""
        if self._handle is not None:
            self._handle.cancel()
        self._handle = asyncio.get_running_loop().call_later(self.idle, self._collect)

    def _collect(self) -> None:
        self._handle = None
        if self._busy():
            self.touch()
            return
        started = time.monotonic()
        full = started - self._last_full >= self.full_every
        if full:
            gc.unfreeze()
            self._last_full = started
        found = gc.collect()
        gc.freeze()
        self.rounds += 1
        log.debug(
            "idle %s collection: %d unreachable, %d frozen, %.1f ms",
            "full" if full else "young",
            found,
            gc.get_freeze_count(),
            1000 * (time.monotonic() - started),
        )

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
