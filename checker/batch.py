"""The files of one ``spmd-check`` run through the on-disk cache and the checker.

``Batch.run`` takes the files' tasks and gives their results in the same order: a result
from the cache when its entry is current, else a fresh check (in this process, or in
worker processes), stored for the next run. Whatever it does, the results are those of a
check of each file in this process (see DESIGN.md, "The on-disk cache and parallel
checks"); the command line does everything after this as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import parallel
from .analysis import Analyzer
from .config import Config
from .dependencies import Validator
from .diskcache import DiskCache, EntryKey
from .parallel import CheckTask
from .results import ModuleResult
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
            analyzer = self._analyzers[config] = Analyzer(config)
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
        return self.analyzer(task.config).check(task.path, task.source)
