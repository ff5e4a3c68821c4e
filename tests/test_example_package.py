"""The multi-file example package ``examples/tp_transformer``, under the checker and the runtime.

* The package as written is well-typed: the runtime runs a training step of it
  without an error, and ``spmd-check`` reports nothing.
* Each planted bug is a one-line change to one file of the package. On a copy
  of the package with that change, the checker reports the bug's code on that
  line (and no error anywhere else), and the runtime raises on that same line
  with the exception class the code stands for (``spmd_check.codes``).

The runtime runs in this process, under the fake process group of the
conformance judge (``tests/conformance/judge.py``), whose state reset it reuses.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import shutil
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from spmd_check import cli
from spmd_check.codes import CODES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PACKAGE = EXAMPLES / "tp_transformer"
NAME = PACKAGE.name


@dataclass(frozen=True)
class PlantedBug:
    id: str
    file: str  # in the package
    original: str  # the whole line, stripped of indentation and trailing spaces
    replacement: str  # the same, re-indented like the original
    code: str  # the diagnostic the checker must report on that line
    why: str


PLANTED_BUGS = [
    PlantedBug(
        "forgotten-all-reduce",
        "parallel.py",
        "return spmd.all_reduce(partial, self.tp, src=P, dst=I) + self.bias",
        "return partial + self.bias",
        "spmd-invariant-mix",
        "the row-parallel partial sum is used as if it were reduced: P + the trainable I bias",
    ),
    PlantedBug(
        "bias-before-reduction",
        "parallel.py",
        "return spmd.all_reduce(partial, self.tp, src=P, dst=I) + self.bias",
        "return spmd.all_reduce(partial + self.bias, self.tp, src=P, dst=I)",
        "spmd-invariant-mix",
        "the bias would be added tp times; the bias is I and requires grad, so the runtime reports the I mix",
    ),
    PlantedBug(
        "activation-before-reduction",
        "parallel.py",
        "partial = spmd.reinterpret(x @ self.weight, self.tp, src=V, dst=P)",
        "partial = torch.nn.functional.gelu(spmd.reinterpret(x @ self.weight, self.tp, src=V, dst=P))",
        "spmd-partial-nonlinear",
        "GELU of a partial sum is not the sum of the GELUs",
    ),
    PlantedBug(
        "missing-convert",
        "parallel.py",
        "y = spmd.convert(x, self.tp, src=I, dst=R) @ self.weight  # R @ V -> V",
        "y = x @ self.weight  # R @ V -> V",
        "spmd-invariant-mix",
        "an Invariant activation that requires grad meets the Varying weight without convert(I, R)",
    ),
    PlantedBug(
        "double-all-reduce",
        "model.py",
        "x = x + self.attn(self.ln1(x))",
        "x = x + spmd.all_reduce(self.attn(self.ln1(x)), self.tp, src=spmd.P, dst=I)",
        "spmd-src-mismatch",
        "the attention output is already reduced (I) by its row-parallel projection",
    ),
    PlantedBug(
        "z-loss-after-dp-reduction",
        "loss.py",
        "return spmd.reinterpret(share, dp, src=V, dst=P)",
        "return spmd.reinterpret(share, dp, src=V, dst=P) + z_loss * lse.pow(2).mean()",
        "spmd-partial-varying",
        "a per-rank (V on dp) term added to the loss after it was declared a partial sum over dp",
    ),
    PlantedBug(
        "penalty-on-partial-loss",
        "train.py",
        "loss = losses.vocab_parallel_cross_entropy(logits, labels, dp, tp)  # {dp: P, tp: I}",
        "loss = losses.vocab_parallel_cross_entropy(logits, labels, dp, tp) + 1e-4 * model.embed.pow(2).sum()",
        "spmd-partial-affine",
        "a weight penalty (R on dp) added to each dp rank's share of the loss: counted dp times",
    ),
    PlantedBug(
        "wrong-src",
        "train.py",
        "global_loss = spmd.all_reduce(loss.detach(), dp, src=P, dst=I)",
        "global_loss = spmd.all_reduce(loss.detach(), dp, src=V, dst=I)",
        "spmd-src-mismatch",
        "the loss is P on dp, not V",
    ),
    PlantedBug(
        "perplexity-of-partial-loss",
        "train.py",
        "perplexity = global_loss.exp()",
        "perplexity = loss.detach().exp()",
        "spmd-partial-nonlinear",
        "exp() of this rank's share of the loss, instead of the reduced loss",
    ),
    PlantedBug(
        "backward-on-replicate-loss",
        "train.py",
        "loss.backward()",
        "spmd.all_reduce(loss, dp, src=P, dst=spmd.R).backward()",
        "spmd-backward-loss",
        "backward() on a loss reduced to R over dp: its gradient would be counted dp times",
    ),
]


# ---------------------------------------------------------------------------
# applying a bug


def _find_line(lines: list[str], text: str, where: str) -> int:
    """0-based index of the one line whose stripped text is ``text``."""
    hits = [i for i, line in enumerate(lines) if line.strip() == text]
    assert len(hits) == 1, f"{where}: expected exactly one line {text!r}, found {len(hits)}"
    return hits[0]


def plant(bug: PlantedBug, root: Path) -> tuple[Path, int]:
    """Copy the package under ``root`` with the bug in it; the copy and the bug's 1-based line."""
    copy = root / NAME
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    target = copy / bug.file
    lines = target.read_text().splitlines(keepends=True)
    index = _find_line(lines, bug.original, f"{NAME}/{bug.file}")
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = indent + bug.replacement + "\n"
    target.write_text("".join(lines))
    return copy, index + 1


# ---------------------------------------------------------------------------
# the checker


@dataclass(frozen=True)
class Reported:
    path: Path
    line: int
    severity: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path.name}:{self.line}: {self.severity} {self.code} {self.message.splitlines()[0]}"


def run_checker(path: Path) -> list[Reported]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        cli.main(["--format", "json", str(path)])
    document = json.loads(out.getvalue())
    return [
        Reported(Path(d["path"]).resolve(), d["line"], d["severity"], d["code"], d["message"])
        for d in document["diagnostics"]
    ]


# ---------------------------------------------------------------------------
# the runtime


@dataclass
class RuntimeRun:
    error: BaseException | None = None
    error_classes: tuple[str, ...] = ()
    error_file: Path | None = None  # the deepest frame in the package
    error_line: int | None = None
    traceback: str = ""
    leftovers: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.error is None:
            return "the runtime ran the step without an error"
        first = (str(self.error).strip().splitlines() or [""])[0]
        where = (
            f"{self.error_file.name}:{self.error_line}"
            if self.error_file
            else "outside the package"
        )
        return (
            f"the runtime raised {type(self.error).__name__} at {where}: {first}\n{self.traceback}"
        )


def _forget_package() -> None:
    for name in [m for m in sys.modules if m == NAME or m.startswith(NAME + ".")]:
        del sys.modules[name]


def run_runtime(package_dir: Path) -> RuntimeRun:
    """Run ``<package>.train.main()`` in this process under the runtime checker."""
    pytest.importorskip("torch")
    pytest.importorskip("spmd_types")
    from spmd_types import _mesh_axis

    from tests.conformance import judge

    judge.ensure_process_group(8)
    _mesh_axis._reset()
    case = judge.CaseRun(path=package_dir, world_size=8)
    snapshot = judge._snapshot()
    run = RuntimeRun()
    root = str(package_dir.parent.resolve())
    package = package_dir.resolve()
    _forget_package()
    sys.path.insert(0, root)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            importlib.import_module(f"{NAME}.train").main()
    except Exception as e:  # the verdict, not a failure of the test
        run.error = e
        run.error_classes = tuple(c.__name__ for c in type(e).__mro__)
        run.traceback = "".join(traceback.format_exception(e))
        for frame in traceback.extract_tb(e.__traceback__):
            filename = Path(frame.filename).resolve()
            if filename.parent == package:
                run.error_file, run.error_line = filename, frame.lineno
    finally:
        sys.path.remove(root)
        _forget_package()
        judge._clean_state(case)
        judge._restore(snapshot)
        _mesh_axis._reset()
    run.leftovers = tuple(case.leftovers)
    return run


# ---------------------------------------------------------------------------
# the tests


def test_package_runs_clean_under_the_runtime() -> None:
    run = run_runtime(PACKAGE)
    assert run.error is None, run.summary()
    assert not run.leftovers, f"the step left runtime state behind: {run.leftovers}"


def test_checker_reports_nothing_on_the_package() -> None:
    reported = run_checker(PACKAGE)
    assert reported == [], "\n".join(map(str, reported))


def test_planted_bugs_are_single_line_edits_of_the_package() -> None:
    for bug in PLANTED_BUGS:
        assert bug.code in CODES, f"{bug.id}: unknown code {bug.code}"
        assert CODES[bug.code].runtime_error is not None, bug.id
        lines = (PACKAGE / bug.file).read_text().splitlines()
        _find_line(lines, bug.original, f"{bug.id}: {bug.file}")
    assert len({b.id for b in PLANTED_BUGS}) == len(PLANTED_BUGS)


@pytest.mark.parametrize("bug", PLANTED_BUGS, ids=lambda b: b.id)
def test_runtime_raises_on_the_planted_line(bug: PlantedBug, tmp_path: Path) -> None:
    copy, line = plant(bug, tmp_path)
    run = run_runtime(copy)
    expected = CODES[bug.code].runtime_error
    assert run.error is not None, (
        f"{bug.id}: expected {expected} at {bug.file}:{line}; {run.summary()}"
    )
    assert (run.error_file, run.error_line) == ((copy / bug.file).resolve(), line), (
        f"{bug.id}: expected {expected} at {bug.file}:{line}; {run.summary()}"
    )
    assert expected in run.error_classes, f"{bug.id}: expected {expected}; {run.summary()}"
    assert not run.leftovers, f"{bug.id}: the step left runtime state behind: {run.leftovers}"


@pytest.mark.parametrize("bug", PLANTED_BUGS, ids=lambda b: b.id)
def test_checker_reports_the_planted_bug(bug: PlantedBug, tmp_path: Path) -> None:
    copy, line = plant(bug, tmp_path)
    target = (copy / bug.file).resolve()
    reported = run_checker(copy)
    listing = "\n".join(map(str, reported)) or "(nothing)"
    hits = [
        r
        for r in reported
        if r.path == target and r.line == line and r.code == bug.code and r.severity == "error"
    ]
    assert hits, (
        f"{bug.id}: expected error {bug.code} at {bug.file}:{line}; the checker reported:\n{listing}"
    )
    elsewhere = [
        r for r in reported if r.severity == "error" and (r.path, r.line) != (target, line)
    ]
    assert not elsewhere, f"{bug.id}: errors away from {bug.file}:{line}:\n{listing}"
