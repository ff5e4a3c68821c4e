"""A newer version of a document stops the running check of an older one (the checker polls
``cancelled``); nothing is delivered or published for the stopped check."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import pytest_lsp
from conftest import SERVER, Session, _env, make_client
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
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
    text = big_module(400)

    def newer() -> None:
        scheduler.submit(Job("file:///m.py", 2, text + "\nz = 1\n", "/m.py"), 0)

    def work(job: Job) -> object:
        def cancelled() -> bool:
            polls.append(job.version)
            if job.version == 1 and polls.count(1) == 1:
                loop.call_soon_threadsafe(newer)  # the user types while version 1 is checked
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


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=SERVER, server_env=_env(False), client_factory=make_client
    ),
)
async def logged_client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    yield
    await lsp_client.shutdown_session()


async def test_edit_stops_stale_check_end_to_end(
    logged_client: LanguageClient, tmp_path: Path
) -> None:
    """Over the protocol: an edit during a long check stops it, and only the edit's version is
    published."""
    session = Session(logged_client, "visual_studio_code", tmp_path)
    await session.start()
    text = big_module(1500)  # ~12,000 lines: the cold check takes well over 150 ms
    uri = session.open(text, name="big.py")
    await asyncio.sleep(0.15)
    end = types.Position(line=len(text.splitlines()), character=0)
    started = time.monotonic()
    session.change(uri, 2, [(types.Range(start=end, end=end), "z = 1\n")])
    await session.diagnostics(uri, 2, timeout=60)
    published = [p.version for p in logged_client.published if p.uri == uri]  # type: ignore[attr-defined]
    assert published == [2], published
    stats = await logged_client.protocol.send_request_async("spmd/stats", None)
    assert stats.stopped >= 1, (stats, time.monotonic() - started)  # a pygls Object (a namedtuple)
