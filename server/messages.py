"""Warnings for the user (``window/showMessage``): each shown once, and those raised before the
client finished initializing held until it has (a message sent earlier may be dropped)."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


class Warnings:
    def __init__(self, show: Callable[[str], None]) -> None:
        self._show = show
        self._shown: set[str] = set()
        self._held: list[str] | None = []  # None once the client is initialized

    def warn(self, message: str) -> None:
        if message in self._shown:
            return
        self._shown.add(message)
        log.warning("%s", message)
        if self._held is not None:
            self._held.append(message)
        else:
            self._show(message)

    def client_initialized(self) -> None:
        """Show what was held, and from now on show at once."""
        held, self._held = self._held or [], None
        for message in held:
            self._show(message)
