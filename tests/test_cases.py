"""The data-driven checker cases: every file under tests/cases, one test per view.

The expectations are comments in the case (tests/cases/README.md). In the script
view (every case, the whole file) and in the library view (cases with a
``# --- driver ---`` line: only the text above it, as a library module) the
checker must report exactly the expected codes on the expected lines, with the
expected severities and message fragments, reveal exactly the expected types,
and nothing else. The run ends with the list of the library view's known misses
(``# LX:``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.codes import Severity
from spmd_check.config import Config, parse_settings
from spmd_check.results import ModuleResult

from tests.conformance.expectations import (
    View,
    library_text,
    parse_case,
    parse_expected_type,
)

CASES = Path(__file__).parent / "cases"
PENDING = "# checker: pending -- "


def _pending(path: Path) -> str | None:
    """The feature a case waits for: its first line says ``# checker: pending -- <feature>``
    when the runtime's verdict is pinned but the checker does not model it yet."""
    first = path.read_text(encoding="utf-8").split("\n", 1)[0]
    return first[len(PENDING) :].strip() if first.startswith(PENDING) else None


def _param(path: Path) -> object:
    """A case as a test; a pending one must fail (strict: a pending case the checker starts
    passing fails until its marker is removed)."""
    feature = _pending(path)
    marks = [pytest.mark.xfail(strict=True, reason=f"pending: {feature}")] if feature else []
    return pytest.param(path, id=_rel(path), marks=marks)


CASE_FILES = sorted(p for p in CASES.rglob("*.py"))
LIBRARY_FILES = [p for p in CASE_FILES if parse_case(p).is_library]

KNOWN_MISSES: dict[str, str] = {}  # "path:line" -> "code -- reason", for the summary


def _rel(p: Path) -> str:
    return str(p.relative_to(CASES))


def _config(settings: dict[str, object], path: Path) -> Config:
    return parse_settings(settings, str(path)) if settings else Config()


def _report(result: ModuleResult) -> str:
    return "\n".join(
        f"  line {d.span.line + 1}: {d.severity.value} {d.code}: {d.message.splitlines()[0]}"
        for d in result.diagnostics
    )


def _format_reveal(types: object, complete: bool) -> str:
    if types is None:
        return "Unknown"
    text = str(types)
    return text if complete or text == "{}" else text[:-1] + ", ...}"


def _compare(name: str, view: View, result: ModuleResult, what: str) -> None:
    """The checker's result against one view's expectations (exact sets)."""
    got_errors: dict[int, list[str]] = {}
    got_warnings: dict[int, list[str]] = {}
    messages: dict[tuple[int, str], list[str]] = {}
    for d in result.diagnostics:
        line = d.span.line + 1
        bucket = got_errors if d.severity is Severity.ERROR else got_warnings
        bucket.setdefault(line, []).append(d.code)
        messages.setdefault((line, d.code), []).append(d.message)
    report = _report(result) or "  nothing"
    assert {k: sorted(v) for k, v in got_errors.items()} == {
        k: sorted(v) for k, v in view.errors.items()
    }, f"{what}: errors differ in {name}; the checker reported:\n{report}"
    assert {k: sorted(v) for k, v in got_warnings.items()} == {
        k: sorted(v) for k, v in view.warnings.items()
    }, f"{what}: warnings differ in {name}; the checker reported:\n{report}"
    for (line, code), fragment in sorted(view.fragments.items()):
        said = messages.get((line, code), [])
        assert any(fragment in m for m in said), (
            f"{what}: {name}:{line}: expected the {code} message to contain {fragment!r}; "
            f"it says: {' | '.join(said)}"
        )


def _check_reveals(name: str, view: View, result: ModuleResult, what: str, exact: bool) -> None:
    got: dict[int, list[tuple[object, bool]]] = {}
    for r in result.reveals:
        got.setdefault(r.span.line + 1, []).append((r.types, getattr(r, "complete", True)))
    for line, text in sorted(view.reveals.items()):
        assert line in got, f"{what}: {name}:{line}: no reveal_type result on this line"
        want = parse_expected_type(text)
        seen = got[line] if exact else got[line][-1:]
        for types, complete in seen:
            same = types == want.types and (want.unknown or complete == want.complete)
            assert same, (
                f"{what}: {name}:{line}: revealed {_format_reveal(types, complete)}, expected {text}"
            )
    if exact:
        extra = sorted(set(got) - set(view.reveals))
        assert not extra, (
            f"{what}: {name}: reveal_type results on lines with no expectation: {extra}"
        )


@pytest.mark.parametrize("path", [_param(p) for p in CASE_FILES])
def test_case(path: Path) -> None:
    """Script view: the whole file, as the case is written."""
    expected = parse_case(path)
    result = Analyzer(_config(expected.config, path)).check(
        str(path), path.read_text(encoding="utf-8")
    )
    _compare(path.name, expected.script, result, "script view")
    _check_reveals(path.name, expected.script, result, "script view", exact=False)


@pytest.fixture(scope="module")
def _known_misses(pytestconfig):
    yield KNOWN_MISSES
    if not KNOWN_MISSES:
        return
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line("")
        reporter.write_line(f"library view: {len(KNOWN_MISSES)} known miss(es) ('# LX:'):")
        for where, what in sorted(KNOWN_MISSES.items()):
            reporter.write_line(f"  {where}: {what}")


@pytest.mark.parametrize("path", [_param(p) for p in LIBRARY_FILES])
def test_library_view(path: Path, _known_misses: dict[str, str]) -> None:
    """Library view: only the text above ``# --- driver ---``, as a library module."""
    expected = parse_case(path)
    assert expected.library is not None and expected.driver_line is not None
    view = expected.library
    for line, (code, reason) in view.misses.items():
        _known_misses[f"{_rel(path)}:{line}"] = f"{code} -- {reason}"
    settings = {**expected.config, **expected.library_config}
    text = library_text(path.read_text(encoding="utf-8"), expected.driver_line)
    result = Analyzer(_config(settings, path)).check(str(path), text)
    _compare(path.name, view, result, "library view")
    _check_reveals(path.name, view, result, "library view", exact=True)


# ---------------------------------------------------------------------------
# the comparison itself


def _result(*diagnostics: tuple[int, str, str, Severity], reveals=()) -> ModuleResult:
    from spmd_check.results import Diagnostic, Reveal, Span

    return ModuleResult(
        "case.py",
        diagnostics=[
            Diagnostic(Span(line - 1, 0, line - 1, 1), code, message, severity)
            for line, code, message, severity in diagnostics
        ],
        reveals=[Reveal(Span(line - 1, 0, line - 1, 1), "x", types) for line, types in reveals],
    )


def test_compare_fragments_and_exact_sets() -> None:
    view = View(
        errors={3: ["spmd-partial-nonlinear"]}, fragments={(3, "spmd-partial-nonlinear"): "axis tp"}
    )
    good = _result((3, "spmd-partial-nonlinear", "Partial type on axis tp cannot", Severity.ERROR))
    _compare("case.py", view, good, "view")
    wrong_text = _result((3, "spmd-partial-nonlinear", "Partial type on axis dp", Severity.ERROR))
    with pytest.raises(AssertionError, match="contain 'axis tp'"):
        _compare("case.py", view, wrong_text, "view")
    extra = _result(
        (3, "spmd-partial-nonlinear", "axis tp", Severity.ERROR),
        (5, "spmd-src-mismatch", "x", Severity.ERROR),
    )
    with pytest.raises(AssertionError, match="errors differ"):
        _compare("case.py", view, extra, "view")


def test_reveals_partial_and_exact() -> None:
    from spmd_check.lattice import parse_local_type

    view = View(reveals={2: "{tp: V, ...}", 4: "Unknown"})
    tp_v = parse_local_type("{tp: V}")
    # no 'complete' attribute yet: the checker's reveals count as complete
    with pytest.raises(AssertionError, match=r"revealed \{tp: V\}, expected \{tp: V, \.\.\.\}"):
        _check_reveals("case.py", view, _result(reveals=[(2, tp_v), (4, None)]), "view", exact=True)
    with pytest.raises(AssertionError, match="no expectation"):
        _check_reveals(
            "case.py",
            View(reveals={4: "Unknown"}),
            _result(reveals=[(2, tp_v), (4, None)]),
            "view",
            exact=True,
        )
    _check_reveals(
        "case.py", View(reveals={4: "Unknown"}), _result(reveals=[(4, None)]), "view", exact=True
    )


def test_reveals_partial_when_the_checker_says_so() -> None:
    from types import SimpleNamespace

    from spmd_check.lattice import parse_local_type
    from spmd_check.results import Span

    result = _result()
    partial = SimpleNamespace(
        span=Span(1, 0, 1, 1), types=parse_local_type("{tp: V}"), complete=False
    )
    result.reveals.append(partial)  # type: ignore[arg-type]
    _check_reveals("case.py", View(reveals={2: "{tp: V, ...}"}), result, "view", exact=True)
    with pytest.raises(AssertionError, match=r"revealed \{tp: V, \.\.\.\}, expected \{tp: V\}"):
        _check_reveals("case.py", View(reveals={2: "{tp: V}"}), result, "view", exact=True)
