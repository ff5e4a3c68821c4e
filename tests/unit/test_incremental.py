"""The incrementality model of DESIGN.md: an edit re-infers what it touched and what reads it,
and a re-check gives the same results as a check from scratch."""

from __future__ import annotations

import contextlib
from pathlib import Path

from spmd_check.analysis import Analyzer
from spmd_check.config import Config
from spmd_check.state import Cancelled

SOURCE = """import torch
import spmd_types as spmd
from spmd_types import P, R, V


def helper(x):
    return torch.relu(x)


def caller(x):
    spmd.assert_type(x, {"dp": R, "tp": P})
    return helper(x)


def other(y):
    spmd.assert_type(y, {"dp": V, "tp": R})
    return y * 2
"""


def _summary(result: object) -> list[tuple[int, str]]:
    return [(d.span.line, d.code) for d in result.diagnostics]  # type: ignore[attr-defined]


def test_an_edit_in_one_function_reuses_the_others() -> None:
    analyzer = Analyzer()
    first = analyzer.check("m.py", SOURCE)
    assert analyzer.last_reused == 0
    edited = SOURCE.replace("return y * 2", "return y * 3")
    second = analyzer.check("m.py", edited)
    # caller's analysis is replayed (helper runs in its context); only other is re-inferred
    assert analyzer.last_reused == 1
    assert _summary(second) == _summary(first) == _summary(Analyzer().check("m.py", edited))


def test_a_forgotten_file_keeps_nothing_and_checks_again_from_scratch() -> None:
    analyzer = Analyzer()
    first = analyzer.check("m.py", SOURCE)
    assert analyzer.cache_stats().journals > 0 and analyzer.cache_stats().parsed > 0
    analyzer.forget("m.py")  # closed, or checked by the workspace scan and not open
    assert (analyzer.cache_stats().journals, analyzer.cache_stats().parsed) == (0, 0)
    again = analyzer.check("m.py", SOURCE)
    assert analyzer.last_reused == 0
    assert _summary(again) == _summary(first)


def test_an_edit_in_a_callee_invalidates_its_caller() -> None:
    analyzer = Analyzer()
    assert [code for _, code in _summary(analyzer.check("m.py", SOURCE))] == [
        "spmd-partial-nonlinear"
    ]
    fixed = SOURCE.replace("return torch.relu(x)", "return x + x")
    result = analyzer.check("m.py", fixed)
    assert analyzer.last_reused == 1  # only other: helper changed, and caller reads helper
    assert _summary(result) == [] == _summary(Analyzer().check("m.py", fixed))


def test_a_check_stopped_anywhere_resumes_to_a_from_scratch_result() -> None:
    """A check stopped half-way (a background check yielding to an edit) keeps the functions
    it had analysed: the next check replays them, and its result is a from-scratch check's,
    wherever the first one stopped."""
    expected = _summary(Analyzer().check("m.py", SOURCE))
    polls = [0]
    Analyzer().check("m.py", SOURCE, cancelled=lambda: bool(polls.__setitem__(0, polls[0] + 1)))
    resumed_somewhere = False
    for stop_at in range(1, polls[0] + 1):
        analyzer = Analyzer()
        seen = [0]

        def cancelled(stop_at: int = stop_at, seen: list[int] = seen) -> bool:
            seen[0] += 1
            return seen[0] >= stop_at

        with contextlib.suppress(Cancelled):
            analyzer.check("m.py", SOURCE, cancelled=cancelled)
        assert _summary(analyzer.check("m.py", SOURCE)) == expected, f"stopped at poll {stop_at}"
        resumed_somewhere |= analyzer.last_reused > 0
    assert resumed_somewhere


CLASSES = """import torch
import spmd_types as spmd
from spmd_types import P, V


class Inner(torch.nn.Module):
    def __init__(self, tp):
        super().__init__()
        self.tp = tp

    def forward(self, x):
        partial = spmd.reinterpret(x, self.tp, src=V, dst=P)
        return partial


class Outer(torch.nn.Module):
    def __init__(self, tp):
        super().__init__()
        self.inner = Inner(tp)

    def forward(self, x):
        return torch.relu(self.inner(x))
"""


def test_an_edit_in_a_class_another_class_builds_invalidates_the_others_methods() -> None:
    """Outer.forward runs Inner.forward through the self Outer.__init__ builds: an edit of
    Inner changes it, though Outer's own text and Outer.forward's names do not change (its
    key was once memoised while Outer's signature was being computed, without Inner's)."""
    analyzer = Analyzer()
    before = analyzer.check("m.py", CLASSES)
    assert [code for _, code in _summary(before)] == ["spmd-partial-nonlinear"]
    edited = CLASSES.replace("return partial", "return x")
    assert _summary(analyzer.check("m.py", edited)) == _summary(Analyzer().check("m.py", edited))
    assert _summary(analyzer.check("m.py", CLASSES)) == _summary(before)


MESHES = """import torch
import spmd_types as spmd
from spmd_types import R
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def first():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    with spmd.set_current_mesh(mesh), typecheck():
        x = torch.ones(4)
        return x * 2


def second():
    mesh = init_device_mesh("cpu", (4, 2), mesh_dim_names=("dp", "tp"))
    with spmd.set_current_mesh(mesh), typecheck():
        y = torch.ones(4)
        return y * 3


def third():
    z = torch.ones(4)
    return z * 5
"""


def test_functions_that_build_meshes_are_analysed_independently() -> None:
    """Each function analysed on its own starts from the meshes the module level built:
    a mesh another function built (here with other layouts for the same names) neither
    changes its verdicts nor its cache key, so an edit in one replays the other."""
    analyzer = Analyzer()
    first = analyzer.check("m.py", MESHES)
    edited = MESHES.replace("return z * 5", "return z * 6")
    second = analyzer.check("m.py", edited)
    assert analyzer.last_reused == 2
    assert _summary(second) == _summary(first) == _summary(Analyzer().check("m.py", edited))


INHERITED = """import torch
import spmd_types as spmd
from spmd_types import P


class Base:
    def helper(self, x):
        return x


class Derived(Base):
    def forward(self, x):
        spmd.assert_type(x, {"tp": P})
        return self.helper(x)
"""


def test_an_edit_in_a_base_class_invalidates_the_methods_that_inherit_from_it() -> None:
    """Derived.forward calls a method it inherits: its key covers its class's bases (it once
    did not, and the edit below kept the clean replay of Derived.forward)."""
    analyzer = Analyzer()
    assert _summary(analyzer.check("m.py", INHERITED)) == []
    edited = INHERITED.replace("        return x\n", "        return torch.relu(x)\n", 1)
    assert [code for _, code in _summary(analyzer.check("m.py", edited))] == [
        "spmd-partial-nonlinear"
    ]
    assert _summary(analyzer.check("m.py", INHERITED)) == []


METHODS = """import torch
import spmd_types as spmd
from spmd_types import P, R


class Layer:
    def __init__(self, scale):
        self.scale = scale

    def first(self, x):
        spmd.assert_type(x, {"tp": R})
        return x * 2

    def second(self, y):
        spmd.assert_type(y, {"tp": P})
        return torch.relu(y)

    def third(self, z):
        return self.first(z) + 1
"""


def test_an_edit_in_one_method_replays_the_methods_that_do_not_read_it() -> None:
    """A method's key is its own text, its class's header, the members it mentions and
    the ones that build ``self``: an edit inside ``second`` (its own line count unchanged)
    re-analyses ``second`` only; ``__init__`` and ``third`` (which runs ``first``) are
    replayed."""
    analyzer = Analyzer()
    analyzer.check("m.py", METHODS)
    edited = METHODS.replace("return torch.relu(y)", "return torch.relu(y + 1)")
    result = analyzer.check("m.py", edited)
    assert analyzer.last_reused == 2
    assert _summary(result) == _summary(Analyzer().check("m.py", edited))
    # an edit of what builds self re-analyses every method
    rebuilt = edited.replace("self.scale = scale", "self.scale = scale * 2")
    result = analyzer.check("m.py", rebuilt)
    assert analyzer.last_reused == 0
    assert _summary(result) == _summary(Analyzer().check("m.py", rebuilt))


SHARED = """import torch
import spmd_types as spmd
from spmd_types import P


def f(x):
    return torch.relu(x)


def g(x):
    spmd.assert_type(x, {"tp": P})
    return f(x)


def h(y):
    spmd.assert_type(y, {"tp": P})
    return f(y)
"""


def test_a_diagnostic_two_analyses_find_survives_when_the_first_stops_finding_it() -> None:
    """g and h both run f on a Partial: one diagnostic, found first by g's analysis. After
    g stops calling f, h's replayed journal must still give it (it once recorded only what
    no earlier analysis had reported, and the diagnostic vanished), with h's call site."""
    analyzer = Analyzer()
    assert [code for _, code in _summary(analyzer.check("m.py", SHARED))] == [
        "spmd-partial-nonlinear"
    ]
    edited = SHARED.replace("    return f(x)\n", "    return x\n")
    result = analyzer.check("m.py", edited)
    assert analyzer.last_reused == 1
    fresh = Analyzer().check("m.py", edited)
    assert [(d.code, d.related) for d in result.diagnostics] == [
        (d.code, d.related) for d in fresh.diagnostics
    ]
    assert len(fresh.diagnostics) == 1


def test_a_call_memoised_in_one_analysis_is_recorded_in_the_next_one_too() -> None:
    """With the mesh configured, g and h call f with equal types: h's call was once served
    from g's memo, so h's journal never recorded what f found, and after g stopped calling
    f the replayed h lost the error. A call's memo is reused within one analysis only."""
    config = Config(mesh_axes=("tp",))
    analyzer = Analyzer(config)
    assert len(analyzer.check("m.py", SHARED).diagnostics) == 1
    edited = SHARED.replace("    return f(x)\n", "    return x\n")
    result = analyzer.check("m.py", edited)
    assert analyzer.last_reused == 1
    fresh = Analyzer(config).check("m.py", edited)
    assert [(d.code, d.related) for d in result.diagnostics] == [
        (d.code, d.related) for d in fresh.diagnostics
    ]
    assert len(fresh.diagnostics) == 1


NUMBERS = """import torch
import spmd_types as spmd
from spmd_types import V


class Encoder(torch.nn.Module):
    def __init__(self, factor):
        super().__init__()
        self.factor = factor

    def sizes(self):
        return torch.zeros(self.factor)

    def forward(self, grid):
        spmd.assert_type(grid, {"tp": V})
        f = self.factor
        return (grid % f == 0).all()
"""


def test_what_one_analysis_used_as_a_number_is_not_known_in_the_next_one() -> None:
    """``sizes`` uses ``self.factor`` as a size. What ``forward`` makes of ``grid % f`` once
    depended on whether ``sizes`` had run before it in the same check: after an edit in
    ``forward``, ``sizes`` was replayed and ``forward``'s hovers differed from a fresh
    check's. Each analysis starts from what the module level and the template it runs on
    used as numbers, and no other analysis's."""
    from bench.real_edits import seen

    analyzer = Analyzer()
    analyzer.check("enc.py", NUMBERS)
    edited = NUMBERS.replace("f = self.factor", "f = self.factor  # typed")
    result = analyzer.check("enc.py", edited)
    assert analyzer.last_reused >= 1
    assert seen(result) == seen(Analyzer().check("enc.py", edited))


def test_an_edit_inside_a_body_carries_the_other_signatures() -> None:
    """Typing inside ``other`` leaves the module level as it was: the signatures of the
    functions that do not read ``other`` are carried over, not recomputed (and the tests'
    SPMD_CHECK_VERIFY_CARRIED recomputes them to compare)."""
    from spmd_check import journal

    assert journal.VERIFY_CARRIED
    analyzer = Analyzer()
    analyzer.check("m.py", SOURCE)
    edited = SOURCE.replace("return y * 2", "return y * 3")
    result = analyzer.check("m.py", edited)
    # caller's (helper is covered by caller's journal: never keyed on its own)
    assert analyzer.last_adopted == 1
    assert _summary(result) == _summary(Analyzer().check("m.py", edited))


def test_an_edit_in_one_method_carries_the_signatures_of_the_others_in_its_class() -> None:
    """A class is one unit: typing in ``evaluate`` changes that unit's text, but of its
    nodes only ``evaluate``'s own part changed. The other methods, which do not read it,
    keep their signatures (recomputed and compared under SPMD_CHECK_VERIFY_CARRIED)."""
    from spmd_check import journal

    assert journal.VERIFY_CARRIED
    analyzer = Analyzer()
    analyzer.check("trainer.py", TRAINER)
    edited = TRAINER.replace("return self.mlp(y) + self.scale", "return self.mlp(y) - self.scale")
    _same_as_fresh(analyzer, edited)
    # Trainer.__init__ and Trainer.step, asked for by the template's and step's keys (and
    # MLP.__init__, MLP.forward, in a unit of their own): the class's unit was typed into
    assert analyzer.last_adopted >= 4


def test_an_edit_outside_bodies_carries_nothing() -> None:
    analyzer = Analyzer()
    analyzer.check("m.py", SOURCE)
    for edited in (
        SOURCE.replace("def other(y):", "def other(y, z=1):"),  # runs at import
        SOURCE.replace("def other(y):", "\ndef other(y):"),  # moves a unit
        SOURCE + "\nLIMIT = 3\n",  # a new unit
    ):
        result = analyzer.check("m.py", edited)
        assert analyzer.last_adopted == 0, edited
        assert _summary(result) == _summary(Analyzer().check("m.py", edited))


REGISTRY = """import torch
import spmd_types as spmd
from spmd_types import P


class Registry:
    layer = None


def harmless(x):
    return x + x


def nonlinear(x):
    return torch.relu(x)


def setup():
    Registry.layer = harmless


setup()


def use(x):
    spmd.assert_type(x, {"tp": P})
    return Registry.layer(x)
"""


def test_an_edit_of_a_function_the_module_level_runs_carries_nothing() -> None:
    """``setup()`` runs at import and sets what ``use`` calls: editing its body changes a
    class no edited unit defines, so no signature is carried (a carried ``use`` replayed
    the harmless layer)."""
    analyzer = Analyzer()
    assert _summary(analyzer.check("m.py", REGISTRY)) == []
    edited = REGISTRY.replace("Registry.layer = harmless", "Registry.layer = nonlinear")
    result = analyzer.check("m.py", edited)
    assert analyzer.last_adopted == 0
    assert _summary(result) == [(14, "spmd-partial-nonlinear")]
    assert _summary(result) == _summary(Analyzer().check("m.py", edited))


TRAINER = """import torch
import spmd_types as spmd
from spmd_types import P, R, V


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = torch.ones(4)
        spmd.assert_type(self.w, {"tp": R})

    def forward(self, x):
        return x * self.w


class Trainer:
    def __init__(self, width):
        self.width = width
        self.mlp = MLP()
        self.build_weights()

    def build_weights(self):
        self.scale = torch.ones(4)
        spmd.assert_type(self.scale, {"tp": R})
        note = self.scale * 2
        return note

    def step(self, x):
        spmd.assert_type(x, {"tp": P})
        return torch.relu(self.mlp(x)) * self.scale

    def evaluate(self, y):
        spmd.assert_type(y, {"tp": V})
        return self.mlp(y) + self.scale
"""


def _same_as_fresh(analyzer: Analyzer, text: str) -> object:
    from bench.real_edits import seen

    result = analyzer.check("trainer.py", text)
    assert seen(result) == seen(Analyzer().check("trainer.py", text))
    return result


def test_an_edit_in_the_code_that_builds_self_replays_the_methods_if_self_is_the_same() -> None:
    """``Trainer.__init__`` calls ``build_weights``: the methods of a class that builds its
    object in this file are keyed by what they read of that object, not by the code that
    builds it. Typing in that code while the object stays the same replays them; an edit
    that changes it (a type, an attribute, the code of a class it holds) runs them again."""
    analyzer = Analyzer()
    first = _same_as_fresh(analyzer, TRAINER)
    assert [d.code for d in first.diagnostics] == ["spmd-partial-nonlinear"]
    typed = TRAINER.replace("note = self.scale * 2", "note = self.scale * 3")
    _same_as_fresh(analyzer, typed)
    assert analyzer.last_reused >= 2  # step and evaluate, and MLP's methods
    for changed in (
        typed.replace('assert_type(self.scale, {"tp": R})', 'assert_type(self.scale, {"tp": V})'),
        typed.replace("self.width = width\n", "self.width = width\n        self.extra = 1\n"),
        typed.replace("return x * self.w", "return torch.relu(x) * self.w"),
    ):
        analyzer.check("trainer.py", typed)
        _same_as_fresh(analyzer, changed)


def test_a_method_analysed_again_builds_its_object_again_recording_nothing() -> None:
    """After an edit in ``step`` only, the template's journal is replayed (it holds the facts
    of ``__init__`` and ``build_weights``) and ``step`` builds the object again for itself.
    That build must record nothing: ``step``'s journal would hold facts of
    ``build_weights``, and replayed after an edit there (the object unchanged), show them
    where that code no longer is."""
    analyzer = Analyzer()
    _same_as_fresh(analyzer, TRAINER)
    for typed in ("a", "ab"):
        edited = TRAINER.replace("return torch.relu(", f"{typed} = 1\n        return torch.relu(")
        result = _same_as_fresh(analyzer, edited)
        assert analyzer.last_reused >= 2  # the template's journal, evaluate
        lines = edited.split("\n")
        assert [f for f in result.facts if "note =" in lines[f.span.line]]
    rewritten = edited.replace("note = self.scale * 2", "note = 2 * self.scale")
    _same_as_fresh(analyzer, rewritten)
    assert analyzer.last_reused >= 2  # step and evaluate: the object is the same


def test_what_an_analysis_writes_to_older_objects_no_other_analysis_sees(
    tmp_path: Path,
) -> None:
    """``writes`` sets an attribute on an imported class. ``reads_after``, analysed after
    it, once read it: an error whatever its unseen caller does (it may never call
    ``writes``), and one a replay of ``writes`` would not give. Loaded modules outlive a
    check too, so the next check's ``reads``, analysed before ``writes``, read it as well.
    What an analysis writes to objects older than it is put back when it ends, and what a
    check writes to loaded modules' objects when it ends (another file's check, importing
    the same module, never sees it). Signatures carried across the checks stay true (the
    tests' SPMD_CHECK_VERIFY_CARRIED recomputes every adopted one)."""
    from spmd_check.workspace import Workspace

    from bench.real_edits import seen

    (tmp_path / "lib.py").write_text("class Base:\n    def run(self, x):\n        return x\n")
    main = str(tmp_path / "main.py")
    text = (
        "import torch\nimport spmd_types as spmd\nfrom spmd_types import P\n"
        "from lib import Base\n\n\n"
        "def reads(x):\n    return torch.relu(Base.flag)\n\n\n"
        "def uses(x):\n    return Base().run(x)\n\n\n"
        'def writes(p):\n    spmd.assert_type(p, {"tp": P})\n    Base.flag = p\n    return 0\n'
        "\n\ndef reads_after(x):\n    return torch.relu(Base.flag)\n"
    )
    Path(main).write_text(text)
    workspace = Workspace()
    analyzer = Analyzer(workspace=workspace)
    assert not analyzer.check(main, text).diagnostics
    for edited in (
        text.replace("return 0", "return 1"),
        text.replace("torch.relu(Base.flag)", "torch.relu(Base.flag) * 2", 1),
        text.replace("after(x):\n    return torch.relu(", "after(x):\n    return 3 * torch.relu("),
    ):
        result = analyzer.check(main, edited)
        assert seen(result) == seen(Analyzer(workspace=Workspace()).check(main, edited))
        assert not result.diagnostics
    # a module level that writes to the imported class: this file's own business
    top = (
        "import torch\nimport spmd_types as spmd\nfrom spmd_types import P\nfrom lib import Base\n"
    )
    writer = str(tmp_path / "writer.py")
    writer_text = top + "Base.flag = torch.ones(4)\n"
    Path(writer).write_text(writer_text)
    analyzer.check(writer, writer_text)
    reader = str(tmp_path / "reader.py")
    reader_text = top + "\n\ndef reads(x):\n    flag = Base.flag\n    return flag\n"
    Path(reader).write_text(reader_text)
    result = analyzer.check(reader, reader_text)
    assert seen(result) == seen(Analyzer(workspace=Workspace()).check(reader, reader_text))
    calm = text.replace("    Base.flag = p\n", "")
    analyzer = Analyzer(workspace=Workspace())
    analyzer.check(main, calm)
    analyzer.check(main, calm.replace("return 0", "return 1"))
    assert analyzer.last_adopted >= 1  # Base, carried: nothing wrote to it


def test_a_template_holding_a_modelled_module_is_keyed_without_crashing() -> None:
    """``torch.nn.Linear`` is modelled by a class the checker makes, with no text: the
    template's digest names it by what it models (it once asked for its ``class`` line,
    and the check failed on three files of torchtitan)."""
    text = (
        "import torch\nimport spmd_types as spmd\nfrom spmd_types import V\n\n\n"
        "class Head(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.proj = torch.nn.Linear(4, 4)\n\n"
        "    def forward(self, x):\n        spmd.assert_type(x, {'tp': V})\n"
        "        return self.proj(x)\n"
    )
    analyzer = Analyzer()
    for edited in (text, text.replace("return self.proj(x)", "return self.proj(x) * 2")):
        result = _same_as_fresh(analyzer, edited)
        assert not [d for d in result.diagnostics if d.code == "spmd-internal"]
