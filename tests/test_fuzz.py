"""Differential fuzzing: random programs, the checker against the runtime (docs/fuzzing.md).

The short run (60 derandomized programs) is part of the suite. A long run:

    SPMD_FUZZ_EXAMPLES=5000 /work/venv/bin/pytest tests/test_fuzz.py -q

Other knobs (environment variables):

- ``SPMD_FUZZ_SEED=<int>``: draw other programs than the derandomized default.
- ``SPMD_FUZZ_COLLECT=<dir>``: a campaign: never fail; write the shortest program
  of every distinct kind of disagreement to ``<dir>`` and go on.
- ``SPMD_FUZZ_TARGET=<text>``: fail only on disagreements whose signature contains
  the text, so that hypothesis minimises a program showing that one.
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

test_checker_agrees_with_runtime = _settings(given(programs())(_test))
if SEED is not None:
    test_checker_agrees_with_runtime = seed(int(SEED))(test_checker_agrees_with_runtime)
