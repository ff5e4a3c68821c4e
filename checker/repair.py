"""Quick fixes that leave the code correct.

The engine proposes fixes the way the runtime suggests them: wrap the blamed operand in a
collective or conversion. Such a fix can break the code further down: on
``examples/planted_bug.py`` both ``all_reduce`` fixes make the ``all_reduce`` on the next
line receive a value that is already reduced (``spmd-src-mismatch``). This module checks
every fix by applying its edits and re-checking the edited text (the ``Analyzer`` reuses
the analyses of the functions the edit did not touch, so a re-check costs about one
function), and keeps a fix only when

- the diagnostic it fixes is gone, and
- no new error appears (in the file, or in another file's function it calls).

A fix that makes a later collective or conversion of the same value fail its ``src`` check
is extended, then verified again:

a. when the later call's operand now already has the call's ``dst`` type on its axis,
   the later call is dropped (replaced by its operand);
b. otherwise, when the later call's ``dst`` differs from the fix's, the fix takes the later
   call's ``dst`` and the later call is dropped.

Anything else is not offered. Titles keep saying what the fix costs forward and backward.

``verify_fixes`` serves one diagnostic (the command line's output, the server's code
actions); ``fix_source`` applies verified preferred fixes one at a time until none is left
(``spmd-check --fix`` / ``--diff``).
"""

from __future__ import annotations

import ast
import bisect
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from . import codes, policy
from . import collectives as coll
from .codes import Severity
from .frontend import UnitCache, split_units
from .lattice import AxisType, parse_axis_type
from .results import CollectiveFact, Diagnostic, Fix, ModuleResult, Span, TextEdit

# Rounds of extension after the first try: each round drops one more later call.
MAX_EXTENSIONS = 3


class Checker(Protocol):
    """What the verifier needs of an ``Analyzer``: ``check(path, source)``."""

    def check(self, path: str, source: str) -> ModuleResult: ...


# ---------------------------------------------------------------------------------------
# text edits


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts.extend(m.end() for m in policy.LINE_BREAK.finditer(text))
    return starts


def _line_end(text: str, starts: list[int], line: int) -> int:
    """Offset of the end of a line's content (before its line break)."""
    if line + 1 < len(starts):
        end = starts[line + 1]
        while end > starts[line] and text[end - 1] in "\r\n":
            end -= 1
        return end
    return len(text)


class _Text:
    """A text with (line, column) <-> offset conversions; columns are code points."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = _line_starts(text)

    def offset(self, line: int, column: int) -> int:
        if line >= len(self.starts):
            return len(self.text)
        if line < 0:
            return 0
        return min(self.starts[line] + max(column, 0), _line_end(self.text, self.starts, line))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]


def apply_edits(source: str, edits: Iterable[TextEdit]) -> str:
    """The text after the edits (positions refer to ``source``; edits must not overlap)."""
    text = _Text(source)
    ranges = sorted(
        (
            text.offset(e.span.line, e.span.column),
            text.offset(e.span.end_line, e.span.end_column),
            e.new_text,
        )
        for e in edits
    )
    for (_, end, _), (start, _, _) in itertools.pairwise(ranges):
        if start < end:
            raise ValueError("overlapping edits")
    out = source
    for start, end, new in reversed(ranges):
        out = out[:start] + new + out[end:]
    return out


class _Mapping:
    """Where positions of the old text are in the edited text, and back."""

    def __init__(self, old: str, edits: Sequence[TextEdit], new: str) -> None:
        self.old, self.new = _Text(old), _Text(new)
        self.ranges: list[tuple[int, int, int]] = []  # old start, old end, new length
        for e in sorted(edits, key=lambda e: (e.span.line, e.span.column)):
            start = self.old.offset(e.span.line, e.span.column)
            end = self.old.offset(e.span.end_line, e.span.end_column)
            self.ranges.append((start, end, len(e.new_text)))

    def forward(self, line: int, column: int, *, right: bool = False) -> tuple[int, int]:
        """An old position in the new text. One inside a replaced range goes to the start of
        its replacement (``right``, for the end of a span: to its end); text inserted at the
        position goes before it (``right``: after it)."""
        offset = self.old.offset(line, column)
        delta = 0
        for start, end, length in self.ranges:
            if offset < start:
                break
            if start == end:  # an insertion
                if offset == start and right:
                    break
                delta += length
                continue
            if offset == start:
                break
            if offset < end:
                return self.new.position(start + delta + (length if right else 0))
            delta += length - (end - start)
        return self.new.position(offset + delta)

    def span_forward(self, span: Span) -> Span:
        line, column = self.forward(span.line, span.column)
        end_line, end_column = self.forward(span.end_line, span.end_column, right=True)
        return Span(line, column, end_line, end_column)

    def backward(self, line: int, column: int, *, end: bool = False) -> tuple[int, int] | None:
        """A new position in the old text, None when it is inside an edit's replacement
        (``end``: the end of a span may touch a replacement's start)."""
        offset = self.new.offset(line, column)
        delta = 0
        for start, old_end, length in self.ranges:
            new_start = start + delta
            if offset < new_start or (end and offset == new_start):
                break
            if offset < new_start + length:
                return None
            delta += length - (old_end - start)
        return self.old.position(offset - delta)

    def span_backward(self, span: Span) -> Span | None:
        start = self.backward(span.line, span.column)
        end = self.backward(span.end_line, span.end_column, end=True)
        if start is None or end is None:
            return None
        return Span(*start, *end)


# ---------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class CheckedFix:
    """A fix that survived verification."""

    fix: Fix  # what to offer: its title says forward and backward; ``preferred`` on the first
    original: Fix  # the engine's fix it came from
    text: str  # the file after the fix
    extended: bool = False  # the engine's fix needed more edits to leave the code correct


@dataclass(frozen=True)
class Rejection:
    fix: Fix
    reason: str


@dataclass(frozen=True)
class Verification:
    diagnostic: Diagnostic
    kept: tuple[CheckedFix, ...] = ()
    rejected: tuple[Rejection, ...] = ()

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """The fixes to offer, the preferred one first."""
        return tuple(k.fix for k in self.kept)

    @property
    def preferred(self) -> CheckedFix | None:
        return self.kept[0] if self.kept else None

    @property
    def verified_diagnostic(self) -> Diagnostic:
        """The diagnostic with its verified fixes only."""
        return replace(self.diagnostic, fixes=self.fixes)


@dataclass
class _Outcome:
    ok: bool
    edits: tuple[TextEdit, ...]
    title: str
    text: str = ""
    reason: str = ""
    extended: bool = False


def _same_place(a: Diagnostic, b: Diagnostic) -> bool:
    return a.code == b.code and a.span == b.span


def _inside(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def _describe(d: Diagnostic) -> str:
    first = d.message.splitlines()[0] if d.message else ""
    return f"{d.code} at line {d.span.line + 1}: {first}"


class _Verifier:
    def __init__(
        self,
        checker: Checker,
        path: str,
        source: str,
        diagnostic: Diagnostic,
        baseline: ModuleResult,
    ) -> None:
        self.checker = checker
        self.path = path
        self.source = source
        self.diagnostic = diagnostic
        self.baseline = baseline
        self.units: list[tuple[int, ast.Module | None]] | None = None
        self.checked: dict[str, ModuleResult] = {}

    def check(self, text: str) -> ModuleResult:
        found = self.checked.get(text)
        if found is None:
            found = self.checker.check(self.path, text)
            self.checked[text] = found
        return found

    def attempt(self, edits: tuple[TextEdit, ...], title: str, rounds: int) -> _Outcome:
        try:
            text = apply_edits(self.source, edits)
        except ValueError:
            return _Outcome(False, edits, title, reason="its edits overlap")
        result = self.check(text)
        mapping = _Mapping(self.source, edits, text)
        target = mapping.span_forward(self.diagnostic.span)
        if any(
            d.code == self.diagnostic.code and _inside(d.span, target) for d in result.diagnostics
        ):
            return _Outcome(False, edits, title, text, "the diagnostic is still reported")
        new = self._new_errors(result, mapping)
        if not new:
            return _Outcome(True, edits, title, text)
        first = new[0]
        reason = f"it would cause {_describe(first)}"
        if rounds <= 0 or first.code != codes.SRC_MISMATCH.name:
            return _Outcome(False, edits, title, text, reason)
        for extended_edits, extended_title in self._extensions(edits, title, text, result, first):
            outcome = self.attempt(extended_edits, extended_title, rounds - 1)
            if outcome.ok:
                outcome.extended = True
                return outcome
        return _Outcome(False, edits, title, text, reason)

    def _new_errors(self, result: ModuleResult, mapping: _Mapping) -> list[Diagnostic]:
        before = {(d.code, mapping.span_forward(d.span)) for d in self.baseline.diagnostics}
        new = [
            d
            for d in result.diagnostics
            if d.severity is Severity.ERROR and (d.code, d.span) not in before
        ]
        for other, found in result.elsewhere.items():
            seen = {(d.code, d.span) for d in self.baseline.elsewhere.get(other, ())}
            new.extend(
                d for d in found if d.severity is Severity.ERROR and (d.code, d.span) not in seen
            )
        return new

    # -- extensions ---------------------------------------------------------------------

    def _extensions(
        self,
        edits: tuple[TextEdit, ...],
        title: str,
        text: str,
        result: ModuleResult,
        error: Diagnostic,
    ) -> list[tuple[tuple[TextEdit, ...], str]]:
        later = _later_call(text, result, error)
        if later is None:
            return []
        mapping = _Mapping(self.source, edits, text)
        call_span = mapping.span_backward(later.span)
        if call_span is None:
            return []
        drop = TextEdit(call_span, later.operand_text)
        if any(_overlaps(drop.span, e.span) for e in edits):
            return []
        where = f"the {later.function} on line {call_span.line + 1}"
        out: list[tuple[tuple[TextEdit, ...], str]] = []
        transition = later.transition
        if later.operand_type is not None and later.operand_type.kind is transition.dst.kind:
            out.append(
                (
                    (*edits, drop),
                    f"{title}; and remove {where}: its operand is then "
                    f"{transition.dst} on {transition.axis} already",
                )
            )
            return out
        rewrapped = _with_dst(edits, transition.dst)
        if rewrapped is not None:
            new_edits, call_text, function, src = rewrapped
            new_title = (
                f"{call_text} on the {src.kind.full_name} operand "
                f"({coll.forward_text(function, src, transition.dst)} in forward, "
                f"{coll.backward_text(function, src, transition.dst)} in backward), "
                f"replacing {where}"
            )
            out.append(((*new_edits, drop), new_title))
        return out


def _overlaps(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (
        a.end_line,
        a.end_column,
    )


@dataclass(frozen=True)
class _LaterCall:
    span: Span  # the whole call, in the edited text
    function: str
    operand_text: str
    operand_type: AxisType | None  # on the call's axis
    transition: _Transition


@dataclass(frozen=True)
class _Transition:
    axis: str
    src: AxisType
    dst: AxisType


def _callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


_ATOMS = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant)


def _later_call(text: str, result: ModuleResult, error: Diagnostic) -> _LaterCall | None:
    """The collective or conversion whose ``src`` check failed at ``error`` (edited text)."""
    units = split_units(text, UnitCache(64))
    for unit in units:
        if unit.tree is None:
            continue
        best: tuple[ast.Call, Span] | None = None
        for node in ast.walk(unit.tree):
            if not isinstance(node, ast.Call):
                continue
            name = _callee_name(node.func)
            if name not in coll.SIGNATURES:
                continue
            span = unit.span(node)
            if _inside(error.span, span) and (best is None or _inside(span, best[1])):
                best = (node, span)
        if best is None:
            continue
        node, span = best
        operand = (
            node.args[0]
            if node.args
            else next((k.value for k in node.keywords if k.arg == "x"), None)
        )
        if operand is None:
            return None
        fact = _collective_fact(result, unit.span(node.func))
        if fact is None or len(fact.transitions) != 1:
            return None
        t = fact.transitions[0]
        operand_span = unit.span(operand)
        operand_type = next(
            (
                f.types.get(t.axis)
                for f in result.facts
                if f.span == operand_span and f.types is not None
            ),
            None,
        )
        operand_text = unit.source_of(operand)
        if not isinstance(operand, _ATOMS) or "\n" in operand_text:
            operand_text = f"({operand_text})"
        return _LaterCall(
            span,
            fact.function,
            operand_text,
            operand_type,
            _Transition(t.axis, t.src, t.dst),
        )
    return None


def _collective_fact(result: ModuleResult, callee: Span) -> CollectiveFact | None:
    return next((c for c in result.collectives if c.span == callee), None)


def _char_offset(text: str, lineno: int, byte_col: int) -> int:
    lines = text.split("\n")
    before = sum(len(line) + 1 for line in lines[: lineno - 1])
    return before + len(lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _with_dst(
    edits: tuple[TextEdit, ...], dst: AxisType
) -> tuple[tuple[TextEdit, ...], str, str, AxisType] | None:
    """The fix with its collective asking for ``dst`` instead: (edits, the new call's
    text, the function, its src); None when the fix is not a call with src= and dst=."""
    for k, edit in enumerate(edits):
        try:
            tree = ast.parse(edit.new_text, mode="eval")
        except SyntaxError:
            continue
        call = tree.body
        if not isinstance(call, ast.Call):
            continue
        function = _callee_name(call.func)
        if function not in coll.SIGNATURES:
            continue
        keywords = {k.arg: k.value for k in call.keywords}
        src_node, dst_node = keywords.get("src"), keywords.get("dst")
        if src_node is None or dst_node is None:
            return None
        src = parse_axis_type(ast.unparse(src_node).rsplit(".", 1)[-1])
        if src is None:
            return None
        text = edit.new_text
        start = _char_offset(text, dst_node.lineno, dst_node.col_offset)
        end = _char_offset(
            text, dst_node.end_lineno or dst_node.lineno, dst_node.end_col_offset or 0
        )
        old = text[start:end]
        prefix = old.rsplit(".", 1)[0] + "." if "." in old else ""
        new_text = text[:start] + prefix + str(dst) + text[end:]
        new_edits = (*edits[:k], TextEdit(edit.span, new_text), *edits[k + 1 :])
        return new_edits, new_text, function, src
    return None


# ---------------------------------------------------------------------------------------
# the interface


def verify_fixes(
    checker: Checker,
    path: str,
    source: str,
    diagnostic: Diagnostic,
    *,
    baseline: ModuleResult | None = None,
    extensions: int = MAX_EXTENSIONS,
) -> Verification:
    """Check each of the diagnostic's fixes on the edited text; keep (and extend) the ones
    that leave the code correct. ``baseline`` is the checker's result for ``source`` at
    ``path`` (checked again when not given). The first kept fix is the preferred one; two
    fixes that end in the same text are offered once."""
    if not diagnostic.fixes:
        return Verification(diagnostic)
    if baseline is None:
        baseline = checker.check(path, source)
    if not any(_same_place(d, diagnostic) for d in baseline.diagnostics):
        reason = (
            "this file's own check does not report the diagnostic (it was found from another file)"
        )
        return Verification(
            diagnostic, rejected=tuple(Rejection(f, reason) for f in diagnostic.fixes)
        )
    verifier = _Verifier(checker, path, source, diagnostic, baseline)
    kept: list[CheckedFix] = []
    rejected: list[Rejection] = []
    texts: set[str] = set()
    for fix in diagnostic.fixes:
        outcome = verifier.attempt(fix.edits, fix.title, extensions)
        if not outcome.ok:
            rejected.append(Rejection(fix, outcome.reason))
            continue
        if outcome.text in texts:
            continue
        texts.add(outcome.text)
        offered = Fix(outcome.title, outcome.edits, preferred=not kept)
        kept.append(CheckedFix(offered, fix, outcome.text, outcome.extended))
    return Verification(diagnostic, tuple(kept), tuple(rejected))


@dataclass
class Applied:
    diagnostic: Diagnostic  # as reported on the text the fix was applied to
    fix: CheckedFix


@dataclass
class FixedSource:
    """What ``fix_source`` did to one file."""

    original: str
    text: str
    applied: list[Applied] = field(default_factory=list)
    result: ModuleResult | None = None  # the check of ``text``

    @property
    def changed(self) -> bool:
        return self.text != self.original


def fixable(diagnostic: Diagnostic) -> bool:
    """Errors with a fix are what ``--fix`` repairs (a warning's verdict is uncertain: its
    fix may add a collective the code does not need)."""
    return diagnostic.severity is Severity.ERROR and bool(diagnostic.fixes)


def fix_source(
    checker: Checker,
    path: str,
    source: str,
    *,
    select: Callable[[Diagnostic], bool] = lambda d: True,
    max_fixes: int = 100,
) -> FixedSource:
    """Apply the preferred verified fix of one diagnostic at a time, re-checking after each,
    until no selected error has one (at most ``max_fixes``)."""
    out = FixedSource(source, source)
    unfixable: set[tuple[str, str, str]] = set()
    result = checker.check(path, source)
    while len(out.applied) < max_fixes:
        lines = policy.split_lines(out.text)
        progress = False
        for d in result.diagnostics:
            if not (fixable(d) and select(d)):
                continue
            line = lines[d.span.line].strip() if d.span.line < len(lines) else ""
            key = (d.code, d.message, line)
            if key in unfixable:
                continue
            verification = verify_fixes(checker, path, out.text, d, baseline=result)
            chosen = verification.preferred
            if chosen is None:
                unfixable.add(key)
                continue
            out.applied.append(Applied(d, chosen))
            out.text = chosen.text
            result = checker.check(path, out.text)
            progress = True
            break
        if not progress:
            break
    out.result = result
    return out
