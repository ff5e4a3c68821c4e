"""The checker behind the server: one ``Analyzer`` per distinct Config, called off the loop.

``SPMD_LSP_ANALYZER=module:attr`` replaces ``spmd_check.analysis.Analyzer``
with any callable ``(Config) -> object with check(path, source)``: the
protocol tests use it to run the server over a scripted analyzer.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from spmd_check.config import Config
from spmd_check.results import ModuleResult

log = logging.getLogger(__name__)

ENV_ANALYZER = "SPMD_LSP_ANALYZER"


class AnalyzerLike(Protocol):
    def check(self, path: str, source: str) -> ModuleResult: ...


AnalyzerFactory = Callable[[Config], AnalyzerLike]


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
    lines: list[str] = field(default_factory=list)
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

    @property
    def load_error(self) -> str | None:
        return self._load_error

    def _analyzer(self, config: Config) -> AnalyzerLike | None:
        with self._lock:
            if self._factory is None and self._load_error is None:
                try:
                    self._factory = load_factory()
                except Exception as error:  # the checker is missing or broken
                    self._load_error = f"spmd-lsp: cannot load the checker ({type(error).__name__}: {error})"
                    log.exception("cannot load the checker")
            if self._factory is None:
                return None
            analyzer = self._analyzers.get(config)
            if analyzer is None:
                if len(self._analyzers) > 16:
                    self._analyzers.clear()
                analyzer = self._analyzers[config] = self._create(config)
            return analyzer

    def check(self, path: str, source: str, config: Config) -> tuple[ModuleResult, bool]:
        """Analyse one text; never raises. The flag is False when the checker failed."""
        try:
            analyzer = self._analyzer(config)
            if analyzer is None:
                return ModuleResult(path), False
            result = analyzer.check(path, source)
        except Exception:
            log.exception("the checker failed on %s", path)
            return ModuleResult(path), False
        if config.ignore:
            kept = [d for d in result.diagnostics if d.code not in config.ignore]
            if len(kept) != len(result.diagnostics):
                result = copy.copy(result)  # never mutate what the checker may cache
                result.diagnostics = kept
        return result, True
