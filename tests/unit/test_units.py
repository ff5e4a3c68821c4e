"""How a module is split into units (``frontend.split_units``): one unit per top-level
statement, a definition with its decorators. A unit is what the parse cache and every
analysis key hold, so a unit that swallows the definitions after it makes an edit there
re-parse and re-analyse all of them."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

from spmd_check.frontend import (
    METHOD_REPARSE_LINES,
    UnitCache,
    reparse_method,
    split_lines_keepends,
    split_units,
    unit_chunks,
)


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


def _reference_chunks(lines: list[str]) -> list[tuple[int, int]]:
    """The chunking rule as a plain loop over every line (what ``chunks`` computes)."""
    starts: list[int] = []
    in_string: str | None = None
    for i, line in enumerate(lines):
        if (
            in_string is None
            and line
            and line[0] not in " \t#\r\n\f"
            and not re.match(r"(else\b|elif\b|except\b|finally\b|case\b|[)\]}])", line)
        ):
            starts.append(i)
        for quote in ('"""', "'''"):
            if in_string in (None, quote) and line.count(quote) % 2 == 1:
                in_string = quote if in_string is None else None
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    merged: list[int] = []
    after_decorator = False
    for i in starts:
        if not after_decorator:
            merged.append(i)
        after_decorator = i < len(lines) and lines[i].startswith("@")
    bounds = [*merged, len(lines)]
    return [(bounds[k], bounds[k + 1]) for k in range(len(merged)) if bounds[k] < bounds[k + 1]]


def test_chunks_and_lines_agree_with_the_plain_rules() -> None:
    """Every case file, and random texts of unit starts, quotes, continuations and the line
    breaks ``str.splitlines`` knows but Python does not: the fast paths give the rules'
    answers."""
    cases = Path(__file__).resolve().parents[1] / "cases"
    texts = [p.read_text(encoding="utf-8") for p in sorted(cases.rglob("*.py"))]
    rng = random.Random(3)
    pieces = [
        "def f():\n",
        "    x = 1\n",
        '"""\n',
        "'''\n",
        'x = """doc\n',
        "@dec\n",
        "else:\n",
        ")\n",
        "# c\n",
        "\n",
        "class A:\n",
        "  y\r\n",
        "z = 2\r",
        "\x0c\n",
        "a\u2028b\n",
        "\x85\n",
        '    s = """a""" + """b\n',
        "case 1:\n",
    ]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40))) for _ in range(2000)]
    for text in texts:
        lines = split_lines_keepends(text)
        assert lines == re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text)
        assert unit_chunks(lines) == _reference_chunks(lines), text


CLASS = (
    "class Model(nn.Module):\n"
    "    def __init__(self, dim):\n"
    "        super().__init__()\n"
    "        self.dim = dim\n"
    "\n"
    "    @torch.no_grad()\n"
    "    def forward(self, x):\n"
    "        return torch.relu(x)\n"
    "\n"
    "    def last(self, y):\n"
    "        return y\n"
)


def _same(tree: ast.Module | None, text: str) -> bool:
    assert tree is not None
    return ast.dump(tree, include_attributes=True) == ast.dump(
        ast.parse(text), include_attributes=True
    )


def test_an_edit_inside_a_method_reparses_that_method_only() -> None:
    old = ast.parse(CLASS)
    for edited in (
        CLASS.replace("torch.relu(x)", "torch.relu(x) + x"),
        CLASS.replace("@torch.no_grad()", "@torch.enable_grad()"),
        CLASS.replace("        return y\n", "        return y * 22\n"),  # the class's end
    ):
        tree = reparse_method(CLASS, old, edited)
        assert _same(tree, edited)
        assert tree is not None
        cls, before = tree.body[0], old.body[0]
        assert isinstance(cls, ast.ClassDef) and isinstance(before, ast.ClassDef)
        # the members the edit did not touch are the old tree's nodes
        assert sum(a is b for a, b in zip(cls.body, before.body, strict=True)) == 2


BLOCK = (
    "if HAS_KERNELS:\n"
    "    @kernel\n"
    "    def rope(x):\n"
    "        return x * 2\n"
    "\n"
    "    class Rope:\n"
    "        def forward(self, x):\n"
    "            def inner(y):\n"
    "                return y + 1\n"
    "            return inner(x)\n"
    "else:\n"
    "    try:\n"
    "        import fallback\n"
    "    except ImportError:\n"
    "        def rope(x):\n"
    "            return x\n"
)


def test_an_edit_inside_a_function_at_any_depth_reparses_that_function() -> None:
    """A function in an ``if`` block, a method of a class in one, a closure, a function in
    an ``except`` handler: each is parsed alone, the rest of the tree shared."""
    old = ast.parse(BLOCK)
    for edited in (
        BLOCK.replace("return x * 2", "return x * 3"),
        BLOCK.replace("@kernel", "@kernel()"),
        BLOCK.replace("return y + 1", "return y + 22"),  # the closure, innermost
        BLOCK.replace("return inner(x)", "return inner(x) + x"),  # the method (ends the class)
        BLOCK.replace("            return x\n", "            return -x\n"),  # the block's end
    ):
        tree = reparse_method(BLOCK, old, edited)
        assert _same(tree, edited), edited
        assert tree is not None
        if_node, before = tree.body[0], old.body[0]
        assert isinstance(if_node, ast.If) and isinstance(before, ast.If)
        # the branch the edit did not touch is the old tree's
        touched_body = if_node.body is not before.body
        assert (if_node.orelse[0] is before.orelse[0]) == touched_body
    for edited in (
        BLOCK.replace("if HAS_KERNELS", "if HAS_TRITON"),  # the unit's own statement
        BLOCK.replace("import fallback", "import fallback2"),  # not in a function
    ):
        assert reparse_method(BLOCK, old, edited) is None, edited


def test_any_other_edit_is_parsed_whole() -> None:
    old = ast.parse(CLASS)
    for edited in (
        CLASS.replace("    def last", "   def last"),  # fine alone, not among its siblings
        CLASS.replace("return torch.relu(x)", "return torch.relu(x"),  # does not parse
        CLASS.replace("        return y\n", "        return y\n        z = 1\n"),  # a line more
        CLASS.replace("class Model", "class Net"),  # outside the methods
        CLASS.replace("        return y\n", "return y\n"),  # out of the method
        CLASS,  # no edit
    ):
        assert reparse_method(CLASS, old, edited) is None, edited


def test_a_long_class_is_reparsed_by_method_at_its_place() -> None:
    long_class = CLASS + "".join(
        f"\n    def method_{i}(self, x):\n        return x + {i}\n" for i in range(60)
    )
    assert long_class.count("\n") >= METHOD_REPARSE_LINES
    cache = UnitCache(100)
    first = split_units("import torch\n" + long_class, cache, "m.py")[1]
    edited = long_class.replace("return x + 7\n", "return x * 7\n")
    second = split_units("import torch\n" + edited, cache, "m.py")[1]
    assert second.tree is not None and first.tree is not None
    assert _same(second.tree, edited)
    shared = sum(
        a is b
        for a, b in zip(second.tree.body[0].body, first.tree.body[0].body, strict=True)  # type: ignore[attr-defined]
    )
    assert shared == len(first.tree.body[0].body) - 1  # type: ignore[attr-defined]
