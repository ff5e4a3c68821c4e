"""The checker behind the server: one ``Analyzer`` per distinct Config, called off the loop.

``SPMD_LSP_ANALYZER=module:attr`` replaces ``spmd_check.analysis.Analyzer``
with any callable ``(Config) -> object with check(path, source)``: the
protocol tests use it to run the server over a scripted analyzer.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from spmd_check.config import Config
from spmd_check.results import ModuleResult

from .scheduler import Superseded

log = logging.getLogger(__name__)

ENV_ANALYZER = "SPMD_LSP_ANALYZER"


class AnalyzerLike(Protocol):
    def check(self, path: str, source: str) -> ModuleResult: ...


AnalyzerFactory = Callable[[Config], AnalyzerLike]

_ACCEPTS_CANCELLED: dict[type, bool] = {}

# The checker's parse cache keeps up to 5,000 parsed statements by text, whatever their size,
# and every keystroke adds a few (the edited statement, its error-recovery variants): in an
# editor session that is hundreds of MiB (tests/reliability/test_rel_memory.py). The server
# keeps fewer; the statements of the document being edited are used on every check, so they
# stay (LRU).
PARSE_CACHE_ENTRIES = 3000


def _bound_parse_cache(analyzer: object) -> None:
    cache = getattr(analyzer, "_cache", None)
    if cache is not None and isinstance(getattr(cache, "capacity", None), int):
        cache.capacity = min(cache.capacity, PARSE_CACHE_ENTRIES)


def _accepts_cancelled(analyzer: object) -> bool:
    """Whether the analyzer's ``check`` takes ``cancelled=`` (the checker's does)."""
    kind = type(analyzer)
    if kind not in _ACCEPTS_CANCELLED:
        try:
            _ACCEPTS_CANCELLED[kind] = "cancelled" in inspect.signature(analyzer.check).parameters  # type: ignore[attr-defined]
        except (TypeError, ValueError, AttributeError):
            _ACCEPTS_CANCELLED[kind] = False
    return _ACCEPTS_CANCELLED[kind]


def load_factory(spec: str | None = None) -> AnalyzerFactory:
    """The analyzer class: ``spec`` (``module:attr``), ``$SPMD_LSP_ANALYZER``, or the checker's."""
    spec = spec or os.environ.get(ENV_ANALYZER)
    if spec:
        module_name, _, attr = spec.partition(":")
        factory: AnalyzerFactory = getattr(importlib.import_module(module_name), attr or "Analyzer")
        return factory
    from spmd_check.analysis import Analyzer

    checker: AnalyzerFactory = Analyzer
    return checker


@dataclass
class Checked:
    """What the worker produced for one job."""

    result: ModuleResult
    config: Config | None
    problems: list[str] = field(default_factory=list)
    lines: Sequence[str] = field(default_factory=list)
    failed: bool = False


class Engine:
    """The analyzers (one per Config) and, when the checker has one, the shared Workspace that
    lets a check see the editor's unsaved text of the modules it imports."""

    def __init__(self, factory: AnalyzerFactory | None = None) -> None:
        self._factory = factory
        self._load_error: str | None = None
        self._analyzers: dict[Config, AnalyzerLike] = {}
        self._lock = threading.Lock()
        self._workspace: Any = None
        self._open: dict[str, str] = {}

    def set_document(self, path: str, text: str | None) -> None:
        """An open document's text (None: closed), for the checks of the modules importing it."""
        with self._lock:
            if text is None:
                self._open.pop(path, None)
            else:
                self._open[path] = text
            workspace = self._workspace
            analyzers = list(self._analyzers.values())
        if workspace is not None:
            workspace.set_document(path, text)
        if text is None:
            for analyzer in analyzers:
                forget = getattr(analyzer, "forget", None)
                if callable(forget):
                    forget(path)

    def dependents(self, path: str) -> set[str]:
        """Files whose last check used this file (directly or through other imports)."""
        with self._lock:
            analyzers = list(self._analyzers.values())
        found: set[str] = set()
        for analyzer in analyzers:
            method = getattr(analyzer, "dependents", None)
            if callable(method):
                try:
                    found.update(method(path))
                except Exception:
                    log.exception("dependents(%s) failed", path)
        found.discard(path)
        return found

    def _create(self, config: Config) -> AnalyzerLike:
        analyzer = self._create_analyzer(config)
        _bound_parse_cache(analyzer)
        return analyzer

    def _create_analyzer(self, config: Config) -> AnalyzerLike:
        assert self._factory is not None
        try:
            accepts_workspace = "workspace" in inspect.signature(self._factory).parameters
        except (TypeError, ValueError):
            accepts_workspace = False
        if not accepts_workspace:
            return self._factory(config)
        if self._workspace is None:
            from spmd_check.workspace import Workspace

            self._workspace = Workspace()
            for path, text in self._open.items():
                self._workspace.set_document(path, text)
        return self._factory(config, workspace=self._workspace)  # type: ignore[call-arg]

    def cache_sizes(self) -> list[dict[str, int]]:
        """What each analyzer keeps (for ``spmd/stats``): entries of the checker's caches."""
        with self._lock:
            analyzers = list(self._analyzers.values())
        sizes = []
        for analyzer in analyzers:
            cache = getattr(analyzer, "_cache", None)
            sizes.append(
                {
                    "parsed": len(getattr(cache, "_trees", ())),
                    "modules": len(getattr(analyzer, "_modules", ())),
                    "journals": sum(len(j) for j in getattr(analyzer, "_journals", {}).values()),
                }
            )
        return sizes

    def preload(self) -> None:
        """Import the checker ahead of the first check (it takes a while)."""
        with self._lock:
            if self._factory is not None or self._load_error is not None:
                return
        self._analyzer(Config())

    @property
    def load_error(self) -> str | None:
        return self._load_error

    def _analyzer(self, config: Config) -> AnalyzerLike | None:
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
            analyzer = self._analyzers.get(config)
            if analyzer is None:
                if len(self._analyzers) > 16:
                    self._analyzers.clear()
                analyzer = self._analyzers[config] = self._create(config)
            return analyzer

    def check(
        self, path: str, source: str, config: Config, cancelled: Callable[[], bool] | None = None
    ) -> tuple[ModuleResult, bool]:
        """Analyse one text. The flag is False when the checker failed. Raises ``Superseded``
        (only) when ``cancelled`` said so and the checker stopped."""
        try:
            analyzer = self._analyzer(config)
            if analyzer is None:
                return ModuleResult(path), False
            if cancelled is not None and _accepts_cancelled(analyzer):
                result = analyzer.check(path, source, cancelled=cancelled)  # type: ignore[call-arg]
            else:
                result = analyzer.check(path, source)
        except Exception as error:
            if type(error).__name__ == "Cancelled" and cancelled is not None and cancelled():
                raise Superseded() from None
            log.exception("the checker failed on %s", path)
            return ModuleResult(path), False
        return result, True
