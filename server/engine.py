"""The checker behind the server: one ``Checker`` per distinct Config, called off the loop.

The seam is ``spmd_check.api``: a ``CheckerFactory`` builds a ``Checker`` from a Config, the
Workspace every checker shares (the editor's unsaved buffers, which checks of importing
modules read) and a bound on its parse cache; the server uses nothing of the checker but
that interface. The factory is ``spmd_check.analysis.Analyzer`` unless
``SPMD_LSP_ANALYZER=module:attr`` names another: the protocol tests run the server over a
scripted one.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from spmd_check.api import CacheStats, Checker, CheckerFactory
from spmd_check.config import Config
from spmd_check.repair import verify_fixes
from spmd_check.results import Diagnostic, ModuleResult
from spmd_check.workspace import Workspace

from .scheduler import Superseded

log = logging.getLogger(__name__)

ENV_ANALYZER = "SPMD_LSP_ANALYZER"

# The checker's parse cache keeps 5,000 parsed statements by default, whatever their size,
# and every keystroke adds a few (the edited statement, its error-recovery variants): in an
# editor session that is hundreds of MiB (tests/reliability/test_rel_memory.py). The server
# keeps fewer; the statements of the document being edited are used on every check, so they
# stay (LRU).
PARSE_CACHE_ENTRIES = 3000

# Checkers for this many distinct configurations at most (then they are all dropped).
_MAX_CHECKERS = 16


def load_factory(spec: str | None = None) -> CheckerFactory:
    """The checker: ``spec`` (``module:attr``), ``$SPMD_LSP_ANALYZER``, or the checker's own."""
    spec = spec or os.environ.get(ENV_ANALYZER)
    if spec:
        module_name, _, attr = spec.partition(":")
        factory: CheckerFactory = getattr(importlib.import_module(module_name), attr or "Analyzer")
        return factory
    from spmd_check.analysis import Analyzer

    analyzer: CheckerFactory = Analyzer  # mypy checks here that Analyzer is a Checker
    return analyzer


@dataclass
class Checked:
    """What the worker produced for one job."""

    result: ModuleResult
    config: Config | None
    problems: list[str] = field(default_factory=list)
    lines: Sequence[str] = field(default_factory=list)
    failed: bool = False


class Engine:
    """The checkers (one per Config) over one shared Workspace."""

    def __init__(self, factory: CheckerFactory | None = None, disk_trust: float = 0.0) -> None:
        self._factory = factory
        self._load_error: str | None = None
        self._checkers: dict[Config, Checker] = {}
        self._lock = threading.Lock()
        # one look at the disk serves the checks of ``disk_trust`` seconds (Workspace.moment)
        self._workspace = Workspace(trust_seconds=disk_trust)

    @property
    def workspace(self) -> Workspace:
        """The workspace the checkers read (the open documents' text first, then disk)."""
        return self._workspace

    def _all(self) -> list[Checker]:
        with self._lock:
            return list(self._checkers.values())

    def set_document(self, path: str, text: str | None) -> None:
        """An open document's text (None: closed), for the checks of the modules importing it."""
        self._workspace.set_document(path, text)
        if text is None:
            self.forget(path)

    def forget(self, path: str) -> None:
        """Nothing is kept for a next check of this file (nobody has it open)."""
        for checker in self._all():
            checker.forget(path)

    def dependents(self, path: str) -> set[str]:
        """Files whose last check used this file (directly or through other imports)."""
        found: set[str] = set()
        for checker in self._all():
            try:
                found.update(checker.dependents(path))
            except Exception:
                log.exception("dependents(%s) failed", path)
        found.discard(path)
        return found

    def prepare(self, path: str, stop: Callable[[], bool]) -> None:
        """Work ahead for an open document's next check (``Checker.prepare``), off the
        event loop while the server is idle."""
        for checker in self._all():
            try:
                checker.prepare(path, stop)
            except Exception:
                log.exception("prepare(%s) failed", path)

    def release(self) -> None:
        """Free what the last checks left to free (``Checker.release``), off the event
        loop while the server is idle."""
        for checker in self._all():
            try:
                checker.release()
            except Exception:
                log.exception("release failed")

    def cache_stats(self) -> list[CacheStats]:
        """What each checker keeps (for ``spmd/stats``)."""
        return [checker.cache_stats() for checker in self._all()]

    def preload(self) -> None:
        """Import the checker ahead of the first check (it takes a while)."""
        with self._lock:
            if self._factory is not None or self._load_error is not None:
                return
        self._checker(Config())

    @property
    def load_error(self) -> str | None:
        return self._load_error

    def _checker(self, config: Config) -> Checker | None:
        with self._lock:
            if self._factory is None and self._load_error is None:
                try:
                    self._factory = load_factory()
                except Exception as error:  # the checker is missing or broken
                    self._load_error = (
                        f"spmd-lsp: cannot load the checker ({type(error).__name__}: {error})"
                    )
                    log.exception("cannot load the checker")
            if self._factory is None:
                return None
            checker = self._checkers.get(config)
            if checker is None:
                if len(self._checkers) > _MAX_CHECKERS:
                    self._checkers.clear()
                checker = self._factory(config, self._workspace, PARSE_CACHE_ENTRIES)
                self._checkers[config] = checker
            return checker

    def verify(
        self,
        path: str,
        source: str,
        config: Config | None,
        diagnostic: Diagnostic,
        baseline: ModuleResult,
    ) -> Diagnostic:
        """The diagnostic with only the fixes that leave the code correct
        (``spmd_check.repair.verify_fixes``: each fix applied to ``source`` and checked
        again); with none when they cannot be checked. ``baseline`` is the result for
        ``source``. On the worker thread only (``Scheduler.exclusive``)."""
        if not diagnostic.fixes:
            return diagnostic
        try:
            checker = self._checker(config if config is not None else Config())
            if checker is None:
                return replace(diagnostic, fixes=())
            return verify_fixes(
                checker, path, source, diagnostic, baseline=baseline
            ).verified_diagnostic
        except Exception:
            log.exception("verifying the fixes of %s on %s failed", diagnostic.code, path)
            return replace(diagnostic, fixes=())

    def check(
        self, path: str, source: str, config: Config, cancelled: Callable[[], bool] | None = None
    ) -> tuple[ModuleResult, bool]:
        """Analyse one text. The flag is False when the checker failed. Raises ``Superseded``
        (only) when ``cancelled`` said so and the checker stopped."""
        try:
            checker = self._checker(config)
            if checker is None:
                return ModuleResult(path), False
            result = checker.check(path, source, cancelled=cancelled)
        except Exception:
            # The checker raises (only) its Cancelled once ``cancelled`` returned True; the
            # interface does not name that class, and needs not: whatever a check nobody
            # wants any more raised, its result would have been dropped.
            if cancelled is not None and cancelled():
                raise Superseded() from None
            log.exception("the checker failed on %s", path)
            return ModuleResult(path), False
        return result, True
