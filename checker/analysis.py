"""The public entry point: check one module's source text.

``Analyzer`` keeps the parsed units of every text it has seen (keyed by
content), so re-checking after an edit reparses only what changed.
Analysis never raises on user input: a syntax error is a diagnostic, and an
internal failure is an ``spmd-internal`` diagnostic with what to report.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from typing import Any

from .codes import Severity
from .config import Config
from .frontend import UnitCache, split_units
from .infer import Interpreter, Journal
from .results import Diagnostic, ModuleResult, Span

log = logging.getLogger(__name__)

_IGNORE = re.compile(r"#\s*spmd:\s*ignore(?:\[([^\]]*)\])?")


def ignored_codes(line: str) -> set[str] | None:
    """Codes a ``# spmd: ignore[code, ...]`` comment silences on its line; an empty set
    silences every code; None: no such comment."""
    match = _IGNORE.search(line)
    if match is None:
        return None
    if match.group(1) is None:
        return set()
    return {c.strip() for c in match.group(1).split(",") if c.strip()}


def _honour_ignores(diagnostics: list[Diagnostic], lines: list[str]) -> list[Diagnostic]:
    kept = []
    for d in diagnostics:
        line = lines[d.span.line] if d.span.line < len(lines) else ""
        if "spmd:" in line:
            codes = ignored_codes(line)
            if codes is not None and (not codes or d.code in codes):
                continue
        kept.append(d)
    return kept


class Analyzer:
    """Checks modules; thread-safe, with a parse cache shared across calls."""

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self._cache = UnitCache()
        self._lock = threading.Lock()
        # standalone function analyses by what they depend on, per path (see DESIGN.md)
        self._journals: dict[str, dict[Any, Journal]] = {}
        self.last_reused = 0

    def forget(self, path: str) -> None:
        """Drop what is cached for a document that was closed."""
        with self._lock:
            self._journals.pop(path, None)

    def check(self, path: str, source: str, package: str | None = None) -> ModuleResult:
        with self._lock:
            units = split_units(source, self._cache)
        result = ModuleResult(path)
        try:
            with self._lock:
                journals = self._journals.setdefault(path, {})
            previous = dict(journals)
            interpreter = Interpreter(path, units, self.config, package, cache=previous)
            interpreter.run()
            self.last_reused = interpreter.reused
            # keep only what this version used or made: the cache tracks the latest text
            with self._lock:
                self._journals[path] = {k: v for k, v in interpreter.cache.items() if k in interpreter.used_keys}
        except Exception as error:  # a bug in the checker must not cost the user their session
            log.exception("internal error while checking %s", path)
            frame = traceback.extract_tb(error.__traceback__)[-1]
            result.diagnostics.append(
                Diagnostic(
                    Span(0, 0, 0, 0),
                    "spmd-internal",
                    f"The checker failed on this file ({type(error).__name__}: {error} at "
                    f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}). Please report it with the "
                    f"file, or the smallest part of it that shows the failure.",
                    Severity.INFORMATION,
                )
            )
            return result
        lines = source.splitlines()
        diagnostics = sorted(interpreter.diagnostics.values(), key=lambda d: (_order(d.span), d.code))
        result.diagnostics = _honour_ignores(diagnostics, lines)
        result.reveals = sorted(interpreter.reveals.values(), key=lambda r: _order(r.span))
        result.facts = sorted(interpreter.facts.values(), key=lambda f: _order(f.span))
        result.collectives = sorted(interpreter.collective_facts.values(), key=lambda c: _order(c.span))
        return result


def _order(span: Span) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


def check_source(source: str, path: str = "<string>", config: Config | None = None) -> ModuleResult:
    """Check one module's text (a fresh Analyzer: no cache across calls)."""
    return Analyzer(config).check(path, source)
