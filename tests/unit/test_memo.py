"""The process-wide memo tables keep what is asked for again and stay bounded."""

from __future__ import annotations

import pytest
from spmd_check import memo
from spmd_check.memo import Memo


def test_a_table_holds_at_most_two_generations() -> None:
    table: Memo[int, str] = Memo("test_bound", 3)
    for key in range(100):
        table.put(key, str(key))
        assert len(table) <= 6
    assert table.get(99) == "99"
    assert table.get(0) is None  # long gone


def test_what_is_asked_for_again_survives_every_turnover() -> None:
    table: Memo[str, int] = Memo("test_working_set", 4)
    table.put("open file", 1)
    for key in range(50):
        table.put(f"edit {key}", key)
        assert table.get("open file") == 1  # asked at every check: moved back to the young
    assert "edit 0" not in table


def test_a_hit_in_the_old_generation_is_kept() -> None:
    table: Memo[int, int] = Memo("test_promote", 2)
    table.put(1, 1)
    table.put(2, 2)
    table.put(3, 3)  # the young generation {1, 2} is now the old one
    assert table.get(1) == 1  # moved to the young one, with 3
    table.put(4, 4)  # {3, 1} becomes old; {2} is dropped
    assert 2 not in table
    assert table.get(1) == 1


def test_sizes_name_every_table() -> None:
    import spmd_check.analysis  # noqa: F401  (the checker's tables are made as it loads)

    table: Memo[int, int] = Memo("test_sizes", 5)
    table.put(1, 1)
    sizes = memo.sizes()
    assert sizes["test_sizes"] == 1
    assert {"function_texts", "interned_signatures", "axis_rules"} <= set(sizes)


def test_a_table_without_room_is_refused() -> None:
    with pytest.raises(ValueError, match="room for an entry"):
        Memo("test_empty", 0)
