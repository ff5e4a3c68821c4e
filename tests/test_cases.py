"""The data-driven checker cases: every file under tests/cases, one test each.

The expectations are comments in the case (tests/cases/README.md). The checker
must report exactly the expected codes on the expected lines, with the
expected severities, reveal exactly the expected types, and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.codes import Severity
from spmd_check.config import Config, parse_settings
from spmd_check.lattice import parse_local_type

from tests.conformance.expectations import parse_case

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(p for p in CASES.rglob("*.py"))


def _config(settings: dict[str, object], path: Path) -> Config:
    return parse_settings(settings, str(path)) if settings else Config()


@pytest.mark.parametrize("path", CASE_FILES, ids=[str(p.relative_to(CASES)) for p in CASE_FILES])
def test_case(path: Path) -> None:
    expected = parse_case(path)
    result = Analyzer(_config(expected.config, path)).check(
        str(path), path.read_text(encoding="utf-8")
    )
    got_errors: dict[int, list[str]] = {}
    got_warnings: dict[int, list[str]] = {}
    for d in result.diagnostics:
        bucket = got_errors if d.severity is Severity.ERROR else got_warnings
        bucket.setdefault(d.span.line + 1, []).append(d.code)
    report = "\n".join(
        f"  line {d.span.line + 1}: {d.severity.value} {d.code}: {d.message.splitlines()[0]}"
        for d in result.diagnostics
    )
    assert {k: sorted(v) for k, v in got_errors.items()} == {
        k: sorted(v) for k, v in expected.errors.items()
    }, f"errors differ in {path.name}; the checker reported:\n{report or '  nothing'}"
    assert {k: sorted(v) for k, v in got_warnings.items()} == {
        k: sorted(v) for k, v in expected.warnings.items()
    }, f"warnings differ in {path.name}; the checker reported:\n{report or '  nothing'}"
    got_reveals = {r.span.line + 1: r.types for r in result.reveals}
    for line, text in expected.reveals.items():
        assert line in got_reveals, f"{path.name}:{line}: no reveal_type result on this line"
        want = parse_local_type(text)
        assert got_reveals[line] == want, (
            f"{path.name}:{line}: revealed {got_reveals[line] if got_reveals[line] is not None else 'Unknown'}, expected {text}"
        )
