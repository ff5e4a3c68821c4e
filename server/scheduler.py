"""Analysis off the event loop: one worker thread, one latest-version slot per document.

* ``submit`` puts a document's newest text in its slot, replacing (superseding)
  any older text not yet started; after a short debounce the job waits for the
  worker. Open documents go before the background scan of the workspace.
* A job that is already running cannot be interrupted (the checker is
  synchronous), but its result is only *delivered* as that version's result:
  the server publishes diagnostics only when the result's version is still the
  document's version, so nothing stale reaches the client.
* ``wait`` gives the result for the newest submitted version (requests such as
  pull diagnostics await it); ``last`` gives the newest completed result at
  once (hover never waits).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

OPEN = 0  # priority of documents open in the editor
BACKGROUND = 1  # priority of the workspace scan


@dataclass
class Job:
    uri: str
    version: int | None
    text: str
    path: str
    priority: int = OPEN
    submitted: float = field(default_factory=time.monotonic)
    cascade: bool = True  # re-check the open documents that import this one afterwards


@dataclass(frozen=True)
class Outcome(Generic[T]):
    job: Job
    value: T
    elapsed: float

    @property
    def uri(self) -> str:
        return self.job.uri

    @property
    def version(self) -> int | None:
        return self.job.version


class PriorityGate:
    """An async lock whose waiters are served lowest priority number first, then FIFO."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()

    async def acquire(self, priority: int) -> None:
        if not self._busy and not self._waiting:
            self._busy = True
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._seq), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # we were handed the gate as we were cancelled
            raise

    def release(self) -> None:
        while self._waiting:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():
                future.set_result(None)
                return
        self._busy = False


class Scheduler(Generic[T]):
    def __init__(
        self,
        work: Callable[[Job], T],
        on_done: Callable[[Outcome[T]], None],
        debounce: float = 0.04,
    ) -> None:
        self._work = work
        self._on_done = on_done
        self.debounce = debounce
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="spmd-analysis")
        self._gate = PriorityGate()
        self._latest: dict[str, Job] = {}
        self._waiters: dict[str, list[asyncio.Future[Outcome[T] | None]]] = {}
        self._last: dict[str, Outcome[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, job: Job, delay: float | None = None) -> None:
        """Make ``job`` the newest work for its document."""
        self._latest[job.uri] = job
        task = asyncio.ensure_future(self._run(job, self.debounce if delay is None else delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def pending(self, uri: str) -> bool:
        return uri in self._latest

    def last(self, uri: str) -> Outcome[T] | None:
        """The newest completed result for the document, whatever its version."""
        return self._last.get(uri)

    async def wait(self, uri: str) -> Outcome[T] | None:
        """The result for the newest submitted version (or a newer one, if superseded)."""
        if uri not in self._latest:
            return self._last.get(uri)
        future: asyncio.Future[Outcome[T] | None] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(uri, []).append(future)
        return await future

    def forget(self, uri: str) -> None:
        """The document is gone: drop its pending work and its results."""
        self._latest.pop(uri, None)
        self._last.pop(uri, None)
        self._resolve(uri, None)

    def shutdown(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _resolve(self, uri: str, outcome: Outcome[T] | None) -> None:
        for future in self._waiters.pop(uri, []):
            if not future.done():
                future.set_result(outcome)

    def _current(self, job: Job) -> bool:
        return self._latest.get(job.uri) is job

    async def _run(self, job: Job, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            if not self._current(job):
                return  # superseded during the debounce
            await self._gate.acquire(job.priority)
            try:
                if not self._current(job):
                    return  # superseded while waiting for the worker
                started = time.monotonic()
                loop = asyncio.get_running_loop()
                value = await loop.run_in_executor(self._executor, self._work, job)
                outcome = Outcome(job, value, time.monotonic() - started)
            finally:
                self._gate.release()
            newest = self._last.get(job.uri)
            tracked = job.uri in self._latest or newest is not None  # not forgotten meanwhile
            if tracked and (newest is None or newest.job.submitted <= job.submitted):
                self._last[job.uri] = outcome
            if self._current(job):
                del self._latest[job.uri]
                self._on_done(outcome)
                self._resolve(job.uri, outcome)
            else:
                log.debug("dropped the result of %s version %s: superseded", job.uri, job.version)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("analysis of %s version %s failed", job.uri, job.version)
            if self._current(job):
                del self._latest[job.uri]
                self._resolve(job.uri, None)
