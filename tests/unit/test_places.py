"""Places (``places.py``): what names a definition across checks without its line."""

from __future__ import annotations

from spmd_check.frontend import UnitCache, split_units
from spmd_check.places import makes_places, module_ranks, place

TEXT = (
    "import torch\n"
    "\n"
    "def helper(x):\n"
    "    return x\n"
    "\n"
    "class Layer:\n"
    "    def forward(self, x):\n"
    "        def inner(y):\n"
    "            return y\n"
    "        return inner(x)\n"
    "\n"
    "    def forward(self, x):\n"
    "        return x\n"
    "\n"
    "def helper(x):\n"
    "    return x\n"
)


def _places(text: str) -> list[tuple[str, object]]:
    units = split_units(text, UnitCache(), "/m.py")
    ranks = module_ranks(units)
    found = []
    for unit in units:
        assert unit.tree is not None
        for node in unit.tree.body:
            for child in [node, *getattr(node, "body", [])]:
                if hasattr(child, "name"):
                    found.append((child.name, place(unit, child, ranks.get(id(unit)))))
    return found


def test_definitions_of_one_name_have_distinct_places() -> None:
    found = _places(TEXT)
    assert len(found) == len(set(found))
    # the two top-level helpers are the same text: the second is the second of its name
    assert found[0][1] != found[-1][1]
    # the two methods named forward rank 0 and 1 in their class
    forwards = [p for name, p in found if name == "forward"]
    assert len(forwards) == 2 and forwards[0] != forwards[1]


def test_lines_added_anywhere_leave_places_as_they_were() -> None:
    moved = TEXT.replace("def helper(x):\n    return x\n", "def helper(x):\n\n    return x\n", 1)
    moved = moved.replace("        return inner(x)\n", "\n        return inner(x)\n")
    assert [p for _, p in _places(moved)] == [p for _, p in _places(TEXT)]


def test_only_units_that_evaluate_more_than_names_make_places() -> None:
    units = split_units(
        "import torch\n"
        "def f(x: torch.Tensor | None = None) -> list[int]:\n    return x\n"
        "class A(Base):\n    size = 4\n    def g(self):\n        return torch.zeros(2)\n"
        "t = torch.zeros(4)\n"
        "def h(x=torch.zeros(2)):\n    return x\n"
        "class B:\n    w = torch.ones(2)\n",
        UnitCache(),
        "/m.py",
    )
    assert [makes_places(unit) for unit in units] == [False, False, False, True, True, True]
