"""The checker as a service: the interface the language server (and its test fake) uses.

The server talks to the checker only through ``Checker``; ``Analyzer`` implements it, and
so does the scripted analyzer of the protocol tests. A ``CheckerFactory`` builds one
checker per distinct configuration, all sharing one ``Workspace`` (the editor's unsaved
buffers, which every check of an importing module reads).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .config import Config
    from .results import ModuleResult
    from .workspace import Workspace


@dataclass(frozen=True)
class CacheStats:
    """Entries a checker keeps: parsed statements, loaded workspace modules, cached
    analyses of functions, calls into loaded modules kept across checks, and calls of the
    open files' own code kept for their next checks."""

    parsed: int
    modules: int
    journals: int
    kept_calls: int = 0
    own_calls: int = 0


class Checker(Protocol):
    def check(
        self, path: str, source: str, *, cancelled: Callable[[], bool] | None = None
    ) -> ModuleResult:
        """Check one module's text. Raises ``Cancelled`` (only) when ``cancelled`` returned
        True; never raises on user input."""
        ...

    def dependents(self, path: str) -> set[str]:
        """Checked files whose last check used this file (directly or through imports)."""
        ...

    def forget(self, path: str) -> None:
        """Drop what is cached for the next check of a document nobody has open (closed,
        or checked by the workspace scan)."""
        ...

    def cache_stats(self) -> CacheStats: ...

    def prepare(self, path: str, stop: Callable[[], bool]) -> None:
        """Work ahead for the next check of an open document, while the server is idle
        (it may do nothing); stop as soon as ``stop`` returns True."""
        ...

    def release(self) -> None:
        """Free, while the server is idle, what the last check left to free (it may do
        nothing; what is not released is freed by the next check)."""
        ...


CheckerFactory = Callable[["Config", "Workspace", int], Checker]
"""Builds a checker for a configuration, over a shared workspace, with a bound on the
number of parsed statements it keeps."""


def tune_garbage_collector() -> None:
    """Collect cycles less often. A check allocates hundreds of thousands of small objects
    and keeps most of them (parsed statements, cached analyses): with the default
    thresholds, full collections over that long-lived heap were most of a keystroke's p95.
    Nothing the checker keeps depends on prompt cycle collection."""
    gc.set_threshold(50_000, 20, 20)
