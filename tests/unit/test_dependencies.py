"""Dependencies: the cheap ways of combining them give what ``union`` gives."""

from __future__ import annotations

import random

from spmd_check.dependencies import (
    Dependencies,
    FileVersion,
    PackageOf,
    Resolution,
    union_of,
)


def _some(rng: random.Random, count: int) -> Dependencies:
    names = [f"/w/m{i}.py" for i in range(12)]
    return Dependencies.of(
        [FileVersion(rng.choice(names), rng.choice([None, "a", "b"])) for _ in range(count)],
        [
            Resolution(rng.choice(names), rng.choice(["x", "y.z"]), rng.choice([None, "/w/x.py"]))
            for _ in range(count)
        ],
        [PackageOf(rng.choice(names), rng.choice([None, "", "pkg"])) for _ in range(count)],
    )


def test_plus_is_union() -> None:
    rng = random.Random(7)
    for _ in range(300):
        big, small = _some(rng, rng.randrange(0, 30)), _some(rng, rng.randrange(0, 5))
        assert big.plus(small) == big.union(small)


def test_union_of_is_union_and_remembers_by_identity() -> None:
    rng = random.Random(11)
    parts = tuple(_some(rng, 10) for _ in range(4))
    first = union_of(parts)
    assert first == Dependencies().union(*parts)
    assert union_of(parts) is first
    other = (*parts[:3], _some(rng, 10))
    assert union_of(other) == Dependencies().union(*other)
