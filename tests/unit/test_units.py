"""How a module is split into units (``frontend.split_units``): one unit per top-level
statement, a definition with its decorators. A unit is what the parse cache and every
analysis key hold, so a unit that swallows the definitions after it makes an edit there
re-parse and re-analyse all of them."""

from __future__ import annotations

from spmd_check.frontend import UnitCache, split_units


def _starts(source: str) -> list[tuple[int, str]]:
    units = split_units(source, UnitCache(100))
    assert all(unit.error is None for unit in units)
    return [(unit.start_line, unit.lines[0].strip()) for unit in units]


def test_a_decorated_definition_is_one_unit_and_ends_there() -> None:
    source = (
        "import torch\n"
        "@torch.no_grad()\n"
        "def first(x):\n"
        "    return x\n"
        "def second(x):\n"
        "    return x\n"
        "class Third:\n"
        "    pass\n"
    )
    assert _starts(source) == [
        (0, "import torch"),
        (1, "@torch.no_grad()"),
        (4, "def second(x):"),
        (6, "class Third:"),
    ]


def test_stacked_and_multi_line_decorators_stay_with_their_definition() -> None:
    source = (
        "@a\n"
        "@b(\n"
        "    in_types=1,\n"
        ")\n"
        "def f(x):\n"
        "    return x\n"
        "@dataclass\n"
        "class C:\n"
        "    n: int\n"
        "x = f(1)\n"
    )
    assert _starts(source) == [(0, "@a"), (6, "@dataclass"), (9, "x = f(1)")]


def test_units_cover_every_line_once() -> None:
    source = "@d\ndef f():\n    pass\n\n\n@d\nclass C:\n    pass\n\nprint(1)\n"
    units = split_units(source, UnitCache(100))
    assert sum(len(unit.lines) for unit in units) == source.count("\n")
    assert [unit.start_line for unit in units] == [0, 5, 9]
