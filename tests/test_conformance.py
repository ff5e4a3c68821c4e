"""The runtime judge: every case under tests/cases runs under the real runtime
(spmd-types 0.3.1, torch CPU, fake process group), which must agree with the
case's expectations. See tests/cases/README.md.

Each case's script-view expectations are judged by running it; a library case's
library-view expectations are judged by the same whole-file run, where the
runtime can judge them: an error the library view expects (``# LE:``, and a
known miss ``# LX:``) must be where the runtime raises, a library-view warning
may only be where it raises with its class, and a library-view type must agree
with every type the runtime revealed there, on the axes it lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("spmd_types")

from spmd_check.codes import CODES  # noqa: E402

from tests.conformance.expectations import (  # noqa: E402
    library_text,
    parse_case,
    parse_expected_type,
)
from tests.conformance.judge import CaseRun, run_case  # noqa: E402

CASES_DIR = Path(__file__).parent / "cases"
CASES = sorted(p for p in CASES_DIR.rglob("*.py") if p.is_file())
LIBRARY_CASES = [p for p in CASES if parse_case(p).is_library]


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

    run = _library_run(path) if exp.is_library else run_case(path)
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

    _check_reveals(rel, exp.reveals, run, "T")


def _check_reveals(rel: str, reveals: dict[int, str], run: CaseRun, marker: str) -> None:
    """Every runtime type revealed on an expected line agrees with the expectation: equal for
    a complete type, on the listed axes for a partial one (``{tp: V, ...}``). An axis the
    runtime cannot name (spelled after a process-group parameter, ``tp_group``) is not
    compared."""
    for line, text in sorted(reveals.items()):
        expected = parse_expected_type(text)
        if expected.unknown:  # Unknown: the checker gives up, nothing to compare
            continue
        want = {axis: str(t) for axis, t in expected.types.items()}
        got = run.reveals.get(line)
        if got is None:
            if run.error is not None:
                continue  # the runtime stopped (at the expected error) before reaching it
            pytest.fail(
                f"{rel}:{line}: expected reveal_type {text}, but the runtime never reached this reveal_type; {_describe(run)}"
            )
        named = {a: t for a, t in want.items() if a in run.mesh_dim_names}
        for seen in got:
            shown = "{" + ", ".join(f"{a}: {t}" for a, t in seen.items()) + "}"
            if expected.complete and len(named) == len(want):
                ok = seen == want
            else:
                ok = all(seen.get(a) == t for a, t in named.items())
            assert ok, f"{rel}:{line}: '# {marker}: {text}' but the runtime revealed {shown}"


def _library_run(path: Path) -> CaseRun:
    """A library case runs once for both of its tests."""
    if path not in _LIBRARY_RUNS:
        _LIBRARY_RUNS[path] = run_case(path)
    return _LIBRARY_RUNS[path]


_LIBRARY_RUNS: dict[Path, CaseRun] = {}


@pytest.mark.parametrize("path", LIBRARY_CASES, ids=_id)
def test_runtime_agrees_library(path: Path) -> None:
    """The library view's expectations, where the whole-file run can judge them."""
    exp = parse_case(path)
    if exp.exempt_reason is not None:
        pytest.skip(f"runtime: exempt -- {exp.exempt_reason}")
    assert exp.library is not None
    rel = _id(path)
    view = exp.library
    run = _library_run(path)
    expected_errors = dict(view.errors)
    for line, (code, _) in view.misses.items():
        expected_errors.setdefault(line, []).append(code)
    assert len(expected_errors) <= 1, (
        f"{rel}: the library view expects errors on lines {sorted(expected_errors)}; "
        "the whole-file run raises once, so the runtime can confirm one at most"
    )
    for line, codes in expected_errors.items():
        classes = sorted({_runtime_error(c) or "<none>" for c in codes})
        assert run.error is not None and run.error_line == line, (
            f"{rel}:{line}: the library view expects {codes} here, so the runtime must raise "
            f"here when the whole file runs; {_describe(run)}"
        )
        assert _accepts(run, codes), (
            f"{rel}:{line}: expected an exception of class {', '.join(classes)} for {codes}; {_describe(run)}"
        )
    for line, codes in view.warnings.items():
        if run.error is not None and run.error_line == line:
            assert _accepts(run, codes), (
                f"{rel}:{line}: the runtime raised on a '# LW: {', '.join(codes)}' line, but with the wrong class; {_describe(run)}"
            )
    _check_reveals(rel, view.reveals, run, "LT")


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
    assert exp.library is None and not exp.is_library


def test_parse_fragments(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        'y = f(x)  # E: spmd-partial-nonlinear "axis tp", spmd-src-mismatch\n'
        'z = g(y)  # W: spmd-invariant-mix "requires grad, maybe"\n',
    )
    exp = parse_case(p)
    assert exp.errors == {1: ["spmd-partial-nonlinear", "spmd-src-mismatch"]}
    assert exp.warnings == {2: ["spmd-invariant-mix"]}
    assert exp.fragments == {
        (1, "spmd-partial-nonlinear"): "axis tp",
        (2, "spmd-invariant-mix"): "requires grad, maybe",
    }


LIBRARY_CASE = (
    '# config: strict-mode = "strict"\n'  # 1
    '# library-config: mesh-axes = ["dp", "tp"]\n'  # 2
    "import torch\n"  # 3
    "def f(x, tp):\n"  # 4
    "    y = g(x)  # E: spmd-partial-nonlinear\n"  # 5: shared by both views
    "    z = h(y)  # E: spmd-partial-affine  # L: -\n"  # 6: script view only
    "    reveal_type(z)  # T: {dp: R, tp: P}  # LT: {tp: P, ...}\n"  # 7
    '    w = k(z)  # LE: spmd-src-mismatch "axis tp"\n'  # 8: library view only
    "    v = m(w)  # W: spmd-invariant-mix  # LX: spmd-invariant-mix -- needs the grad flag\n"  # 9
    "    reveal_type(v)  # LT: Unknown\n"  # 10
    "    return v  # LW: spmd-missing-axis\n"  # 11
    "# --- driver ---\n"  # 12
    "f(1, 2)  # E: spmd-src-mismatch\n"  # 13
)


def test_parse_library_view(tmp_path: Path) -> None:
    exp = parse_case(_write(tmp_path, LIBRARY_CASE))
    assert exp.is_library and exp.driver_line == 12
    assert exp.config == {"strict-mode": "strict"}
    assert exp.library_config == {"mesh-axes": ["dp", "tp"]}
    # the script view: the shared markers, on every line
    assert exp.errors == {
        5: ["spmd-partial-nonlinear"],
        6: ["spmd-partial-affine"],
        13: ["spmd-src-mismatch"],
    }
    assert exp.warnings == {9: ["spmd-invariant-mix"]}
    assert exp.reveals == {7: "{dp: R, tp: P}"}
    # the library view: shared markers on library lines, replaced where a line has L-markers
    lib = exp.library
    assert lib is not None
    assert lib.errors == {5: ["spmd-partial-nonlinear"], 8: ["spmd-src-mismatch"]}
    assert lib.warnings == {11: ["spmd-missing-axis"]}
    assert lib.reveals == {7: "{tp: P, ...}", 10: "Unknown"}
    assert lib.fragments == {(8, "spmd-src-mismatch"): "axis tp"}
    assert lib.misses == {9: ("spmd-invariant-mix", "needs the grad flag")}
    assert (
        library_text(LIBRARY_CASE, exp.driver_line).splitlines()[-1]
        == "    return v  # LW: spmd-missing-axis"
    )


def test_parse_partial_types() -> None:
    partial = parse_expected_type("{tp: V, ...}")
    assert not partial.complete and dict(partial.types) == {
        "tp": parse_expected_type("{tp: V}").types["tp"]
    }
    assert parse_expected_type("{dp: R, tp: S(0)}").complete
    assert parse_expected_type("Unknown").unknown


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
        'x = 1  # E: spmd-partial-nonlinear "unbalanced\n',
        "x = 1  # E: spmd-partial-nonlinear axis tp\n",
        "x = 1  # LE: spmd-partial-nonlinear\n",  # no driver marker
        '# library-config: mesh-axes = ["tp"]\nx = 1\n',  # no driver marker
        "x = 1  # E: spmd-partial-nonlinear  # L: x\n# --- driver ---\n",
        "x = 1  # L: -\n# --- driver ---\n",  # nothing to replace
        "x = 1  # E: spmd-partial-nonlinear  # L: -  # LT: {tp: R}\n# --- driver ---\n",
        "x = 1  # LX: spmd-partial-nonlinear\n# --- driver ---\n",  # no reason
        "x = 1  # LT: {...}\n# --- driver ---\n",
        "x = 1\n# --- driver ---\ny = 2  # LE: spmd-partial-nonlinear\n",  # below the marker
        "x = 1\n# --- driver ---\n# --- driver ---\n",
        "x = 1\n    # --- driver ---\n",
        "mesh = init_device_mesh('cpu', (4,))\n# --- driver ---\n",  # a script above the marker
        "with typecheck():\n    pass\n# --- driver ---\n",
    ],
)
def test_parse_malformed(tmp_path: Path, text: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(ValueError, match=r"case\.py"):
        parse_case(p)
