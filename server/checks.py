"""A document's text through the checker: queued, checked on the worker thread, and what a
finished check sets off (its diagnostics shown, the errors it found in other files recorded,
the open files importing it re-checked, its hover index built ahead of the first hover)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from pygls.uris import from_fs_path
from spmd_check.results import ModuleResult

from . import cached, publish
from .documents import Document
from .engine import Checked
from .memory import defer_collections, resume_collections
from .positions import LineView
from .scan import excluded
from .scheduler import BACKGROUND, DEPENDENT, OPEN, Job, Outcome, Preempted, Superseded

if TYPE_CHECKING:
    from .server import SpmdServer

log = logging.getLogger(__name__)

_PYTHON_LANGUAGES = {"python", "py", "python3"}
# an open document's check at least this long leaves more than a young collection should walk
# while the user may type (memory.IdleCollector.touch)
_HEAVY_CHECK = 0.5
_WARM_DELAY = 0.05  # after a result arrives, wait this long for more typing before indexing it


def is_python(doc: Document) -> bool:
    path = doc.path or doc.uri
    return doc.language_id in _PYTHON_LANGUAGES or path.endswith((".py", ".pyi"))


def schedule(ls: SpmdServer, uri: str, delay: float | None = None, cascade: bool = True) -> None:
    """Queue the document's current text for a check (``delay`` None: debounced)."""
    doc = ls.documents.get(uri)
    if doc is None or not is_python(doc):
        return
    if doc.path:
        ls.engine.set_document(doc.path, doc.text)
    priority = OPEN if cascade else DEPENDENT  # a dependent's re-check yields to the edit
    ls.scheduler.submit(
        Job(
            uri, doc.version, doc.text, doc.path or uri, priority, cascade=cascade, lines=doc.lines
        ),
        delay,
    )


def recheck_dependents(ls: SpmdServer, path: str, uri: str) -> None:
    """The open documents that import this file may read its new text: check them again."""
    for dependent in ls.engine.dependents(path):
        other = from_fs_path(dependent)
        if other and other != uri and other in ls.documents:
            schedule(ls, other, cascade=False)


def work(ls: SpmdServer, job: Job) -> Checked:
    """The check of one job (on the worker thread)."""
    path = job.path
    config, problems = ls.settings.config_for(path if os.path.isabs(path) else None)
    lines = job.lines if job.lines is not None else LineView(job.text)
    if excluded(path, config):
        return Checked(ModuleResult(path), config, problems, lines)
    scheduler = ls.scheduler
    if scheduler.superseded(job):
        raise Superseded()
    if scheduler.preempted(job):
        raise Preempted()
    if job.priority == OPEN:
        defer_collections()  # the edited document's result first; its garbage later
    else:
        resume_collections()  # a background check collects what the edits left
    started = time.monotonic()
    try:
        result, ok = ls.engine.check(
            path,
            job.text,
            config,
            cancelled=lambda: scheduler.superseded(job) or scheduler.preempted(job),
        )
    except Superseded:
        if not scheduler.superseded(job):
            raise Preempted() from None  # stopped for a more urgent job: it runs again after
        raise
    checked = Checked(result, config, problems, lines, failed=not ok)
    cached.keep(ls, job, checked)
    if job.priority == BACKGROUND and job.uri not in ls.documents:
        # a scanned file nobody has open: its diagnostics are all that is wanted of it now,
        # and what a next check would reuse (its analyses, its units' trees, the hover facts
        # that hold its values) was most of the scan's memory; unless it is costly to check
        # again, it is checked from scratch when opened
        if time.monotonic() - started < ls.options.keep_scanned_over:
            ls.engine.forget(path)
        checked = replace(checked, result=result.brief())
    return checked


def finished(ls: SpmdServer, outcome: Outcome[Checked]) -> None:
    """A result for the newest submitted version of a document (on the loop)."""
    checked = outcome.value
    for problem in checked.problems:
        ls.warn(problem)
    if checked.failed and ls.engine.load_error:
        ls.warn(ls.engine.load_error)
    log.debug("checked %s v%s in %.1f ms", outcome.uri, outcome.version, outcome.elapsed * 1000)
    doc = ls.documents.get(outcome.uri)
    if doc is not None:
        if doc.version != outcome.version:
            return  # the document changed meanwhile: never publish for an old version
        doc.forget_before(ls.crossfile.oldest_needed(outcome.uri, outcome.version))
    elif outcome.job.priority != BACKGROUND:
        return  # closed meanwhile
    if not ls.pull:
        publish.publish(ls, outcome.uri, outcome)
    elif not outcome.job.cascade:
        ls.refresh.request()  # re-checked for an import's sake: ask for a pull
    publish.record_elsewhere(ls, outcome.uri, checked.result.elsewhere)
    if outcome.job.cascade and outcome.job.priority == OPEN:
        recheck_dependents(ls, outcome.job.path, outcome.uri)
    if outcome.job.priority != BACKGROUND:
        asyncio.get_running_loop().call_later(_WARM_DELAY, _warm, ls, outcome)
    ls.collector.touch(heavy=outcome.job.priority == OPEN and outcome.elapsed >= _HEAVY_CHECK)


def _warm(ls: SpmdServer, outcome: Outcome[Checked]) -> None:
    """Off the loop, unless the document moved on meanwhile: build the result's hover index
    (tens of ms on a large file: the first hover then answers at once), free what the check
    left to free (``Engine.release``: else the next keystroke's check frees it), then, after
    a long check, work ahead for the next one (``Engine.prepare``), until a check of the
    document is waiting."""
    if ls.scheduler.last(outcome.uri) is not outcome or ls.scheduler.pending(outcome.uri):
        return

    # only after a long check (a first one): after a keystroke's, the few journals it made
    # are gathered at the next Enter, and gathering a large one at every keystroke (a smoke
    # test's) ran into the next keystroke
    heavy = outcome.elapsed >= _HEAVY_CHECK

    def warm() -> None:
        ls.facts_of(outcome, lambda result: result.fact_at(0, 0))
        ls.engine.release()  # what the check left to free (else the next check frees it)
        if heavy:
            ls.engine.prepare(outcome.job.path, lambda: ls.scheduler.pending(outcome.uri))

    ls.spawn(asyncio.to_thread(warm))


async def current(ls: SpmdServer, uri: str, wait: float) -> Outcome[Checked] | None:
    """The result for the document's current version if it arrives within ``wait`` seconds,
    else the newest completed one."""
    await ls.ready()
    doc = ls.documents.get(uri)
    last = ls.scheduler.last(uri)
    if (
        doc is None
        or (last is not None and last.version == doc.version)
        or not ls.scheduler.pending(uri)
    ):
        return last
    try:
        return await asyncio.wait_for(
            asyncio.shield(ls.scheduler.wait(uri)), wait
        ) or ls.scheduler.last(uri)
    except TimeoutError:
        return ls.scheduler.last(uri)
