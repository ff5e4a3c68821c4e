"""Hover text: a tensor's per-axis type and gradient and why it has that type, what a
collective does per axis, and the errors inside the code a call runs.

Laid out like other Python servers: a fenced ``python`` block with the type,
a rule, then plain lines.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from spmd_check import library_models
from spmd_check.collectives import value_note
from spmd_check.lattice import format_type
from spmd_check.results import (
    CollectiveFact,
    Diagnostic,
    ModuleResult,
    Origin,
    Span,
    TypeFact,
)

_MAX_EXPRESSION = 60
STEPS = 3  # the steps of a type's history a hover shows
CALLEE_ERRORS = 3  # the errors inside a called function a hover lists


def _short(expression: str) -> str:
    expression = " ".join(expression.split())
    if len(expression) > _MAX_EXPRESSION:
        return expression[: _MAX_EXPRESSION - 1] + "…"
    return expression


def _same_file(path: str | None, result: ModuleResult) -> bool:
    return path is None or path == result.path


def _place(span: Span, path: str | None, result: ModuleResult) -> str:
    where = f"line {span.line + 1}"
    if not _same_file(path, result):
        where += f" of {os.path.basename(path or '')}"
    return where


def _step_type(origin: Origin, result: ModuleResult) -> str | None:
    """The type the step gave, when this file's check recorded it."""
    if not _same_file(origin.path, result):
        return None
    fact = result.fact_for(origin.span)
    if fact is None or (fact.types is None and not fact.shown):
        return None
    return type_text(fact)


def history(origin: Origin | None, result: ModuleResult) -> list[str]:
    """Why a value has its type: the steps that gave it, most recent first (at most
    ``STEPS``; "…" when there are more): ```P` because of `reinterpret(...)` (line 18)``."""
    if origin is None:
        return []
    steps: list[Origin] = []
    for step in origin.chain(2 * STEPS):  # a loop repeats a step: shown once
        if steps and (steps[-1].span, steps[-1].description) == (step.span, step.description):
            continue
        steps.append(step)
    lines = []
    for k, step in enumerate(steps[:STEPS]):
        if step.path is not None and library_models.is_model(step.path):
            # the checker's model of a library: its text is not the user's to read
            module = library_models.module_of(step.path)
            lines.append(f"{'why: ' if k == 0 else 'from '}code in {module}")
            return lines
        typed = _step_type(step, result)
        what = f"`{typed}` because of {step.description}" if typed else step.description
        place = _place(step.span, step.path, result)
        lines.append(f"{'why: ' if k == 0 else 'from '}{what} ({place})")
    if len(steps) > STEPS:
        lines.append("from …")
    return lines


def partition_spec_text(spec: tuple[tuple[str, ...], ...]) -> str:
    """Per tensor dim, the axes sharding it, as a ``PartitionSpec`` is written:
    ``('dp', None, ('tp', 'ep'))``."""
    dims = [
        "None" if not axes else repr(axes[0]) if len(axes) == 1 else repr(axes) for axes in spec
    ]
    return f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"


def type_text(fact: TypeFact) -> str:
    """A tensor's type as it reads: the type, what is known of it, or Unknown; ``{}`` in
    words."""
    if fact.types is not None:
        return "{} (typed on no mesh axis)" if not fact.types else format_type(fact.types)
    return fact.shown or "Unknown"


def gradient_text(fact: TypeFact) -> str | None:
    """The gradient's type as far as it is known."""
    if fact.types is not None:
        return format_type(fact.types.gradient)
    if fact.known:
        return str(fact.known.gradient)[:-1] + ", ...}"
    return None


def type_fact_text(fact: TypeFact, result: ModuleResult) -> tuple[str, list[str]]:
    """The code line and the prose lines for a tensor."""
    code = f"{_short(fact.expression)}: {type_text(fact)}"
    prose: list[str] = []
    gradient = gradient_text(fact)
    if gradient is not None:
        prose.append(f"gradient: `{gradient}`")
    if fact.types is None and (fact.known or fact.fill is not None):
        prose.append("known in part: the rest depends on values this code does not fix")
    elif fact.types is None:
        prose.append("not known to the checker")
    if fact.types is not None:
        spec = fact.partition_spec
        if spec is not None:
            prose.append(f"partition spec: `{partition_spec_text(spec)}`")
    if fact.requires_grad is not None:
        prose.append(f"requires_grad: {'True' if fact.requires_grad else 'False'}")
    else:
        prose.append("requires_grad: unknown")
    prose.extend(history(fact.origin, result))
    return code, prose


def collective_text(fact: CollectiveFact) -> tuple[str, list[str]]:
    axes = ", ".join(f"{t.axis}: {t.src} -> {t.dst}" for t in fact.transitions)
    code = f"{fact.function}: {{{axes}}}"
    prose: list[str] = []
    several = len(fact.transitions) > 1
    for t in fact.transitions:
        on = f"`{t.axis}` " if several else ""
        prose.append(f"{on}forward: {t.forward}")
        prose.append(f"{on}backward: {t.backward}")
        note = value_note(fact.function, t.src, t.dst)
        if note:
            prose.append(f"{on}value: {note}")
    if not prose:
        prose.append("no axis is known for this call")
    return code, prose


def _call_span(result: ModuleResult, line: int, column: int) -> Span | None:
    """The innermost call, containing the position, through which some diagnostic's code ran."""
    best: Span | None = None
    for diagnostic, _ in _all_diagnostics(result):
        for related in diagnostic.related:
            span = related.span
            if (
                related.is_call_site
                and _same_file(related.path, result)
                and span.contains(line, column)
                and (best is None or _size(span) < _size(best))
            ):
                best = span
    return best


def _all_diagnostics(result: ModuleResult) -> list[tuple[Diagnostic, str | None]]:
    """This file's diagnostics (path None) and those its check found in other files."""
    found: list[tuple[Diagnostic, str | None]] = [(d, None) for d in result.diagnostics]
    for path, diagnostics in sorted(result.elsewhere.items()):
        found.extend((d, path) for d in diagnostics)
    return found


def callee_errors(result: ModuleResult, call: Span) -> list[str]:
    """What a call runs into: the errors inside the code it calls (found through their
    related call sites), each with its place."""
    errors: list[str] = []
    for diagnostic, path in _all_diagnostics(result):
        if path is None and _inside(diagnostic.span, call):
            continue  # on the call itself (an argument): the editor shows it there
        if any(
            r.is_call_site and r.span == call and _same_file(r.path, result)
            for r in diagnostic.related
        ):
            first = diagnostic.message.split("\n", 1)[0]
            errors.append(
                f"{diagnostic.code} ({_place(diagnostic.span, path, result)}): "
                f"{_short_message(first)}"
            )
    shown = [f"error in the code this call runs: {e}" for e in errors[:CALLEE_ERRORS]]
    if len(errors) > CALLEE_ERRORS:
        shown.append(f"and {len(errors) - CALLEE_ERRORS} more")
    return shown


def _short_message(message: str, limit: int = 120) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _inside(inner: Span, outer: Span) -> bool:
    return outer.contains(inner.line, inner.column) and outer.contains(
        inner.end_line, inner.end_column
    )


def _size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_column - span.column)


def _source(lines: Sequence[str], span: Span) -> str:
    if not 0 <= span.line < len(lines):
        return ""
    if span.line == span.end_line:
        return lines[span.line][span.column : span.end_column]
    return lines[span.line][span.column :] + " …"


def render(code: str, prose: list[str], markdown: bool) -> str:
    if not markdown:
        return "\n".join([code, *prose])
    body = "  \n".join(prose)  # two trailing spaces: a line break in Markdown
    return f"```python\n{code}\n```\n---\n{body}" if body else f"```python\n{code}\n```"


def hover_at(
    result: ModuleResult, lines: Sequence[str], line: int, column: int, markdown: bool = True
) -> tuple[str, Span] | None:
    """The hover text and the span it is about, for a position in the analysed text."""
    fact = result.fact_at(line, column)
    call = _call_span(result, line, column)
    if call is not None and fact is not None and _inside(fact.span, call) and fact.span != call:
        call = None  # an argument of the call is hovered, not the call
    if fact is None and call is None:
        return None
    if isinstance(fact, CollectiveFact):
        code, prose = collective_text(fact)
    elif fact is not None:
        code, prose = type_fact_text(fact, result)
    else:
        assert call is not None
        code, prose = _short(_source(lines, call)), []
    span = fact.span if fact is not None else call
    assert span is not None
    if call is not None:
        prose.extend(callee_errors(result, call))
    return render(code, prose, markdown), span
