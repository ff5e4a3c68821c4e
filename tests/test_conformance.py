"""The runtime judge: every case under tests/cases runs under the real runtime
(spmd-types 0.3.1, torch CPU, fake process group), which must agree with the
case's expectations. See tests/cases/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("spmd_types")

from spmd_check.codes import CODES  # noqa: E402
from spmd_check.lattice import parse_local_type  # noqa: E402

from tests.conformance.expectations import parse_case  # noqa: E402
from tests.conformance.judge import CaseRun, run_case  # noqa: E402

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p for p in CASES_DIR.rglob("*.py") if p.is_file())


def _id(p: Path) -> str:
    return p.relative_to(CASES_DIR).as_posix()


def _runtime_error(code: str) -> str | None:
    if code not in CODES:
        raise AssertionError(f"unknown diagnostic code {code!r}")
    return CODES[code].runtime_error


def _describe(run: CaseRun) -> str:
    if run.error is None:
        return "the runtime ran the case without an error"
    return f"the runtime {run.error_summary}\n--- runtime traceback ---\n{run.error_traceback}"


def _accepts(run: CaseRun, codes: list[str]) -> bool:
    """Does the runtime's exception match one of the codes' runtime_error?"""
    wanted = {_runtime_error(c) for c in codes} - {None}
    return bool(wanted & set(run.error_classes))


@pytest.mark.parametrize("path", CASES, ids=_id)
def test_runtime_agrees(path: Path) -> None:
    exp = parse_case(path)
    if exp.exempt_reason is not None:
        pytest.skip(f"runtime: exempt -- {exp.exempt_reason}")
    rel = _id(path)
    assert len(exp.errors) <= 1, (
        f"{rel}: the runtime stops at its first error; at most one '# E:' line"
    )

    run = run_case(path)
    assert not run.leftovers, f"{rel}: the case left runtime state behind: {run.leftovers}"

    if exp.errors:
        ((line, codes),) = exp.errors.items()
        classes = sorted({_runtime_error(c) or "<none>" for c in codes})
        assert run.error is not None, (
            f"{rel}:{line}: expected {codes} ({', '.join(classes)}); {_describe(run)}"
        )
        assert run.error_line == line, f"{rel}:{line}: expected {codes} here; {_describe(run)}"
        assert _accepts(run, codes), (
            f"{rel}:{line}: expected an exception of class {', '.join(classes)} for {codes}; {_describe(run)}"
        )
    elif run.error is not None:
        line = run.error_line
        assert line in exp.warnings, f"{rel}: expected a clean run; {_describe(run)}"
        codes = exp.warnings[line]
        assert _accepts(run, codes), (
            f"{rel}:{line}: the runtime raised on a '# W: {', '.join(codes)}' line, but with the wrong class; {_describe(run)}"
        )

    for line, text in sorted(exp.reveals.items()):
        expected = parse_local_type(text)
        if expected is None:  # Unknown: the checker gives up, nothing to compare
            continue
        want = {axis: str(t) for axis, t in expected.items()}
        got = run.reveals.get(line)
        if got is None:
            if run.error is not None:
                continue  # the runtime stopped (at the expected error) before reaching it
            pytest.fail(
                f"{rel}:{line}: expected reveal_type {text}, but the runtime never reached this reveal_type; {_describe(run)}"
            )
        for seen in got:
            assert seen == want, (
                f"{rel}:{line}: '# T: {text}' but the runtime revealed "
                "{" + ", ".join(f"{a}: {t}" for a, t in seen.items()) + "}"
            )


# ---------------------------------------------------------------------------
# the expectation parser itself


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "case.py"
    p.write_text(text)
    return p


def test_parse_markers(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        "# runtime: exempt -- checker-only\n"
        '# config: strict-mode = "permissive"\n'
        '"""doc"""\n'
        's = "# E: spmd-internal"\n'
        "y = f(x)  # E: spmd-src-mismatch, spmd-partial-nonlinear\n"
        "reveal_type(y)  # T: {dp: R, tp: S(0)}  # W: spmd-invariant-mix\n"
        "# an ordinary comment: see E-mail\n",
    )
    exp = parse_case(p)
    assert exp.exempt_reason == "checker-only"
    assert exp.config == {"strict-mode": "permissive"}
    assert exp.errors == {5: ["spmd-src-mismatch", "spmd-partial-nonlinear"]}
    assert exp.warnings == {6: ["spmd-invariant-mix"]}
    assert exp.reveals == {6: "{dp: R, tp: S(0)}"}


@pytest.mark.parametrize(
    "text",
    [
        "x = 1  # E:\n",
        "x = 1  # E: not a code!\n",
        "x = 1  # E: spmd-no-such-code\n",
        "x = 1  # T:\n",
        "x = 1  # T: {dp R}\n",
        'x = 1\n# config: strict-mode = "permissive"\n',
        "# runtime: skip\n",
        "# config: = broken\n",
    ],
)
def test_parse_malformed(tmp_path: Path, text: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"case\.py"):
        parse_case(p)
