"""Calls shared between objects built alike (``checker/sharing.py``): a body runs once for
all the objects that look the same, and again wherever sharing could change what the code
sees. What each shared call gives is judged by the runtime in the case files
(``tests/cases/classes/alike_objects*.py``, ``attribute_written_by_call.py``,
``tests/cases/flow/helper_returns_new_object.py``); these tests pin that the sharing
happens at all, and that calls kept across checks give what a fresh check gives."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from spmd_check import infer
from spmd_check.analysis import Analyzer
from spmd_check.results import CHAIN, steps_of
from spmd_check.workspace import Workspace
from spmd_lsp import hover

from bench.real_edits import seen

PRELUDE = """import torch
import spmd_types as spmd
from spmd_types import P, R, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh

"""


def _check(body: str) -> list[tuple[int, str]]:
    result = Analyzer().check("m.py", PRELUDE + body)
    return [(d.span.line, d.code) for d in result.diagnostics]


DRIVER = """
mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
with spmd.set_current_mesh(mesh), typecheck():
    x = torch.randn(4, 8)
    spmd.assert_type(x, {"dp": V, "tp": R})
"""


def test_layers_built_alike_are_built_and_run_once(runs: collections.Counter[str]) -> None:
    source = (
        """
class Scale(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(n))
        spmd.assert_type(self.weight, {"dp": R, "tp": R})

    def forward(self, x):
        return x * self.weight
"""
        + DRIVER
        + "".join(f"    y{i} = Scale(8)(x)\n" for i in range(4))
    )
    assert _check(source) == []
    assert runs["Scale.__init__"] == 1
    assert runs["Scale.forward"] == 1


def test_an_object_that_keeps_what_it_was_given_is_built_each_time(
    runs: collections.Counter[str],
) -> None:
    source = (
        """
class Holder:
    def __init__(self, t):
        self.t = t


class Wrapper:
    def __init__(self, inner):
        self.inner = inner
"""
        + DRIVER
        + "".join(f"    w{i} = Wrapper(Holder(x))\n" for i in range(3))
    )
    assert _check(source) == []
    assert runs["Holder.__init__"] == 1
    assert runs["Wrapper.__init__"] == 3


def test_a_call_that_writes_what_was_there_runs_once(runs: collections.Counter[str]) -> None:
    source = (
        """
class Config:
    def __init__(self):
        self.scale = 2

    def configure(self):
        self.scale = 2
        return self.scale
"""
        + DRIVER
        + "    c = Config()\n"
        + "    c.configure()\n" * 3
    )
    assert _check(source) == []
    assert runs["Config.configure"] == 1


def test_a_call_that_changes_its_object_runs_every_time(runs: collections.Counter[str]) -> None:
    source = (
        """
class Counter:
    def __init__(self):
        self.t = None

    def push(self, t):
        self.t = t
"""
        + DRIVER
        + "    c = Counter()\n"
        + "    c.push(x)\n    c.push(None)\n" * 2
    )
    assert _check(source) == []
    assert runs["Counter.push"] == 4


LAYERS = """import torch
import spmd_types as spmd
from spmd_types import P, R
from pkg.ops import relu_of


class Linear(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(n))
        spmd.assert_type(self.weight, {"dp": R, "tp": R})

    def forward(self, x):
        return x * self.weight


def act(t):
    return relu_of(t)
"""

OPS = """import torch


def relu_of(t):
    return torch.relu(t)
"""

MODEL = """import torch
import spmd_types as spmd
from spmd_types import P, R, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from pkg.layers import Linear, act


def smoke_test():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    with spmd.set_current_mesh(mesh), typecheck():
        x = torch.randn(8)
        spmd.assert_type(x, {"dp": V, "tp": R})
        hidden = Linear(8)(x)
        reveal_type(hidden)
        p = torch.randn(8)
        spmd.assert_type(p, {"dp": R, "tp": P})
        return act(p)
"""


def _results(analyzer: Analyzer, path: str, text: str) -> object:
    result = analyzer.check(path, text)
    return (result.diagnostics, result.elsewhere, [(r.span, r.types) for r in result.reveals])


def test_calls_into_a_loaded_module_are_taken_from_the_last_check(
    tmp_path: Path, runs: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", False)  # take kept calls, as users do
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    layers = tmp_path / "pkg" / "layers.py"
    layers.write_text(LAYERS)
    ops = tmp_path / "pkg" / "ops.py"
    ops.write_text(OPS)
    model = str(tmp_path / "pkg" / "model.py")
    Path(model).write_text(MODEL)
    workspace = Workspace()
    analyzer = Analyzer(workspace=workspace)
    first = _results(analyzer, model, MODEL)
    assert analyzer.cache_stats().kept_calls > 0
    found_by_act = first[1]  # type: ignore[index]
    assert list(found_by_act) == [str(ops)]  # relu of a partial tensor, two files away
    runs.clear()
    for typed in ("a", "ab", "abc"):
        edited = MODEL.replace("hidden = Linear", f"hidden{typed} = hidden = Linear")
        assert _results(analyzer, model, edited) == _results(Analyzer(), model, edited)
    # the fresh analyzers ran them; the warm one took them: each ran once per fresh check
    assert runs["Linear.__init__"] == 3
    assert runs["Linear.forward"] == 3
    assert runs["act"] == 3
    # a changed module is loaded again: its calls are run again, not taken
    workspace.set_document(str(ops), OPS.replace("torch.relu(t)", "t * 2"))
    after = _results(analyzer, model, MODEL)
    assert after[1] == {}  # type: ignore[index]
    assert after == _results(Analyzer(workspace=workspace), model, MODEL)


def test_a_kept_call_goes_on_from_this_calls_argument_origins(
    tmp_path: Path, runs: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept call is keyed by its arguments' shapes, not their origins, and its result's
    origin chain goes on from its argument's. Taken after lines moved above the call (or
    from another caller), a hover must show where this call's argument came from now, as a
    fresh check does, never the place the kept call's argument had."""
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", False)  # take kept calls, as users do
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "ops.py").write_text(
        "import torch\nimport spmd_types as spmd\nfrom spmd_types import V\n\n\n"
        "def scaled(t):\n    spmd.assert_type(t, {'tp': V})\n    s = t * 2\n"
        "    return s, (s + 1, s - 1)\n"
    )
    model = str(tmp_path / "pkg" / "model.py")
    text = (
        "import torch\nimport spmd_types as spmd\nfrom spmd_types import V\n"
        "from pkg.ops import scaled\n\n\n"
        "def forward(x):\n"
        "    x = torch.relu(x)\n"
        "    spmd.assert_type(x, {'tp': V})\n"
        "    y, pair = scaled(x)\n"
        "    return y, pair\n"
        "\n\n"
        "def other(z):\n"
        "    spmd.assert_type(z, {'tp': V})\n"
        "    return scaled(z)\n"
    )
    Path(model).write_text(text)
    analyzer = Analyzer(workspace=Workspace())
    analyzer.check(model, text)
    for edited in (
        text.replace("    x = torch.relu", "    # a note\n    x = torch.relu"),  # lines move
        text.replace("    x = torch.relu(x)\n", "    x = torch.relu(x)  # a note\n"),
        text.replace("def forward(x):\n", "def forward(x):\n    pass\n\n\n"),
    ):
        runs.clear()
        result = analyzer.check(model, edited)
        assert runs["scaled"] == 0  # taken, not run
        fresh = Analyzer(workspace=Workspace()).check(model, edited)
        assert seen(result) == seen(fresh)
        lines = edited.split("\n")
        steps = [
            step
            for fact in result.facts
            if lines[fact.span.line].startswith("    y, pair")
            for step in steps_of(fact.origin)
            if step.path in (None, model)
        ]
        # the chain reaches this file's assert_type and the steps before it, each at the
        # expression it names (``...`, which ...``) where it is now
        assert len(steps) >= 2
        for step in steps:
            named = step.description.split("`")[1][:12]
            assert lines[step.span.line][step.span.column :].startswith(named), step


def test_a_kept_call_is_taken_whatever_way_its_argument_came(
    tmp_path: Path, runs: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Calls with arguments of one shape share a kept call however long their arguments'
    origin chains are (a chain is cut where ``after`` finds it long, so the place of the cut
    depends on the way the value came): what a hover reads of the taken result's chains is
    what running the call gives."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "ops.py").write_text(
        "import torch\n\n\ndef scaled(t):\n    t = t * 2\n    return t, t + 1\n"
    )
    model = str(tmp_path / "pkg" / "model.py")
    text = (
        "import torch\nimport spmd_types as spmd\nfrom spmd_types import V\n"
        "from pkg.ops import scaled\n\n\n"
        "def short(x):\n"
        "    spmd.assert_type(x, {'tp': V})\n"
        "    x = x + 1\n"
        "    y, pair = scaled(x)\n"
        "    return y, pair\n"
        "\n\n"
        "def long(x):\n"
        "    spmd.assert_type(x, {'tp': V})\n"
        + "".join(f"    x = x + {k}\n" for k in range(1, 12))
        + "    y, pair = scaled(x)\n"
        + "    return y, pair\n"
    )
    Path(model).write_text(text)
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", False)  # take kept calls, as users do
    analyzer = Analyzer(workspace=Workspace())
    analyzer.check(model, text)
    # both ways made longer (the long one is cut inside the call): each call was kept with
    # an argument that came a shorter way
    edited = text.replace("    x = x + 1\n", "    x = x + 1\n" * 3, 1).replace(
        "    x = x + 11\n", "    x = x + 11\n    x = x + 12\n"
    )
    runs.clear()
    taken = analyzer.check(model, edited)
    assert runs["scaled"] == 0  # both taken
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", True)  # every call runs
    ran = Analyzer(workspace=Workspace()).check(model, edited)
    assert runs["scaled"] == 2
    assert seen(taken) == seen(ran)
    # and that is everything a hover reads
    assert CHAIN + 1 >= 2 * hover.STEPS


def test_a_memoised_call_goes_on_from_this_calls_argument_origins(
    runs: collections.Counter[str],
) -> None:
    """Calls memoised within a check (by identity and by shape, and constructions) are
    keyed without origins: the second call takes the first one's values, whose origin
    chains went on from the first call's arguments. A hover on the second call's result
    must show where its own argument came from, as running it would."""
    text = PRELUDE + (
        "class Scale(torch.nn.Module):\n"
        "    def __init__(self, w):\n"
        "        super().__init__()\n"
        "        self.w = w\n"
        "\n"
        "    def forward(self, t):\n"
        "        return t * self.w\n"
        "\n"
        "\n"
        "def helper(t):\n"
        "    return t * 2\n"
        "\n"
        "\n"
        "def f(a, w):\n"
        "    spmd.assert_type(a, {'tp': V})\n"
        "    spmd.assert_type(w, {'tp': R})\n"
        "    x = a + 1\n"  # of one type, from two places
        "    y = a - 1\n"
        "    first = helper(x)\n"
        "    second = helper(y)\n"
        "    one = Scale(w)(x)\n"
        "    other = Scale(w)(y)\n"
        "    return first, second, one, other\n"
    )
    result = Analyzer(workspace=Workspace()).check("m.py", text)
    lines = text.split("\n")
    # the second calls are memoised (a Scale's forward once on its own, on a template)
    assert runs["helper"] == 1
    assert runs["Scale.forward"] == 2
    for name, through in (("first", "x"), ("second", "y"), ("one", "x"), ("other", "y")):
        (fact,) = [
            f
            for f in result.facts
            if lines[f.span.line].startswith(f"    {name} =") and f.is_target
        ]
        steps = [lines[step.span.line] for step in steps_of(fact.origin)]
        made = {"x": "    x = a + 1", "y": "    y = a - 1"}
        assert [line for line in steps if line in made.values()] == [made[through]], name
        assert "    spmd.assert_type(a, {'tp': V})" in steps


def test_a_memoised_call_that_gives_an_object_gives_that_very_object() -> None:
    """Rebasing a memoised call's values to this call's argument origins copies the objects
    it holds; an object the memo gives must stay the object (what is written to it is seen
    through the caller's other names for it)."""
    text = PRELUDE + (
        "class Holder:\n"
        "    def __init__(self, t):\n"
        "        self.t = t\n"
        "\n"
        "    def get(self, x):\n"
        "        return self\n"
        "\n"
        "\n"
        "def f(a, p):\n"
        "    spmd.assert_type(a, {'tp': R})\n"
        "    spmd.assert_type(p, {'tp': P})\n"
        "    h = Holder(a)\n"
        "    x = a + 1\n"
        "    y = a - 1\n"
        "    h.get(x)\n"
        "    same = h.get(y)\n"  # memoised: of one type as x, from another place
        "    same.t = p\n"
        "    return torch.relu(h.t)\n"
    )
    found = _check(text[len(PRELUDE) :])
    line = text.split("\n").index("    return torch.relu(h.t)")
    assert (line, "spmd-partial-nonlinear") in found


PLACEMENTS = """import spmd_types as spmd
from spmd_types import R


class Layout:
    def __init__(self, tp):
        self.axes = {"dp": R, "tp": tp}
        self.t = None

    def load(self, t):
        self.t = t


def layout(tp):
    return Layout(tp)
"""

CONFIGS = """import torch
import spmd_types as spmd
from spmd_types import P, R
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh
from pkg.placements import layout


def configure(p, r):
    spmd.assert_type(p, {"dp": R, "tp": P})
    spmd.assert_type(r, {"dp": R, "tp": R})
    first = layout(R)
    second = layout(R)
    third = layout(P)
    second.load(p)
    first.load(r)
    reveal_type(second.t)
    return torch.relu(second.t)
"""


def test_a_factory_runs_once_and_each_call_gets_its_own_object(
    tmp_path: Path, runs: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call that builds and returns a new object (a factory) is kept as a pristine copy
    and handed out as copies: within a check, and across checks when it is another file's
    code. Each caller writes only its own copy, as it would write a new object."""
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", False)  # take kept calls, as users do
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "placements.py").write_text(PLACEMENTS)
    path = str(tmp_path / "pkg" / "configs.py")
    Path(path).write_text(CONFIGS)
    analyzer = Analyzer(workspace=Workspace())
    first = analyzer.check(path, CONFIGS)
    relu = CONFIGS.split("\n").index("    return torch.relu(second.t)")
    assert [(d.span.line, d.code) for d in first.diagnostics] == [(relu, "spmd-partial-nonlinear")]
    assert [{a: str(t) for a, t in r.types.items()} for r in first.reveals] == [
        {"dp": "R", "tp": "P"}
    ]
    assert runs["layout"] == 2  # layout(R) ran once: the second call took a copy
    runs.clear()
    for typed in ("a", "ab", "abc"):
        edited = CONFIGS.replace("    third =", f"    third{typed} = third =")
        assert _results(analyzer, path, edited) == _results(Analyzer(), path, edited)
    # each fresh analyzer ran layout(R) and layout(P) once; the warm one took both
    assert runs["layout"] == 3 * 2


HELPERS = """import torch


def helper(t):
    return torch.relu(t)


def outer(t):
    return helper(t) + 1
"""

CALLER = """import torch
import spmd_types as spmd
from spmd_types import P, R
from pkg.helpers import helper, outer


def f(p):
    spmd.assert_type(p, {"dp": R, "tp": P})
    helper(p)
    return outer(p)
"""


def test_a_call_that_took_a_memoised_call_is_kept_with_what_that_call_found(
    tmp_path: Path, runs: collections.Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``outer`` takes the memoised ``helper(p)`` its caller ran first; it is still kept for
    the next check, with the error ``helper`` found, and gives it there, where nothing ran
    ``helper`` before it."""
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", False)  # take kept calls, as users do
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    helpers = tmp_path / "pkg" / "helpers.py"
    helpers.write_text(HELPERS)
    path = str(tmp_path / "pkg" / "caller.py")
    Path(path).write_text(CALLER)
    analyzer = Analyzer(workspace=Workspace())
    first = analyzer.check(path, CALLER)
    assert list(first.elsewhere) == [str(helpers)]
    runs.clear()
    edited = CALLER.replace("    helper(p)\n", "    (p)\n")
    again = _results(analyzer, path, edited)
    assert runs["outer"] == 0  # taken from the first check
    found = again[1][str(helpers)]  # type: ignore[index]
    assert [(d.span, d.code) for d in found] == [
        (d.span, d.code) for d in first.elsewhere[str(helpers)]
    ]
    assert again == _results(Analyzer(), path, edited)
