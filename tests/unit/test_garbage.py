"""A check's own tables are freed when it ends, by reference counting: none of them waits
for the cyclic collector. A cycle through the interpreter (a closure over it kept by an
object it holds, an exception kept with the frames it was raised through) leaves every
table of the check to that collector: on the generated 100,000-line workspace that was
twice the cyclic garbage of a scan, and 60 MiB more for the server after it."""

from __future__ import annotations

import gc
import weakref
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from spmd_check import infer
from spmd_check.analysis import Analyzer

CASES = Path(__file__).resolve().parents[1] / "cases"
# what a check builds and drops: one of them among the cyclic garbage means a cycle held
# a whole check
CHECK_TABLES = frozenset({"Interpreter", "CacheKeys", "ResultSink", "WriteLog", "Journal"})


def cyclic_garbage(work: Callable[[], None]) -> Counter[str]:
    """The types of what the cyclic collector finds unreachable once ``work`` is done
    (collections off meanwhile: what reference counting frees never reaches it)."""
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        work()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        return Counter(type(found).__name__ for found in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
        gc.collect()


@pytest.mark.parametrize("hover_facts", [False, True], ids=["command line", "server"])
def test_no_check_leaves_its_tables_to_the_cyclic_collector(hover_facts: bool) -> None:
    # every case: each way a rule rejects, and each kind of journal
    files = sorted(CASES.rglob("*.py"))
    assert len(files) > 500

    def check_them() -> None:
        analyzer = Analyzer(hover_facts=hover_facts)
        for path in files:
            analyzer.check(str(path), path.read_text())
            analyzer.forget(str(path))
        # the last check's interpreter, kept for ``release``, holds the analyzer's methods:
        # an analyzer dropped with it would leave both to the collector
        analyzer.release()

    garbage = cyclic_garbage(check_them)
    assert {name: garbage[name] for name in CHECK_TABLES if garbage[name]} == {}


def test_what_a_check_leaves_to_free_is_freed_by_release_or_by_the_next_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check's interpreter outlives the check (freeing it cost a keystroke 6-8 ms), until
    the server, idle, releases it, or the next check replaces it: never longer."""
    interpreters: list[weakref.ref[infer.Interpreter]] = []
    run = infer.Interpreter.run

    def recording(self: infer.Interpreter) -> None:
        interpreters.append(weakref.ref(self))
        run(self)

    monkeypatch.setattr(infer.Interpreter, "run", recording)
    source = (CASES / "collectives" / "all_reduce_bad_src.py").read_text()
    analyzer = Analyzer()

    def check_and_release() -> None:
        analyzer.check("a.py", source)
        assert interpreters[-1]() is not None
        analyzer.release()
        assert interpreters[-1]() is None
        analyzer.check("a.py", source + "\n")
        analyzer.check("b.py", source)
        assert [alive() is not None for alive in interpreters[1:]] == [False, True]

    assert cyclic_garbage(check_and_release)["Interpreter"] == 0
