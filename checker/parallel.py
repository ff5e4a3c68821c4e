"""Checks in worker processes (``spmd-check --jobs N``), with the output of one process.

The files are split before anything runs (``split``: longest first, each to the worker
with the fewest lines so far), so the split depends only on the files. No worker is a fork
of this process: each is spawned (a fresh interpreter that imports ``spmd_check`` only,
never torch, whatever this process imported), has its own ``Analyzer`` per configuration,
and sends each result back as ``serialize`` data as soon as it has it. Results go back
into the tasks' order. A file's result does not depend on which files its analyzer
checked before it, so the results are those of one process checking every file.

A worker that dies costs its file in flight an ``spmd-internal`` note that says so; the
files it had not reached are checked in this process. One that dies before it starts
(its interpreter could not import the checker) costs nothing: all its files are checked
here.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from . import codes
from .analysis import Analyzer
from .api import tune_garbage_collector
from .codes import Severity
from .config import Config
from .results import Diagnostic, ModuleResult, Span
from .serialize import Data, FormatError, dump_result, load_result

log = logging.getLogger(__name__)

LINES_PER_WORKER = 2000
"""With ``--jobs`` not given, no more workers than one per this many lines to check: a
worker costs about 0.15 CPU-s to start (an interpreter, and the checker's import), and
runs the module level of the modules its files import again; the check of 2,000 lines
costs several times that."""


@dataclass(frozen=True)
class Started:
    """A worker's first message: it imported the checker and is checking its files."""


@dataclass(frozen=True)
class Finished:
    """A worker's result for the task at ``position`` (data None: it could not be sent)."""

    position: int
    data: Data | None


@dataclass(frozen=True)
class CheckTask:
    """One file to check: its path as the checker sees it, its text, the configuration of
    the analyzer that checks it."""

    path: str
    source: str
    config: Config

    @property
    def lines(self) -> int:
        return self.source.count("\n") + 1


def workers_for(tasks: Sequence[CheckTask], jobs: int | None) -> int:
    """How many worker processes check these tasks: ``jobs`` at most (None: one per core,
    and one per ``LINES_PER_WORKER`` lines), never more than the tasks; 1 means none (the
    tasks are checked in this process)."""
    if jobs is None:
        lines = sum(t.lines for t in tasks)
        jobs = min(os.cpu_count() or 1, max(1, lines // LINES_PER_WORKER))
    return max(1, min(jobs, len(tasks)))


def split(tasks: Sequence[CheckTask], workers: int) -> list[list[int]]:
    """The tasks' positions per worker: longest first, each to the worker with the fewest
    lines so far (ties: the lower worker number); each worker's list in task order."""
    load = [0] * workers
    shares: list[list[int]] = [[] for _ in range(workers)]
    for position in sorted(range(len(tasks)), key=lambda p: (-tasks[p].lines, p)):
        worker = min(range(workers), key=lambda w: (load[w], w))
        load[worker] += tasks[position].lines
        shares[worker].append(position)
    return [sorted(share) for share in shares]


def stopped(path: str, how: str) -> ModuleResult:
    """The result of a file whose worker died while checking it."""
    return ModuleResult(
        path,
        diagnostics=[
            Diagnostic(
                Span(0, 0, 0, 0),
                codes.INTERNAL.name,
                codes.INTERNAL_WORKER_STOPPED.format(how=how),
                Severity.INFORMATION,
            )
        ],
    )


Serve = Callable[[Connection, list[tuple[int, CheckTask]]], None]
"""A worker process's main function (``serve``; the tests give one that dies)."""


def check_all(
    tasks: Sequence[CheckTask],
    workers: int,
    check_here: Callable[[CheckTask], ModuleResult],
    worker_main: Serve | None = None,
) -> list[ModuleResult]:
    """Every task's result, in the tasks' order: with ``workers`` <= 1 by ``check_here``
    (in this process), else in that many worker processes running ``worker_main``
    (default ``serve``; ``check_here`` checks what a worker that died had not reached)."""
    if workers <= 1 or len(tasks) <= 1:
        return [check_here(task) for task in tasks]
    results: list[ModuleResult | None] = [None] * len(tasks)
    left_over: list[int] = []
    # spawned: a fresh interpreter that imports the checker only (a fork would inherit
    # whatever this process imported), and a child of this process, so its time counts as
    # this run's (a fork server's children are the server's)
    context = multiprocessing.get_context("spawn")
    running: dict[Connection, _Worker] = {}
    try:
        for share in split(tasks, workers):
            if not share:
                continue
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(
                target=worker_main or serve,
                args=(writer, [(p, tasks[p]) for p in share]),
                name="spmd-check worker",
                daemon=True,
            )
            try:
                process.start()
            except OSError as error:  # no process to be had (a limit): check them here
                log.warning("cannot start a worker (%s): checking its files in this process", error)
                reader.close()
                left_over.extend(share)
                continue
            finally:
                writer.close()  # the worker holds the only writer: its end is our EOF
            running[reader] = _Worker(process, share)
        while running:
            for ready in wait(list(running)):
                assert isinstance(ready, Connection)
                worker = running[ready]
                try:
                    message = ready.recv()
                except (EOFError, OSError):
                    del running[ready]
                    ready.close()
                    left_over.extend(worker.ended(tasks, results))
                    continue
                worker.receive(message, tasks, results, left_over)
    finally:
        for reader, worker in running.items():
            worker.process.kill()
            reader.close()
    for position in sorted(left_over):
        results[position] = check_here(tasks[position])
    return [r if r is not None else check_here(tasks[p]) for p, r in enumerate(results)]


class _Worker:
    """The parent's side of one worker process: which of its tasks have come back."""

    def __init__(self, process: multiprocessing.process.BaseProcess, share: list[int]) -> None:
        self.process = process
        self.waiting = list(share)  # in the order the worker checks them
        self.started = False

    def receive(
        self,
        message: object,
        tasks: Sequence[CheckTask],
        results: list[ModuleResult | None],
        left_over: list[int],
    ) -> None:
        if isinstance(message, Started):
            self.started = True
            return
        if not isinstance(message, Finished):
            raise TypeError(f"expected a worker's Started or Finished, found {message!r}")
        self.waiting.remove(message.position)
        try:
            results[message.position] = load_result(message.data)
        except FormatError:
            # the worker could not send this result (it logged why): check it here
            log.warning("worker result for %s did not read back", tasks[message.position].path)
            left_over.append(message.position)

    def ended(self, tasks: Sequence[CheckTask], results: list[ModuleResult | None]) -> list[int]:
        """The worker's connection closed: the positions left to check in this process."""
        self.process.join()
        if not self.waiting:
            return []
        if not self.started:  # it never got to checking: nothing of ours made it fail
            log.warning("a worker failed to start (exit code %s)", self.process.exitcode)
            return self.waiting
        culprit, *rest = self.waiting
        how = _exit_text(self.process.exitcode)
        log.warning("the worker checking %s stopped (%s)", tasks[culprit].path, how)
        results[culprit] = stopped(tasks[culprit].path, how)
        return rest


def _exit_text(code: int | None) -> str:
    if code is None:
        return "its exit status is unknown"
    if code < 0:
        return f"killed by signal {-code}"
    return f"exit status {code}"


def serve(writer: Connection, share: list[tuple[int, CheckTask]]) -> None:
    """A worker's life: say it started, check each task with an analyzer per
    configuration, and send each result as soon as it is done (``Finished``)."""
    tune_garbage_collector()  # as the command line does: the same checks, the same heap
    analyzers: dict[Config, Analyzer] = {}
    writer.send(Started())
    for position, task in share:
        analyzer = analyzers.get(task.config)
        if analyzer is None:
            analyzer = analyzers[task.config] = Analyzer(task.config, hover_facts=False)
        data: Data | None
        try:
            data = dump_result(analyzer.check(task.path, task.source))
            analyzer.forget(task.path)  # fixes are verified by the parent's own checks
        except Exception:  # a bug in the checker: the parent checks the file and reports it
            log.exception("worker failed on %s", task.path)
            data = None
        writer.send(Finished(position, data))
    writer.close()
