"""Journals moved with the text (``relocate.py``): the line map of an edit, and checks after
edits that add and remove lines equal from-scratch checks, hover facts included."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.config import Config
from spmd_check.relocate import Edit, LineMap
from spmd_check.results import ModuleResult, Origin, steps_of

from bench import gen_module
from bench.lsp.workload import Typist, edit_site
from bench.real_edits import seen

CASES = Path(__file__).parents[1] / "cases"
ALL_CASES = sorted(CASES.rglob("*.py"))


def _kept_lines(old: str, new: str, lines: LineMap) -> list[int]:
    """The old lines the map keeps, each checked to read the same where it says."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    kept = []
    for number, text in enumerate(old_lines):
        now = lines.line(number)
        if now is not None:
            assert new_lines[now] == text, (number, now)
            kept.append(number)
    return kept


def test_an_edit_inside_one_line_moves_nothing() -> None:
    old = "a = 1\nb = 2\nc = 3\n"
    edit = Edit.between(old, old.replace("b = 2", "b = 22"))
    assert edit.moves_nothing
    assert _kept_lines(old, old.replace("b = 2", "b = 22"), edit.lines) == [0, 2, 3]


def test_enter_at_the_end_of_an_indented_line_keeps_every_line() -> None:
    old = "def f():\n    x = 1\n    y = 2\n"
    new = "def f():\n    x = 1\n    \n    y = 2\n"
    lines = Edit.between(old, new).lines
    assert _kept_lines(old, new, lines) == [0, 1, 2, 3]
    assert lines.line(2) == 3


def test_a_deleted_line_is_gone_and_the_lines_below_move_up() -> None:
    old = "a\nb\nc\nd\n"
    new = "a\nc\nd\n"
    lines = Edit.between(old, new).lines
    assert lines.line(1) is None
    assert _kept_lines(old, new, lines) == [0, 2, 3, 4]


def test_a_line_split_in_two_is_gone() -> None:
    old = "a = 1\nb = f(x, y)\nc = 3\n"
    new = "a = 1\nb = f(x,\n      y)\nc = 3\n"
    lines = Edit.between(old, new).lines
    assert lines.line(1) is None
    assert lines.line(2) == 3
    assert _kept_lines(old, new, lines) == [0, 2, 3]


def test_crlf_lines_are_counted_and_lone_returns_keep_nothing() -> None:
    old = "a\r\nb\r\nc\r\n"
    new = "a\r\nx\r\nb\r\nc\r\n"
    assert _kept_lines(old, new, Edit.between(old, new).lines) == [0, 1, 2, 3]
    old, new = "a\rb\rc\r", "a\rx\rb\rc\r"  # Python breaks lines there too
    edit = Edit.between(old, new)
    assert not edit.moves_nothing
    assert all(edit.lines.line(number) is None for number in range(4))


def _random_edit(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    index = rng.randrange(len(lines))
    kind = rng.choice(("insert", "delete", "split", "join", "type", "replace"))
    if kind == "insert":
        lines.insert(index, rng.choice(("", "    ", "x = 1", lines[index])))
    elif kind == "delete" and len(lines) > 1:
        del lines[index]
    elif kind == "split":
        column = rng.randrange(len(lines[index]) + 1)
        lines[index : index + 1] = [lines[index][:column], "  " + lines[index][column:]]
    elif kind == "join" and index + 1 < len(lines):
        lines[index : index + 2] = [lines[index] + lines[index + 1]]
    elif kind == "type":
        column = rng.randrange(len(lines[index]) + 1)
        lines[index] = lines[index][:column] + rng.choice("ab \n") + lines[index][column:]
    else:
        lines[index] = rng.choice(("a", "b", ""))
    return "\n".join(lines)


def test_maps_keep_lines_that_read_the_same_and_compose() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        text = "\n".join(rng.choice(("a", "b", "    a", "", "    ")) for _ in range(8))
        once = _random_edit(rng, text)
        twice = _random_edit(rng, once)
        first, second = Edit.between(text, once).lines, Edit.between(once, twice).lines
        _kept_lines(text, once, first)
        composed = first.then(second)
        for number in range(text.count("\n") + 1):
            step = first.line(number)
            expected = None if step is None else second.line(step)
            assert composed.line(number) == expected
        _kept_lines(text, twice, composed)


def _origin(origin: Origin | None) -> list[tuple[object, ...]]:
    return [(step.span, step.description, step.path) for step in steps_of(origin)]


def _line_edits(text: str, seed: str, rounds: int) -> list[str]:
    """Edits that move lines, as a user makes them: Enter at the end of a line
    (indented like it), a line deleted, a blank line inserted, a line duplicated. In the
    first half of the file: most functions are below the edit, and move."""
    rng = random.Random(seed)
    lines = text.split("\n")
    texts = []
    for _ in range(rounds):
        index = rng.randrange((len(lines) + 1) // 2)
        edit = rng.choice(("enter", "delete", "blank", "duplicate"))
        if edit == "enter":
            line = lines[index]
            lines.insert(index + 1, line[: len(line) - len(line.lstrip())])
        elif edit == "delete" and len(lines) > 1:
            del lines[index]
        elif edit == "blank":
            lines.insert(index, "")
        else:
            lines.insert(index, lines[index])
        texts.append("\n".join(lines))
    return texts


def _same_after_line_edits(path: str, text: str, seed: str, rounds: int = 3) -> int:
    """Edits ``text`` (checked as ``path``) and compares each check with a fresh one; the
    analyses the edited checks replayed."""
    analyzer = Analyzer(Config())
    analyzer.check(path, text)
    replayed = 0
    for edited_text in _line_edits(text, seed, rounds):
        edited = analyzer.check(path, edited_text)
        replayed += analyzer.last_reused
        fresh = Analyzer(Config()).check(path, edited_text)
        assert _hovers(edited, fresh) == _hovers(fresh, fresh)
        assert seen(edited) == seen(fresh)
    return replayed


def _hovers(result: ModuleResult, fresh: ModuleResult) -> list[object]:
    """What a hover finds at the start of every expression a fresh check has a fact for,
    and each fact looked up by its span (each table's index, not the merged facts)."""
    found: list[object] = []
    # inlay hints' facts: those starting in a window, read from the tables that reach it
    if fresh.facts:
        last = fresh.facts[-1].span.line
        for first, end in ((0, last), (last // 3, 2 * last // 3)):
            window = [(f.span, f.types, f.is_target) for f in result.facts_on(first, end)]
            every = [
                (f.span, f.types, f.is_target) for f in result.facts if first <= f.span.line <= end
            ]
            assert window == every
            found.append(window)
    for fact in fresh.facts:
        at = result.fact_at(fact.span.line, fact.span.column)
        exact = result.fact_for(fact.span)
        for one in (at, exact):
            found.append(
                None
                if one is None
                else (one.span, getattr(one, "types", None), _origin(getattr(one, "origin", None)))
            )
    return found


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda path: str(path.relative_to(CASES)))
def test_edits_that_move_lines_equal_a_fresh_check(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    _same_after_line_edits(str(path), text, str(path.relative_to(CASES)))


@pytest.mark.parametrize("seed", range(4))
def test_a_library_module_edited_above_its_functions_replays_them_moved(seed: int) -> None:
    """The generated library module (layers, helpers, planted errors): most of its
    functions are below each edit, are replayed, and must read as a fresh check says."""
    text = gen_module.generate(600, seed=seed)
    replayed = _same_after_line_edits(f"/lib/module_{seed}.py", text, f"library {seed}", 6)
    assert replayed > 0


def test_a_function_defined_twice_alike_is_reported_at_both_after_lines_move() -> None:
    """Two top-level definitions of one name with the same text (a copy pasted below):
    their places differ, so neither replays the other's journal at its own lines."""
    body = 'def project(out):\n    return spmd.convert(out, "tp", src=V, dst=P)\n\n\n'
    text = "import spmd_types as spmd\nfrom spmd_types import P, V\n\n\n" + body + body
    analyzer = Analyzer(Config())
    first = analyzer.check("/lib/twice.py", text)
    assert sorted(d.span.line for d in first.diagnostics) == [5, 9]
    moved = text.replace("\n\n\n", "\n\n\n\n", 1)
    edited = analyzer.check("/lib/twice.py", moved)
    assert analyzer.last_reused > 0
    assert seen(edited) == seen(Analyzer(Config()).check("/lib/twice.py", moved))
    assert sorted(d.span.line for d in edited.diagnostics) == [6, 10]


def test_typing_through_syntax_errors_and_enters_equals_fresh_checks() -> None:
    """Keystrokes as the benchmark types them: letters into an expression and an Enter
    every 4th key, which leaves the line a syntax error for a while. The broken unit is
    analysed as parsed with its broken lines blanked; signatures are still carried (its
    skeleton is that tree's), and every check equals a fresh one."""
    text = gen_module.generate(600, seed=5)
    typist = Typist(text, edit_site(text), enter_every=4)
    analyzer = Analyzer(Config())
    analyzer.check("/lib/typed.py", text)
    broken = 0
    for _ in range(12):
        typist.keystroke()
        edited = analyzer.check("/lib/typed.py", typist.text)
        broken += any(d.code == "spmd-syntax" for d in edited.diagnostics)
        assert analyzer.last_adopted > 0  # the line broken, an Enter while it is
        fresh = Analyzer(Config()).check("/lib/typed.py", typist.text)
        assert seen(edited) == seen(fresh)
    assert broken > 0


def test_a_replayed_journal_covers_what_it_ran_whatever_ran_before_it() -> None:
    """Which functions a journal covers (not analysed on their own after it) must not depend
    on the order the check met them in: ``caller`` runs ``helper``. While ``other``
    mentions ``caller``, ``helper`` comes first and is analysed on its own; once it does not,
    ``caller`` comes first, and its replayed journal must cover ``helper`` as running it
    would."""
    base = (
        "import torch\n"
        "import spmd_types as spmd\n"
        "from spmd_types import V\n"
        "\n"
        "def helper(x):\n"
        "    return torch.relu(x)\n"
        "\n"
        "def caller(x):\n"
        '    spmd.assert_type(x, {"tp": V})\n'
        "    return helper(x)\n"
        "\n"
        "def other():\n"
        "    pass@\n"
    )
    analyzer = Analyzer(Config())
    for mention in ("  # caller", "", "  # caller"):
        text = base.replace("@", mention)
        edited = analyzer.check("/lib/order.py", text)
        assert seen(edited) == seen(Analyzer(Config()).check("/lib/order.py", text))


def test_code_of_another_file_run_from_no_call_here_leaves_no_fact_here(tmp_path: Path) -> None:
    """A method of this file analysed on its own runs its base class's ``__init__`` from
    another file to build ``self`` (no call in this file leads there): the facts and errors
    of that code are that file's, never this file's at that file's lines."""
    (tmp_path / "base.py").write_text(
        "import torch\n"
        "import spmd_types as spmd\n"
        "from spmd_types import P\n"
        "\n"
        "\n"
        "class Base:\n"
        "    def __init__(self):\n"
        "        w = torch.zeros(4)\n"
        '        spmd.assert_type(w, {"tp": P})\n'
        "        self.w = torch.relu(w)\n",
        encoding="utf-8",
    )
    sub = "import torch\nfrom base import Base\n\n\nclass Sub(Base):\n    def forward(self, x):\n        return x * 2\n"
    (tmp_path / "sub.py").write_text(sub, encoding="utf-8")
    result = Analyzer(Config()).check(str(tmp_path / "sub.py"), sub)
    lines = sub.split("\n")
    for fact in result.facts:  # each at an expression of this file that reads as it says
        line = lines[fact.span.line] if fact.span.line < len(lines) else ""
        assert line[fact.span.column : fact.span.end_column] == fact.expression, fact
    assert not result.diagnostics


def test_lines_gathered_ahead_are_those_the_first_move_would_gather() -> None:
    """``Analyzer.prepare`` (the server calls it while idle) gathers each analysis's lines
    before the first edit that moves them, and stops when asked to; the moved check is the
    same either way."""
    text = gen_module.generate(600, seed=7)
    path = "/lib/prepared.py"
    analyzer = Analyzer(Config())
    analyzer.check(path, text)
    analyzer.prepare(path, lambda: True)  # asked to stop at once: nothing gathered
    journals = analyzer._journals[path].table.values()  # what it prepares (private: a test)
    assert all(journal.extent is None for journal in journals)
    analyzer.prepare(path, lambda: False)
    assert all(journal.extent is not None for journal in journals)
    edited = text.replace("\n\n\n", "\n\n\n\n", 1)
    result = analyzer.check(path, edited)
    assert analyzer.last_reused > 0
    assert seen(result) == seen(Analyzer(Config()).check(path, edited))
