"""Fixtures the unit tests share."""

from __future__ import annotations

import collections
from collections.abc import Iterator

import pytest
from spmd_check import infer


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[collections.Counter[str]]:
    """How many times each function's body runs during the checks of the test."""
    counted: collections.Counter[str] = collections.Counter()
    running = infer.Interpreter._running

    def counting(self: infer.Interpreter, function: infer.FunctionVal, site: object) -> object:
        counted[function.qualname] += 1
        return running(self, function, site)  # type: ignore[arg-type]

    monkeypatch.setattr(infer.Interpreter, "_running", counting)
    yield counted
