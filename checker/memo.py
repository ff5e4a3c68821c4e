"""Bounded memo tables shared by every check of the process.

Several answers depend only on a text or on a few small values (a function's own text and
the names it mentions, a unit's skeleton, an axis rule's verdict), so they are memoised for
the life of the process: a language server checks the same functions again at every
keystroke. A process lives for hours, though, and every edit makes new texts; each table is
therefore bounded, and bounded by what is in use rather than by what was ever seen.

A ``Memo`` keeps two generations of at most ``size`` entries. New entries go to the young
one; when it is full it becomes the old one, and the old one is dropped. A hit in the old
generation moves the entry back to the young one. What a check keeps asking for (the
open file's functions, the rules its operations meet) survives every turnover; what an edit
made obsolete (the previous keystroke's texts) is gone after two. A plain table cleared
when full forgot the working set with the garbage, and was sized so large that it held
over a hundred MiB when full (``tests/reliability/test_rel_memory.py``). A generation must
hold a whole check's working set (the largest file's, not the typical one's): a smaller
one turns over during every check and drops what the next check asks for again.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

_MISSING: object = object()


class Memo(Generic[K, V]):
    """A memo table of at most ``2 * size`` entries that keeps what is asked for again.
    Its values are never None (``get`` answers None for a key it does not hold)."""

    def __init__(self, name: str, size: int) -> None:
        if size < 1:
            raise ValueError(f"a memo table needs room for an entry, got size {size}")
        self.name = name
        self.size = size
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}
        TABLES.append(self)

    def get(self, key: K) -> V | None:
        """The remembered value, or None."""
        found = self._young.get(key, _MISSING)
        if found is _MISSING:
            found = self._old.pop(key, _MISSING)
            if found is _MISSING:
                return None
            self._store(key, found)  # type: ignore[arg-type]
        return found  # type: ignore[return-value]

    def __contains__(self, key: K) -> bool:
        return key in self._young or key in self._old

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` for ``key``; returns it."""
        self._store(key, value)
        return value

    def _store(self, key: K, value: V) -> None:
        if len(self._young) >= self.size:
            self._old = self._young
            self._young = {}
        self._young[key] = value

    def __len__(self) -> int:
        return len(self._young) + len(self._old)


TABLES: list[Memo[Any, Any]] = []


def sizes() -> dict[str, int]:
    """How many entries each table holds (for ``spmd/stats`` and the memory soak)."""
    return {table.name: len(table) for table in TABLES}
