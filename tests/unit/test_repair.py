"""The fix verifier (spmd_check.repair): text edits, position mapping, which fixes survive,
and the two extensions that turn a fix breaking a later collective into a correct edit."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from spmd_check.analysis import Analyzer
from spmd_check.repair import _Mapping, apply_edits, fix_source, verify_fixes
from spmd_check.results import Diagnostic, Span, TextEdit

from tests.unit.test_cli import BUG

ROOT = Path(__file__).resolve().parents[2]
PLANTED = ROOT / "examples" / "planted_bug.py"
HELPER = ROOT / "tests" / "cases" / "flow" / "helper_second_call.py"


def test_apply_edits() -> None:
    source = "a = f(x)\r\nb = g(y)\nc = 1"
    edits = [
        TextEdit(Span(0, 6, 0, 7), "h(x)"),
        TextEdit(Span(1, 4, 1, 8), "y"),
        TextEdit(Span(0, 0, 0, 0), "import m\r\n"),
    ]
    assert apply_edits(source, edits) == "import m\r\na = f(h(x))\r\nb = y\nc = 1"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits(source, [TextEdit(Span(0, 0, 0, 5), ""), TextEdit(Span(0, 4, 0, 6), "")])


def test_positions_map_across_edits() -> None:
    source = "a = f(x)\nb = g(y)\n"
    edits = (TextEdit(Span(0, 0, 0, 0), "import m\n"), TextEdit(Span(0, 6, 0, 7), "h(x)"))
    mapping = _Mapping(source, edits, apply_edits(source, edits))
    assert mapping.forward(1, 4) == (2, 4)  # a line below: shifted by the inserted line
    assert mapping.forward(0, 8) == (1, 11)  # after the wrap on the same line
    assert mapping.span_forward(Span(0, 6, 0, 7)) == Span(1, 6, 1, 10)  # the replaced range
    assert mapping.backward(2, 4) == (1, 4)
    assert mapping.backward(1, 7) is None  # inside the replacement
    assert mapping.span_backward(Span(1, 4, 1, 6)) == Span(0, 4, 0, 6)  # ends where it starts


def _diagnostic(analyzer: Analyzer, path: Path, source: str) -> Diagnostic:
    [diagnostic] = analyzer.check(str(path), source).diagnostics
    return diagnostic


def test_fixes_that_leave_the_code_correct_are_kept_as_they_are() -> None:
    analyzer = Analyzer()
    diagnostic = _diagnostic(analyzer, Path("bug.py"), BUG)
    verification = verify_fixes(analyzer, "bug.py", BUG, diagnostic)
    assert [k.fix for k in verification.kept] == list(diagnostic.fixes)
    assert not any(k.extended for k in verification.kept) and not verification.rejected
    assert verification.preferred is not None and verification.preferred.fix.preferred


def test_a_later_call_whose_operand_already_has_its_dst_is_dropped() -> None:
    """(a): all_reduce(y, src=P, dst=I) before GELU; the all_reduce on the next line then
    gets an I value, which is its dst: it goes."""
    source = PLANTED.read_text()
    analyzer = Analyzer()
    diagnostic = _diagnostic(analyzer, PLANTED, source)
    only_dst_i = replace(diagnostic, fixes=(replace(diagnostic.fixes[1], preferred=True),))
    [kept] = verify_fixes(analyzer, str(PLANTED), source, only_dst_i).kept
    assert kept.extended
    assert kept.fix.title == (
        "spmd.all_reduce(y, tp, src=P, dst=I) on the Partial operand (all-reduce in forward, "
        "no-op backward); and remove the all_reduce on line 20: its operand is then I on tp "
        "already"
    )
    assert [e.new_text for e in kept.fix.edits] == ["spmd.all_reduce(y, tp, src=P, dst=I)", "y"]
    assert analyzer.check(str(PLANTED), kept.text).diagnostics == []


def test_a_later_call_with_another_dst_lends_it_to_the_fix() -> None:
    """(b): all_reduce(y, src=P, dst=R) makes the later all_reduce(..., dst=I) fail; the fix
    takes dst=I and the later call goes."""
    source = PLANTED.read_text()
    analyzer = Analyzer()
    diagnostic = _diagnostic(analyzer, PLANTED, source)
    only_dst_r = replace(diagnostic, fixes=diagnostic.fixes[:1])
    verification = verify_fixes(analyzer, str(PLANTED), source, only_dst_r)
    [kept] = verification.kept
    assert kept.extended and kept.original == diagnostic.fixes[0]
    assert kept.fix.title.startswith(
        "spmd.all_reduce(y, tp, src=P, dst=I) on the Partial operand (all-reduce (P -> I) in "
        "forward, no-op (I -> R) in backward), replacing the all_reduce on line 20"
    )
    assert "y = F.gelu(spmd.all_reduce(y, tp, src=P, dst=I))" in kept.text
    assert "    return y\n" in kept.text


def test_both_planted_bug_fixes_end_in_one_offer() -> None:
    source = PLANTED.read_text()
    analyzer = Analyzer()
    diagnostic = _diagnostic(analyzer, PLANTED, source)
    assert len(diagnostic.fixes) == 2
    verification = verify_fixes(analyzer, str(PLANTED), source, diagnostic)
    assert len(verification.fixes) == 1 and verification.fixes[0].preferred


def test_a_fix_that_breaks_another_call_of_a_helper_is_not_offered() -> None:
    """The helper runs with a Partial and with a Replicate argument: an all_reduce inside
    it fixes the first call and breaks the second."""
    source = HELPER.read_text()
    analyzer = Analyzer()
    diagnostic = _diagnostic(analyzer, HELPER, source)
    verification = verify_fixes(analyzer, str(HELPER), source, diagnostic)
    assert verification.kept == ()
    assert {r.reason.split(":")[0] for r in verification.rejected} == {
        "it would cause spmd-src-mismatch at line 10"
    }


def test_a_diagnostic_this_file_does_not_report_is_not_verified() -> None:
    analyzer = Analyzer()
    diagnostic = _diagnostic(analyzer, Path("bug.py"), BUG)
    moved = replace(diagnostic, span=Span(0, 0, 0, 1))
    verification = verify_fixes(analyzer, "bug.py", BUG, moved)
    assert verification.kept == () and "another file" in verification.rejected[0].reason


def test_fix_source_repairs_one_error_after_another() -> None:
    # two errors, each with a fix, on two paths (the runtime stops at the first on a path)
    source = BUG.replace("import torch\n", "import random\nimport torch\n").replace(
        "    reveal_type(x)\n    y = torch.relu(x)\n",
        "    if random.random() > 0.5:\n        y = torch.relu(x)\n    else:\n        z = torch.exp(x)\n",
    )
    analyzer = Analyzer()
    assert len(analyzer.check("two.py", source).diagnostics) == 2
    done = fix_source(analyzer, "two.py", source)
    assert done.changed and len(done.applied) == 2
    assert done.result is not None and done.result.diagnostics == []
    assert 'torch.exp(spmd.all_reduce(x, "tp", src=P, dst=R))' in done.text
