"""The registry of diagnostic codes (checker/codes.py) against the code that reports them and
the cases that show them.

- The constants are the registry: each is registered under its name, nothing else is.
- No module of the checker spells a code as a string: sites use the constants.
- Every code a user's program can cause is shown by a case (a ``# E:`` or ``# W:``
  expectation under tests/cases), with a well-typed ``<name>_ok.py`` twin next to at least
  one of them. ``spmd-syntax`` and ``spmd-internal`` are about the checker's input and
  its limits, not about SPMD types: the unit tests below show them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from spmd_check import codes, infer
from spmd_check.analysis import Analyzer
from spmd_check.codes import CODES, Code, Severity

from tests.conformance.expectations import parse_case

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
NOT_FROM_CASES = {"spmd-syntax", "spmd-internal"}
# Gaps of the case suite today (tests/cases has its own maintainer). Each is an expected
# failure that turns into a failure once the case exists: then its entry goes.
NO_CASE: dict[str, str] = {}
NO_TWIN: dict[str, str] = {}


def _cases_by_code() -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(CASES.rglob("*.py")):
        expected = parse_case(path)
        for line_codes in [*expected.errors.values(), *expected.warnings.values()]:
            for code in line_codes:
                found.setdefault(code, []).append(path)
    return found


CASES_BY_CODE = _cases_by_code()


def _known_gap(code: str, gaps: dict[str, str]) -> pytest.MarkDecorator | tuple[()]:
    if code in gaps:
        return pytest.mark.xfail(strict=True, reason=gaps[code])
    return ()


def test_the_constants_are_the_registry() -> None:
    constants = {name: value for name, value in vars(codes).items() if isinstance(value, Code)}
    assert sorted(c.name for c in constants.values()) == sorted(CODES)
    for name, code in constants.items():
        assert CODES[code.name] is code
        assert name == code.name.removeprefix("spmd-").replace("-", "_").upper()


def test_no_module_spells_a_code_as_a_string() -> None:
    found = []
    for path in sorted((ROOT / "checker").glob("*.py")):
        if path.name == "codes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in CODES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert not found, "use the constants of checker/codes.py:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "code",
    [pytest.param(c, marks=_known_gap(c, NO_CASE)) for c in CODES if c not in NOT_FROM_CASES],
)
def test_a_case_shows_the_code(code: str) -> None:
    assert CASES_BY_CODE.get(code), f"no case under tests/cases expects {code}"


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(c, marks=_known_gap(c, {**NO_CASE, **NO_TWIN}))
        for c in CODES
        if c not in NOT_FROM_CASES
    ],
)
def test_a_case_of_the_code_has_a_well_typed_twin(code: str) -> None:
    paths = CASES_BY_CODE.get(code, [])
    assert any(p.with_name(f"{p.stem}_ok.py").exists() for p in paths), (
        f"none of the cases expecting {code} has a <name>_ok.py twin: "
        + ", ".join(str(p.relative_to(CASES)) for p in paths)
    )


# spmd-syntax and spmd-internal ------------------------------------------------------------

HEAD = "import torch\nimport spmd_types as spmd\nfrom spmd_types import P\n\n"
BROKEN = "def broken(x):\n    spmd.assert_type(x, {'tp': P})\n    return torch.relu(x)\n"


def _found(source: str) -> list[tuple[int, str, Severity, str]]:
    result = Analyzer().check("/codes/m.py", source)
    return [(d.span.line, d.code, d.severity, d.message) for d in result.diagnostics]


def test_a_syntax_error_is_reported_and_the_rest_is_checked() -> None:
    found = _found(HEAD + "y = (\n\n" + BROKEN)
    assert [(line, code, severity) for line, code, severity, _ in found] == [
        (4, "spmd-syntax", Severity.ERROR),
        (8, "spmd-partial-nonlinear", Severity.ERROR),
    ]
    assert found[0][3] == codes.SYNTAX.message(message="'(' was never closed")


def test_a_function_past_its_budget_is_reported_and_the_rest_is_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(infer, "FUNCTION_STEP_BUDGET", 100)
    big = "def big():\n" + "".join(f"    y{i} = torch.randn(4) + {i}\n" for i in range(2000))
    found = _found(HEAD + big + "\n" + BROKEN)
    assert [(line, code, severity) for line, code, severity, _ in found] == [
        (4, "spmd-internal", Severity.INFORMATION),
        (2008, "spmd-partial-nonlinear", Severity.ERROR),
    ]
    assert found[0][3] == codes.INTERNAL_FUNCTION_BUDGET.format(
        function="big", why="it needs more than 100 analysis steps"
    )


def test_a_failure_of_the_checker_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: infer.Interpreter) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(infer.Interpreter, "run", fail)
    [(line, code, severity, message)] = _found(HEAD + BROKEN)
    assert (line, code, severity) == (0, "spmd-internal", Severity.INFORMATION)
    assert message.startswith("The checker failed on this file (ValueError: boom at test_codes.py:")
