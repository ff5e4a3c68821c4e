"""When the idle collector runs a full collection (the one that frees cycles among frozen
objects): once the heap grew enough, right away when it will be short, only after a quiet
moment when it will not."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest
from spmd_lsp import memory
from spmd_lsp.memory import IdleCollector

MiB = 1 << 20


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    """The collector freezes this process's objects: the tests that follow collect theirs."""
    yield
    gc.unfreeze()


class Heap:
    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self) -> int:
        return self.size


def _collector(
    monkeypatch: pytest.MonkeyPatch, heap: Heap, busy: list[bool], full_idle: float = 0.05
) -> IdleCollector:
    monkeypatch.setattr(memory, "resident_bytes", heap)
    return IdleCollector(lambda: busy[0], lambda: False, idle=0.01, full_idle=full_idle)


async def _typing_pause(collector: IdleCollector, seconds: float) -> None:
    collector.touch()
    await asyncio.sleep(seconds)  # both timers are due before this one: they have run


def test_a_short_full_collection_runs_with_the_young_one(monkeypatch: pytest.MonkeyPatch) -> None:
    heap, busy = Heap(40 * MiB), [False]
    collector = _collector(monkeypatch, heap, busy, full_idle=60.0)  # never quiet that long

    async def scenario() -> None:
        await _typing_pause(collector, 0.1)
        assert (collector.rounds, collector.full_rounds) == (1, 0)  # nothing grew
        heap.size = 60 * MiB  # +20 MiB: more than FULL_GROWTH_BYTES and a quarter
        await _typing_pause(collector, 0.1)
        assert collector.full_rounds == 1  # ~60 ms expected: not worth waiting for quiet
        collector.cancel()

    asyncio.run(scenario())


def test_no_full_collection_between_the_scans_files(monkeypatch: pytest.MonkeyPatch) -> None:
    heap, busy = Heap(40 * MiB), [True]  # the scan's checks are queued
    collector = _collector(monkeypatch, heap, busy)

    async def scenario() -> None:
        heap.size = 60 * MiB
        await _typing_pause(collector, 0.1)
        assert (collector.rounds, collector.full_rounds) == (1, 0)  # a keystroke would wait

    asyncio.run(scenario())


def test_a_long_full_collection_waits_for_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    heap, busy = Heap(400 * MiB), [True]
    collector = _collector(monkeypatch, heap, busy)

    async def scenario() -> None:
        heap.size = 600 * MiB  # grew by half: due, but expected to take ~0.6 s
        await _typing_pause(collector, 0.1)
        assert (collector.rounds, collector.full_rounds) == (1, 0)  # the server was busy
        busy[0] = False
        await _typing_pause(collector, 0.1)
        assert collector.full_rounds == 1  # quiet for full_idle

    asyncio.run(scenario())


def test_small_growth_never_pays_for_a_full_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    heap, busy = Heap(400 * MiB), [False]
    collector = _collector(monkeypatch, heap, busy)

    async def scenario() -> None:
        heap.size = 480 * MiB  # +80 MiB: less than a quarter
        await _typing_pause(collector, 0.1)
        assert collector.full_rounds == 0

    asyncio.run(scenario())


def test_collections_wait_while_the_edited_document_is_checked_and_resume_after() -> None:
    """The edited document's check raises the young threshold (its garbage is not collected
    in its way); a background check or an idle round brings the usual one back."""
    usual = gc.get_threshold()
    try:
        memory.defer_collections()
        memory.defer_collections()  # a second keystroke before anything else ran
        assert gc.get_threshold() == (memory.DEFERRED_YOUNG_THRESHOLD, *usual[1:])
        memory.resume_collections()
        assert gc.get_threshold() == usual
        memory.resume_collections()  # nothing deferred: nothing changes
        assert gc.get_threshold() == usual
        memory.defer_collections()
        collector = IdleCollector(lambda: False, lambda: False, idle=0.01)

        async def scenario() -> None:
            await _typing_pause(collector, 0.1)
            collector.cancel()

        asyncio.run(scenario())
        assert collector.rounds == 1 and gc.get_threshold() == usual  # the idle round resumed
    finally:
        memory.resume_collections()
        gc.set_threshold(*usual)


def test_between_the_scans_files_only_the_young_generations_are_collected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While a check is queued or running (the scan), an idle round collects the two young
    generations (a short pause for a keystroke that comes meanwhile); when nothing is, all."""
    asked: list[int] = []
    monkeypatch.setattr(memory.gc, "collect", lambda generation=2: asked.append(generation) or 0)
    monkeypatch.setattr(memory.gc, "freeze", lambda: None)
    busy = [True]
    collector = IdleCollector(lambda: busy[0], lambda: False, idle=0.01, full_idle=60.0)

    async def scenario() -> None:
        await _typing_pause(collector, 0.1)
        busy[0] = False
        await _typing_pause(collector, 0.1)
        collector.cancel()

    asyncio.run(scenario())
    assert asked[:2] == [1, 2]


def test_after_a_long_check_the_idle_round_freezes_without_collecting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a long check left (the first check of a large file) is frozen as it is: a
    collection would walk all of it while the user may be typing. The next round after an
    ordinary check collects again."""
    asked: list[int] = []
    frozen: list[bool] = []
    monkeypatch.setattr(memory.gc, "collect", lambda generation=2: asked.append(generation) or 0)
    monkeypatch.setattr(memory.gc, "freeze", lambda: frozen.append(True))
    collector = IdleCollector(lambda: False, lambda: False, idle=0.01, full_idle=60.0)

    async def scenario() -> None:
        collector.touch(heavy=True)
        await asyncio.sleep(0.1)
        assert (asked, frozen, collector.rounds) == ([], [True], 1)
        await _typing_pause(collector, 0.1)
        assert asked[:1] == [2] and collector.rounds == 2
        collector.cancel()

    asyncio.run(scenario())
