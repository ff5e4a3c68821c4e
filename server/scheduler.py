"""Analysis off the event loop: one worker thread, one latest-version slot per document.

* ``submit`` puts a document's newest text in its slot, replacing (superseding)
  any older text not yet started; a change that comes within the debounce
  window of the previous one waits out the window (bursts are coalesced), one
  after a pause goes to the worker at once. The document being edited goes first, then
  the open documents re-checked for its sake, then the background scan of the workspace.
* A running check of lower priority yields when a more urgent one arrives: the work
  polls ``preempted(job)`` too and raises ``Preempted``; the job queues again behind
  the urgent one (the checker keeps what it had analysed, function by function).
* A job that is already running is stopped once it is superseded: the work
  polls ``superseded(job)`` (the checker's ``cancelled`` callback) and raises
  ``Superseded``; nothing is recorded or delivered for it. A result is only
  *delivered* as that version's result: the server publishes diagnostics only
  when the result's version is still the document's version, so nothing stale
  reaches the client.
* ``wait`` gives the result for the newest submitted version (requests such as
  pull diagnostics await it); ``last`` gives the newest completed result at
  once (hover never waits).
* ``exclusive`` runs other work with the checker (verifying quick fixes) on the same
  worker thread, between checks.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

OPEN = 0  # priority of a document the user is editing or opening
DEPENDENT = 1  # priority of an open document re-checked because a file it imports changed
BACKGROUND = 2  # priority of the workspace scan


class Superseded(Exception):
    """Raised by the work when it stopped because a newer job for the document exists."""


class Preempted(Exception):
    """Raised by the work when it stopped to let a more urgent job run; it runs again after
    (the checker keeps the functions it had analysed, so it resumes rather than restarts)."""


@dataclass
class Job:
    uri: str
    version: int | None
    text: str
    path: str
    priority: int = OPEN
    submitted: float = field(default_factory=time.monotonic)
    cascade: bool = True  # re-check the open documents that import this one afterwards
    lines: Sequence[str] | None = None  # the text's lines, when the document has them already


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

    def waiting_before(self, priority: int) -> bool:
        """Whether a waiter more urgent than ``priority`` is queued (safe to call from another
        thread: a racy answer only delays or repeats a yield)."""
        return any(p < priority and not f.done() for p, _, f in list(self._waiting))

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
        self.stopped = 0  # checks stopped because they were superseded (for tests and logs)
        self.preemptions = 0  # checks that yielded to a more urgent one and ran again
        self._last_submit: dict[str, float] = {}

    def submit(self, job: Job, delay: float | None = None) -> None:
        """Make ``job`` the newest work for its document. Without an explicit ``delay``, a
        change that follows another within the debounce window waits that long (a burst is
        checked once, at its end); a change after a pause is checked at once (a check under
        way for an older version stops either way)."""
        now = time.monotonic()
        previous = self._last_submit.get(job.uri)
        self._last_submit[job.uri] = now
        if delay is None:
            delay = (
                self.debounce if previous is not None and now - previous < self.debounce else 0.0
            )
        self._latest[job.uri] = job
        task = asyncio.ensure_future(self._run(job, delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def exclusive(self, work: Callable[[], R]) -> R:
        """Run ``work`` on the worker thread between checks (the checker is never used by two
        threads at once), before the workspace scan's queued checks."""
        await self._gate.acquire(OPEN)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, work)
        finally:
            self._gate.release()

    def busy(self) -> bool:
        """Whether any document's analysis is queued or running."""
        return bool(self._latest)

    def urgent(self) -> bool:
        """Whether work other than the background scan is queued or running."""
        return any(job.priority < BACKGROUND for job in list(self._latest.values()))

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
        self._last_submit.pop(uri, None)
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

    def superseded(self, job: Job) -> bool:
        """Whether a newer job (or the document's closing) made this one useless; safe to
        call from the worker thread."""
        return self._latest.get(job.uri) is not job

    def preempted(self, job: Job) -> bool:
        """Whether a more urgent job waits for the worker: a background or dependent check
        yields to the document being edited (polled by the checker between steps)."""
        return job.priority > OPEN and self._gate.waiting_before(job.priority)

    async def _run(self, job: Job, delay: float) -> None:
        try:
            if delay > 0:
                await asyncio.sleep(delay)
            if not self._current(job):
                return  # superseded during the debounce
            started = time.monotonic()
            while True:
                await self._gate.acquire(job.priority)
                try:
                    if not self._current(job):
                        return  # superseded while waiting for the worker
                    loop = asyncio.get_running_loop()
                    value = await loop.run_in_executor(self._executor, self._work, job)
                    break
                except Preempted:
                    self.preemptions += 1  # queue again, behind the more urgent job
                finally:
                    self._gate.release()
            outcome = Outcome(job, value, time.monotonic() - started)
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
        except Superseded:
            log.debug("stopped the check of %s version %s: superseded", job.uri, job.version)
            self.stopped += 1
            if self._current(
                job
            ):  # cannot happen unless the work lies; never leave waiters hanging
                del self._latest[job.uri]
                self._resolve(job.uri, None)
        except Exception:
            log.exception("analysis of %s version %s failed", job.uri, job.version)
            if self._current(job):
                del self._latest[job.uri]
                self._resolve(job.uri, None)
