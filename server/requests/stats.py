"""``spmd/stats``: counters for tests and for diagnosing a slow or large server."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..server import SpmdServer

METHOD = "spmd/stats"


def _resident_bytes() -> int | None:
    with (
        contextlib.suppress(OSError, ValueError, IndexError),
        open("/proc/self/status", encoding="ascii") as handle,
    ):
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return None


def stats(ls: SpmdServer, params: Any) -> dict[str, Any]:
    return {
        "documents": len(list(ls.documents)),
        "stopped": ls.scheduler.stopped,
        "elsewhere": ls.crossfile.summary(),
        "rss": _resident_bytes(),
        "caches": [dataclasses.asdict(stats) for stats in ls.engine.cache_stats()],
        "frozen": gc.get_freeze_count(),
    }
