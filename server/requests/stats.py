"""``spmd/stats``: counters for tests and for diagnosing a slow or large server."""

from __future__ import annotations

import dataclasses
import gc
from typing import TYPE_CHECKING, Any

from spmd_check import memo

from ..memory import resident_bytes
from ..protocol import SpmdProtocol

if TYPE_CHECKING:
    from ..server import SpmdServer

METHOD = "spmd/stats"


def stats(ls: SpmdServer, params: Any) -> dict[str, Any]:
    return {
        "documents": len(list(ls.documents)),
        "stopped": ls.scheduler.stopped,
        "elsewhere": ls.crossfile.summary(),
        "rss": resident_bytes(),
        "caches": [dataclasses.asdict(stats) for stats in ls.engine.cache_stats()],
        "frozen": gc.get_freeze_count(),
        "memos": memo.sizes(),
        "collections": {"idle": ls.collector.rounds, "full": ls.collector.full_rounds},
        "filed_handlers": (
            ls.protocol.filed_handlers() if isinstance(ls.protocol, SpmdProtocol) else None
        ),
    }
