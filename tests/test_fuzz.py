"""Differential fuzzing: random programs, the checker against the runtime (docs/fuzzing.md).

The short run (60 derandomized programs, about a third of them library programs whose
library view is checked too) is part of the suite. A long run:

    SPMD_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/test_fuzz.py -q

Other knobs (environment variables):

- ``SPMD_FUZZ_SEED=<int>``: draw other programs than the derandomized default.
- ``SPMD_FUZZ_COLLECT=<dir>``: a campaign: never fail; write the shortest program
  of every distinct kind of disagreement to ``<dir>`` and go on.
- ``SPMD_FUZZ_TARGET=<text>``: fail only on disagreements whose signature contains
  the text, so that hypothesis minimises a program showing that one.
- ``SPMD_FUZZ_LIBRARY=only|never``: library programs only, or none (default: both).
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("spmd_types")

from hypothesis import HealthCheck, assume, given, seed, settings

from tests.fuzz.grammar import Program, programs
from tests.fuzz.oracle import compare

EXAMPLES = int(os.environ.get("SPMD_FUZZ_EXAMPLES", "60"))
SEED = os.environ.get("SPMD_FUZZ_SEED")
COLLECT = os.environ.get("SPMD_FUZZ_COLLECT")
TARGET = os.environ.get("SPMD_FUZZ_TARGET")
LIBRARY = {"only": True, "never": False}.get(os.environ.get("SPMD_FUZZ_LIBRARY", ""))

STATS: Counter = Counter()
FINDINGS: dict[str, tuple[int, str]] = {}  # signature -> (size, explanation)


def _collect(signature: str, program: Program, text: str) -> None:
    size = len(program.source().splitlines())
    if signature in FINDINGS and FINDINGS[signature][0] <= size:
        return
    FINDINGS[signature] = (size, text)
    out = Path(COLLECT)  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() or c in "-_" else "_" for c in signature)[:120]
    (out / f"{name}.txt").write_text(f"signature: {signature}\n{text}\n")


@pytest.fixture(scope="module", autouse=True)
def _summary(pytestconfig):
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None or not STATS["programs"]:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        _write_summary(reporter)


def _write_summary(reporter) -> None:
    typed, total = STATS["reveals-typed"], STATS["reveals-judged"]
    reporter.write_line("")
    reporter.write_line(
        f"fuzz: {STATS['programs']} programs ({STATS['discarded']} discarded as invalid), "
        f"{STATS['runs']} runtime runs: {STATS['runtime-error']} raised, {STATS['runtime-clean']} clean; "
        f"errors found {STATS['errors-found']} (+{STATS['errors-found-as-warning']} as warnings); "
        f"reveals compared {total}, typed by the checker {typed} "
        f"({(100 * typed / total) if total else 0:.1f}%), path-dependent {STATS['reveals-path-dependent']}, "
        f"in helpers not fully run {STATS['reveals-unjudged']}; "
        f"disagreements {STATS['disagreements']}"
    )
    if STATS["library-programs"]:
        reporter.write_line(
            f"  library view: {STATS['library-programs']} programs; runtime errors in the library "
            f"{STATS['library-runtime-errors']}, found {STATS['library-errors-found']} "
            f"(+{STATS['library-errors-found-as-warning']} as warnings); errors reported "
            f"{STATS['library-errors-reported']} (confirmed by the runtime "
            f"{STATS['library-errors-confirmed']}, unjudged {STATS['library-errors-unjudged']}); "
            f"reveals compared {STATS['library-reveals-compared']} "
            f"(partial {STATS['library-reveals-partial']}), Unknown {STATS['library-reveals-unknown']}"
        )
    invalid = {k.split(":", 1)[1]: v for k, v in STATS.items() if k.startswith("invalid:")}
    if invalid:
        reporter.write_line(f"  discarded (not a type verdict): {dict(sorted(invalid.items()))}")
    for signature, (size, _) in sorted(FINDINGS.items()):
        reporter.write_line(f"  finding ({size} lines): {signature}")


def _test(program: Program) -> None:
    report = compare(program)
    STATS["programs"] += 1
    if report.invalid:
        STATS["discarded"] += 1
        bad = next(r for r in report.runs if r.verdict == "invalid")
        STATS[f"invalid:{bad.error_class}"] += 1
    assume(not report.invalid)
    STATS["runs"] += len(report.runs)
    STATS.update(report.stats)
    found = report.disagreements
    if TARGET is not None:
        found = [d for d in found if TARGET in d.signature]
    STATS["disagreements"] += len(found)
    if COLLECT is not None:
        for d in found:
            _collect(d.signature, program, report.explain())
        return
    assert not found, "the checker disagrees with the runtime:\n" + report.explain()


_settings = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)

test_checker_agrees_with_runtime = _settings(given(programs(library=LIBRARY))(_test))
if SEED is not None:
    test_checker_agrees_with_runtime = seed(int(SEED))(test_checker_agrees_with_runtime)


# ---------------------------------------------------------------------------
# the library view's comparison, on a fixed program

LIBRARY_PROGRAM = """\
import torch
import torch.nn.functional as F
import spmd_types as spmd
from spmd_types import I, P, R, S, V
from spmd_types.checker import typecheck
from torch.distributed.device_mesh import init_device_mesh


def step(x1, tp_group):
    y2 = F.gelu(x1)
    c3 = spmd.reinterpret(y2, tp_group, src=V, dst=P)
    reveal_type(c3)
    y4 = torch.exp(c3)
    return y4


# --- driver ---
mesh = init_device_mesh("cpu", (2, 4), mesh_dim_names=("dp", "tp"))
tp_group = mesh.get_group("tp")
with spmd.set_current_mesh(mesh), typecheck():
    x1 = torch.randn(4, 4)
    spmd.assert_type(x1, {"dp": V, "tp": V})
    step(x1, tp_group)
"""


def _fake_library_result(monkeypatch, diagnostics, reveals=()):
    from types import SimpleNamespace

    from spmd_check.codes import Severity
    from spmd_check.lattice import parse_local_type
    from spmd_check.results import Diagnostic, ModuleResult, Reveal, Span

    from tests.fuzz import oracle

    real = oracle.run_checker

    def run_checker(source, name="program"):
        if "# --- driver ---" in source:
            return real(source, name)
        return ModuleResult(
            "program.py",
            diagnostics=[
                Diagnostic(Span(line - 1, 0, line - 1, 1), code, "fake", Severity.ERROR)
                for line, code in diagnostics
            ],
            reveals=[
                Reveal(Span(line - 1, 0, line - 1, 1), "c3", parse_local_type(text))
                if complete
                else SimpleNamespace(
                    span=Span(line - 1, 0, line - 1, 1),
                    types=parse_local_type(text),
                    complete=False,
                )
                for line, text, complete in reveals
            ],
        )

    monkeypatch.setattr(oracle, "run_checker", run_checker)


def test_library_view_false_alarm_and_confirmation(monkeypatch) -> None:
    from tests.fuzz.oracle import compare_texts

    driver = LIBRARY_PROGRAM.splitlines().index("# --- driver ---") + 1
    # the runtime goes past line 10 (gelu of a Varying x1) and raises on line 13 (exp of P)
    _fake_library_result(
        monkeypatch,
        [(10, "spmd-partial-nonlinear"), (13, "spmd-partial-nonlinear")],
        [(12, "{tp: P}", True)],  # complete: but the runtime also has dp
    )
    report = compare_texts({True: LIBRARY_PROGRAM}, driver_line=driver)
    kinds = sorted((d.kind, d.line) for d in report.disagreements)
    assert kinds == [("library-false-error", 10), ("library-reveal-mismatch", 12)], report.explain()
    assert report.stats["library-errors-confirmed"] == 1
    assert report.stats["library-runtime-errors"] == 1
    assert report.stats["library-errors-found"] == 1


def test_library_view_agrees(monkeypatch) -> None:
    from tests.fuzz.oracle import compare_texts

    driver = LIBRARY_PROGRAM.splitlines().index("# --- driver ---") + 1
    _fake_library_result(monkeypatch, [(13, "spmd-partial-nonlinear")], [(12, "{tp: P}", False)])
    report = compare_texts({True: LIBRARY_PROGRAM}, driver_line=driver)
    assert not [d for d in report.disagreements if d.kind.startswith("library")], report.explain()
    assert report.stats["library-reveals-compared"] == 1
    assert report.stats["library-reveals-partial"] == 1
