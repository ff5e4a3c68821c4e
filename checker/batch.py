"""The files of one ``spmd-check`` run through the on-disk cache and the checker.

``Batch.run`` takes the files' tasks and gives their results in the same order: a result
from the cache when its entry is current, else a fresh check (in this process, or in
worker processes), stored for the next run. ``Batch.verified`` verifies a file's fixes
(``repair.verify_fixes``), or takes the diagnostics of the same verification from the
cache: it re-checks edited texts, most of a warm run's work otherwise. Whatever they do,
the results are those of checks in this process without a cache (see DESIGN.md, "The
on-disk cache and parallel checks"); the command line does everything else as before.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from . import parallel
from .analysis import Analyzer
from .config import Config
from .dependencies import Dependencies, Validator, text_digest
from .diskcache import DiskCache, EntryKey, keeps
from .parallel import CheckTask
from .repair import verify_fixes
from .results import Diagnostic, ModuleResult
from .serialize import dump_diagnostic
from .workspace import Workspace


class Batch:
    """One run's checks. ``cache`` None: nothing is read or kept; ``jobs`` None: as many
    worker processes as cores and the work warrant (``parallel.workers_for``)."""

    def __init__(self, cache: DiskCache | None, jobs: int | None) -> None:
        self.cache = cache
        self.jobs = jobs
        self.checked: list[str] = []  # the paths this run checked (not taken from the cache)
        self._analyzers: dict[Config, Analyzer] = {}

    def analyzer(self, config: Config) -> Analyzer:
        """This process's analyzer for a configuration (the checks run here use it; so do
        fix verification and ``--fix``)."""
        analyzer = self._analyzers.get(config)
        if analyzer is None:
            analyzer = self._analyzers[config] = Analyzer(config, hover_facts=False)
        return analyzer

    def run(self, tasks: Sequence[CheckTask]) -> list[ModuleResult]:
        """Each task's result, in the tasks' order."""
        cache = self.cache
        results: list[ModuleResult | None] = [None] * len(tasks)
        keys: list[EntryKey] = []
        if cache is not None:
            validator = Validator(Workspace())  # reads each dependency once in this run
            keys = [EntryKey.of(t.path, t.source, t.config) for t in tasks]
            results = [cache.load(key, validator) for key in keys]
        missing = [p for p, r in enumerate(results) if r is None]
        to_check = [tasks[p] for p in missing]
        fresh = parallel.check_all(
            to_check, parallel.workers_for(to_check, self.jobs), self._check_here
        )
        for position, result in zip(missing, fresh, strict=True):
            results[position] = result
            if cache is not None:
                cache.store(keys[position], result)
        if cache is not None and cache.stored:
            cache.prune()
        self.checked = [t.path for t in to_check]
        return [r for r in results if r is not None]

    def _check_here(self, task: CheckTask) -> ModuleResult:
        analyzer = self.analyzer(task.config)
        result = analyzer.check(task.path, task.source)
        if not any(d.fixes for d in result.diagnostics):
            # nothing checks it again (only fix verification does): what a next check of it
            # would reuse is garbage to collect, and keeping every file's made each
            # collection walk it all
            analyzer.forget(task.path)
        return result

    def verified(
        self, task: CheckTask, baseline: ModuleResult, diagnostics: Sequence[Diagnostic]
    ) -> list[Diagnostic]:
        """The diagnostics with only the fixes that re-checking shows leave the code correct,
        verified against ``baseline`` (the file's result as the run shows it); from the cache
        when the same verification is stored and what its checks used still reads the same
        (read now: ``--fix`` may have changed files since the run's checks)."""
        cache = self.cache
        key: EntryKey | None = None
        if cache is not None:
            purpose = _verification(baseline, diagnostics)
            key = EntryKey.of(task.path, task.source, task.config, purpose)
            stored = cache.load(key, Validator(Workspace()))
            if stored is not None:
                return stored.diagnostics
        recorder = _Recorder(self.analyzer(task.config))
        verified = [
            verify_fixes(recorder, task.path, task.source, d, baseline=baseline).verified_diagnostic
            if d.fixes
            else d
            for d in diagnostics
        ]
        if cache is not None and key is not None and recorder.dependencies is not None:
            cache.store(key, ModuleResult(task.path, verified, dependencies=recorder.dependencies))
        return verified


def _verification(baseline: ModuleResult, diagnostics: Sequence[Diagnostic]) -> str:
    """What a verification's outcome depends on besides the file's text and the checks it
    runs: the diagnostics verified, and what the baseline reports (a fix must not add an
    error it does not have), as one digest."""
    inputs = {
        "verify": [dump_diagnostic(d) for d in diagnostics],
        "baseline": [dump_diagnostic(d) for d in baseline.diagnostics],
        "elsewhere": [
            [path, [dump_diagnostic(d) for d in found]]
            for path, found in baseline.elsewhere.items()
        ],
    }
    return "verified " + text_digest(json.dumps(inputs, sort_keys=True))


class _Recorder:
    """An analyzer that remembers what the checks made through it depended on (None when
    one of them may not be kept: its verdict depends on more than its inputs)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.dependencies: Dependencies | None = Dependencies()

    def check(self, path: str, source: str) -> ModuleResult:
        result = self.analyzer.check(path, source)
        if self.dependencies is not None:
            if keeps(result) and result.dependencies is not None:
                self.dependencies = self.dependencies.union(result.dependencies)
            else:
                self.dependencies = None
        return result
