"""Calls of the checked file's own code kept for its next check (``sharing.OwnCall``): a
driver that builds and runs a dozen of the file's models re-ran all of them on every
keystroke in any one of them. A taken call must give what running it gives: everything it
recorded (diagnostics with their related places, reveals, hover facts, collective facts,
the functions it covered) and its value, with this check's classes.

The suite runs with ``SPMD_CHECK_VERIFY_CARRIED=1``, under which a kept call is run again
and compared with what was kept (``Interpreter._keep_own``): every check of the suite
verifies the keys. These tests take the calls, as users have them, and compare the whole
result with a fresh check's."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
from spmd_check import infer
from spmd_check.analysis import Analyzer
from spmd_check.config import Config
from spmd_check.workspace import Workspace

from bench import gen_workspace
from bench.lsp.workload import Typist, edit_site
from bench.real_edits import seen

from .test_incremental_twins import ALL_CASES, CASES, _edits

MODELS = """import torch
import spmd_types as spmd
from spmd_types import I, P, R, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


class Linear(torch.nn.Module):
    def __init__(self, n, m, tp):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(m, n))
        spmd.assert_type(self.weight, {tp: V})

    def forward(self, x):
        return x @ self.weight.t()


class Mlp(torch.nn.Module):
    def __init__(self, n, tp):
        super().__init__()
        self.up = Linear(n, 4 * n, tp)
        self.down = Linear(4 * n, n, tp)

    def forward(self, x):
        h = self.up(x)
        reveal_type(h)
        return torch.relu(self.down(torch.relu(h)))


class Head(torch.nn.Module):
    def __init__(self, n, tp):
        super().__init__()
        self.tp = tp
        self.proj = Linear(n, n, tp)

    def forward(self, x):
        partial = self.proj(x)
        spmd.assert_type(partial, {self.tp: P})
        return torch.relu(partial)


def smoke():
    mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
    tp = mesh.get_group("tp")
    with spmd.set_current_mesh(mesh), typecheck():
        x = torch.randn(4, 8)
        spmd.assert_type(x, {"dp": V, "tp": I})
        y = Mlp(8, tp)(x)
        z = Head(8, tp)(x)
        return y, z
"""


@pytest.fixture(autouse=True)
def taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept calls are taken as users have them (not run again to verify them)."""
    monkeypatch.setattr(infer, "VERIFY_INCREMENTAL", False)


def _fresh(path: str, text: str) -> tuple[object, ...]:
    return seen(Analyzer(workspace=Workspace()).check(path, text))


def test_a_keystroke_in_one_model_runs_that_model_again_and_takes_the_others(
    tmp_path: Path, runs: collections.Counter[str]
) -> None:
    path = str(tmp_path / "models.py")
    analyzer = Analyzer(workspace=Workspace())
    first = analyzer.check(path, MODELS)
    # what the taken calls must give again: an error, a reveal and facts inside the models
    assert {d.code for d in first.diagnostics} >= {"spmd-partial-nonlinear"}
    assert first.reveals
    assert analyzer.cache_stats().own_calls == 0  # a first check keeps none
    text = MODELS.replace("partial = self.proj(x)", "partialz = partial = self.proj(x)")
    analyzer.check(path, text)
    assert analyzer.cache_stats().own_calls > 0
    for typed in ("a", "ab", "abc"):
        text = text.replace(
            "partial = self.proj(x)", f"partial{typed[-1]} = partial = self.proj(x)"
        )
        runs.clear()
        result = analyzer.check(path, text)
        # the smoke test runs again (it reads Head), and so does Head: Mlp and its layers
        # are taken from the last check, built and run
        assert runs["smoke"] == 1
        assert runs["Head.forward"] >= 1
        assert runs["Mlp.__init__"] == 0
        assert runs["Mlp.forward"] == 0
        assert seen(result) == _fresh(path, text)


def test_calls_are_run_again_once_lines_moved(
    tmp_path: Path, runs: collections.Counter[str]
) -> None:
    """A kept call's records hold this file's lines, and are not moved: after an edit that
    adds or removes lines, the calls run again (and are kept at the new lines)."""
    path = str(tmp_path / "models.py")
    analyzer = Analyzer(workspace=Workspace())
    analyzer.check(path, MODELS)
    analyzer.check(
        path, MODELS.replace("partial = self.proj(x)", "partialz = partial = self.proj(x)")
    )
    # a line added in Head.forward: the smoke test that reads it runs again, below it
    moved = MODELS.replace(
        "        return torch.relu(partial)",
        "        note = 1\n" * 2 + "        return torch.relu(partial)",
    )
    runs.clear()
    result = analyzer.check(path, moved)
    assert runs["Mlp.forward"] >= 1
    assert seen(result) == _fresh(path, moved)
    typed = moved.replace("partial = self.proj(x)", "partialx = partial = self.proj(x)")
    runs.clear()
    result = analyzer.check(path, typed)
    assert runs["Mlp.forward"] == 0
    assert seen(result) == _fresh(path, typed)


@pytest.mark.parametrize("path", ALL_CASES, ids=lambda path: str(path.relative_to(CASES)))
def test_edits_of_a_case_that_take_its_calls_equal_a_fresh_check(
    path: Path, runs: collections.Counter[str]
) -> None:
    """Every case that keeps calls of its own code, typed into as ``_edits`` types (a
    letter in a body, a name changed, lines added or removed), with the calls taken."""
    text = path.read_text(encoding="utf-8")
    analyzer = Analyzer(Config())
    analyzer.check(str(path), text)
    retyped = _letter_in_each_body(text)
    analyzer.check(str(path), retyped)  # keeps the calls it makes
    if analyzer.cache_stats().own_calls == 0:
        return  # nothing to take
    for edited in _edits(retyped, "own calls " + str(path.relative_to(CASES))):
        result = analyzer.check(str(path), edited)
        assert seen(result) == seen(Analyzer(Config()).check(str(path), edited))


def _letter_in_each_body(text: str) -> str:
    """A letter typed at the end of each function's first line: every analysis runs again
    (and keeps the calls it makes), none of the lines moves."""
    return "\n".join(
        line + "  # x" if line.lstrip().startswith("def ") and line.endswith(":") else line
        for line in text.split("\n")
    )


def test_typing_in_the_generated_model_file_takes_its_calls_as_a_fresh_check_runs_them(
    tmp_path: Path, runs: collections.Counter[str]
) -> None:
    """The benchmark's workspace model file (``bench/gen_workspace.py``): layers built from
    other files' blocks, models over them, and a smoke test that builds and runs a dozen
    models, typed into as the benchmark types (a letter at a time, an Enter every third
    key), each check against a fresh one."""
    gen_workspace.generate(tmp_path / "ws", lines=6000)
    path = str(tmp_path / "ws" / gen_workspace.MODEL_FILE)
    typist = Typist(Path(path).read_text(encoding="utf-8"), edit_site(Path(path).read_text()), 3)
    analyzer = Analyzer(workspace=Workspace())
    analyzer.check(path, typist.text)
    models_run = []
    for _ in range(7):
        typist.keystroke()
        runs.clear()
        result = analyzer.check(path, typist.text)
        models_run.append(sum(n for name, n in runs.items() if name.startswith("GPTModel")))
        assert seen(result) == seen(Analyzer(workspace=Workspace()).check(path, typist.text))
    # the letters after the first (1, 4, 6: the others follow an Enter, or are the first)
    # build and run the edited model only; the others, all of them
    assert max(models_run) > 2 * min(models_run[3], models_run[5]) > 0
