"""Splitting a file again after an edit, around the edit only.

``frontend.split_units`` walks every line of the file: on a 50,000-line module that is
36 ms of a keystroke. An edit changes one stretch of the text, and the units around it
are the only ones whose bounds it can move. ``LastSplits`` keeps each path's last text
and units; the next text is compared with it (the common prefix and suffix, in slices
the interpreter compares natively), and only a *window* is split again: from the unit
before the first changed character to ``MARGIN`` units after the last one. The units
outside the window are the old ones, moved by the lines the edit added or removed.

A unit's bounds depend on more than its own lines, so the window is kept only when the
whole-file split would have drawn the same bounds at its ends (else the file is split
whole, as before):

- at its start, an old unit's first line, wholly before the edit: the lines above are
  unchanged, so no string is open there and no decorator waits; and no unit that failed
  to parse sits within ``frontend.MERGE_REACH`` units above it (a unit that does not
  parse is tried together with the chunks after it, which the edit may have changed);
- at its end, an old unit's first line after the edit: the window must leave no
  triple-quoted string open and no decorator waiting there, and no unit in it that failed
  to parse may have looked for chunks past its end.

``SPMD_CHECK_VERIFY_CARRIED=1`` (the tests) splits the file whole as well and makes any
difference an error.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass

from .frontend import (
    MERGE_REACH,
    VERIFY_INCREMENTAL,
    Unit,
    UnitCache,
    chunk_lines,
    split_lines_keepends,
    split_units,
    units_of,
)

# unchanged units split again after the edit: a unit that fails to parse at the edit is
# tried with the chunks after it, which must be in the window
MARGIN = MERGE_REACH + 1
# slices compared at once when looking for the first and last changed characters
_BLOCK = 4096


@dataclass(frozen=True)
class _Split:
    text: str
    units: list[Unit]
    offsets: list[int]  # where each unit starts in ``text``


def _offsets(units: list[Unit], source: str) -> list[int] | None:
    """Where each unit starts in ``source``; None if the units' texts are not the source
    cut in order."""
    offsets: list[int] = []
    at = 0
    for unit in units:
        offsets.append(at)
        at += len(unit.text)
    return offsets if at == len(source) else None


def common_prefix(old: str, new: str) -> int:
    """How many characters the two texts share at their start."""
    limit = min(len(old), len(new))
    at = 0
    while at < limit and old[at : at + _BLOCK] == new[at : at + _BLOCK]:
        at += _BLOCK
    size = _BLOCK  # the first difference is in [at, at + size), or the texts end there
    while size > 1:
        half = size // 2
        if old[at : at + half] == new[at : at + half]:
            at, size = at + half, size - half
        else:
            size = half
    if at < limit and old[at] == new[at]:
        at += 1
    return min(at, limit)


def common_suffix(old: str, new: str, limit: int) -> int:
    """How many characters (at most ``limit``) the two texts share at their end."""

    def same(size: int, more: int) -> bool:  # the ``more`` characters before the last ``size``
        return (
            old[len(old) - size - more : len(old) - size]
            == new[len(new) - size - more : len(new) - size]
        )

    size = 0
    while size < limit:
        step = min(_BLOCK, limit - size)
        if not same(size, step):
            break
        size += step
    else:
        return size
    window = min(_BLOCK, limit - size)  # the last difference is in there
    while window > 1:
        half = window // 2
        if same(size, half):
            size, window = size + half, window - half
        else:
            window = half
    if size < limit and same(size, 1):
        size += 1
    return size


def _moved(unit: Unit, lines: int) -> Unit:
    if lines == 0:
        return unit
    moved = copy.copy(unit)  # keeps the lines it already split
    moved.start_line += lines
    return moved


def split_around_edit(
    previous: _Split, source: str, cache: UnitCache, path: str
) -> list[Unit] | None:
    """The units of ``source``, split only around where it differs from the previous
    text; None when the window's ends are not where the whole-file split would put
    bounds."""
    old, units, offsets = previous.text, previous.units, previous.offsets
    if not units or not source:
        return None
    prefix = common_prefix(old, source)
    if prefix == len(old) == len(source):
        return units
    suffix = common_suffix(old, source, min(len(old), len(source)) - prefix)
    first = max(bisect_right(offsets, prefix) - 1, 0)  # the unit the edit starts in
    last = max(bisect_right(offsets, len(old) - suffix - 1) - 1, first)  # ... and ends in
    start = max(first - 1, 0)
    if any(unit.error is not None for unit in units[max(start - MARGIN, 0) : start]):
        return None
    end = min(last + 1 + MARGIN, len(units))
    growth = len(source) - len(old)
    window_start = offsets[start]
    window_end = (offsets[end] if end < len(units) else len(old)) + growth
    lines = split_lines_keepends(source[window_start:window_end])
    chunking = chunk_lines(lines)
    at_file_end = end == len(units)
    if not at_file_end and (chunking.open_string or chunking.ends_in_decorator):
        return None
    first_line = units[start].start_line
    window = units_of(lines, chunking.chunks, cache, path, first_line)
    if window.reached_end and not at_file_end:
        return None
    if at_file_end:
        return [*units[:start], *window.units]
    moved_by = first_line + len(lines) - units[end].start_line
    return [*units[:start], *window.units, *(_moved(unit, moved_by) for unit in units[end:])]


class LastSplits:
    """Each path's last text and units, so its next text is split around the edit (the
    ``CAPACITY`` paths split most recently)."""

    CAPACITY = 16

    def __init__(self) -> None:
        self._splits: OrderedDict[str, _Split] = OrderedDict()

    def split(self, source: str, cache: UnitCache, path: str) -> list[Unit]:
        """``frontend.split_units(source, cache, path)``, around the edit when it can."""
        previous = self._splits.get(path)
        units = split_around_edit(previous, source, cache, path) if previous is not None else None
        if units is None:
            units = split_units(source, cache, path)
        elif VERIFY_INCREMENTAL:
            _verify(units, split_units(source, cache, path), path)
        offsets = _offsets(units, source)
        if offsets is None:
            self._splits.pop(path, None)
            return units
        self._splits[path] = _Split(source, units, offsets)
        self._splits.move_to_end(path)
        if len(self._splits) > self.CAPACITY:
            self._splits.popitem(last=False)
        return units

    def forget(self, path: str) -> None:
        self._splits.pop(path, None)

    def __len__(self) -> int:
        return len(self._splits)


def _verify(around: list[Unit], whole: list[Unit], path: str) -> None:
    def shape(units: list[Unit]) -> list[tuple[str, int, str, bool]]:
        return [(u.text, u.start_line, u.key, u.error is None) for u in units]

    if shape(around) != shape(whole):
        raise AssertionError(f"splitting {path} around the edit differs from splitting it whole")
