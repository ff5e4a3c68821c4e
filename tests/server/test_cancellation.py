"""A newer version of a document stops the running check of an older one (the checker polls
``cancelled``); nothing is delivered or published for the stopped check."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable
from typing import Any

import pytest
from conftest import Session, eventually
from helpers import SOURCE, lines
from lsprotocol import types
from spmd_check.config import Config
from spmd_lsp.engine import Engine
from spmd_lsp.scheduler import Job, Outcome, Scheduler


def big_module(functions: int) -> str:
    """About 8 lines per function, each checked on its own (0.1-0.3 s per 1,000 functions)."""
    head = "import torch\nimport spmd_types as spmd\nfrom spmd_types import I, P, R, S, V\n\n"
    template = """
def layer_{i}(x, w):
    spmd.assert_type(x, {{"dp": S(0), "tp": R}})
    spmd.assert_type(w, {{"dp": R, "tp": S(1)}})
    h = torch.matmul(x, w)
    h = torch.relu(h)
    y = spmd.all_gather(h, "tp", src=V, dst=R)
    return y + 1
"""
    return head + "".join(template.format(i=i) for i in range(functions))


async def test_newer_version_stops_the_running_check() -> None:
    pytest.importorskip("spmd_check.analysis")
    engine = Engine()
    loop = asyncio.get_running_loop()
    delivered: list[Outcome[object]] = []
    polls: list[int | None] = []
    submitted = threading.Event()
    text = big_module(400)

    def newer() -> None:
        scheduler.submit(Job("file:///m.py", 2, text + "\nz = 1\n", "/m.py"), 0)
        submitted.set()

    def work(job: Job) -> object:
        def cancelled() -> bool:
            polls.append(job.version)
            if job.version == 1 and polls.count(1) == 1:
                # the user types while version 1 is checked; its next poll comes after that,
                # however slowly the event loop gets to it
                loop.call_soon_threadsafe(newer)
                assert submitted.wait(30)
            return scheduler.superseded(job)

        result, ok = engine.check(job.path, job.text, Config(), cancelled=cancelled)
        assert ok
        return result

    scheduler: Scheduler[object] = Scheduler(work, delivered.append, debounce=0)
    scheduler.submit(Job("file:///m.py", 1, text, "/m.py"), 0)
    outcome = await asyncio.wait_for(scheduler.wait("file:///m.py"), 60)
    assert outcome is not None and outcome.version == 2
    assert [o.version for o in delivered] == [2]
    assert scheduler.stopped == 1  # version 1 was stopped, not run to its end
    assert scheduler.last("file:///m.py") is outcome
    # the checker kept nothing from the stopped check, and the next one is complete
    assert polls.count(1) < polls.count(2)
    scheduler.shutdown()


async def test_edit_stops_the_check_in_flight_end_to_end(session: Session) -> None:
    """Over the protocol: an edit while a check is surely in flight (the scripted checker
    holds a ``WAIT_FOR_CANCEL`` text until it is cancelled) stops that check; only the edit's
    version gets diagnostics."""
    await session.start()
    text = SOURCE + "# WAIT_FOR_CANCEL\n"
    uri = session.open(text)

    def stats() -> Awaitable[Any]:
        return session.client.protocol.send_request_async("spmd/stats", None)

    # the scripted checker counts the files it was given as loaded modules: version 1 is in it
    await eventually(stats, lambda found: any(cache.modules for cache in found.caches))
    marker = len(lines(SOURCE)) - 1  # the line holding the marker
    session.change(
        uri,
        2,
        [
            (
                types.Range(
                    start=types.Position(line=marker, character=0),
                    end=types.Position(line=marker + 1, character=0),
                ),
                "",
            )
        ],
    )
    assert [d.code for d in await session.diagnostics(uri, 2)] == ["spmd-partial-nonlinear"]
    assert (
        await stats()
    ).stopped == 1  # version 1 was stopped, not run to its end (a pygls Object)
    published = [p.version for p in session.client.published if p.uri == uri]  # type: ignore[attr-defined]
    assert published == ([] if session.pull else [2])
