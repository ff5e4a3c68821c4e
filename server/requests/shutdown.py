"""``shutdown``: stop the idle collector and the checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..server import SpmdServer


def shutdown(ls: SpmdServer, params: None) -> None:
    ls.collector.cancel()
    ls.scheduler.shutdown()
