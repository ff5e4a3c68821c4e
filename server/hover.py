"""Hover text: a tensor's per-axis type and gradient, or what a collective does per axis.

Laid out like other Python servers: a fenced ``python`` block with the type,
a rule, then plain lines.
"""

from __future__ import annotations

from collections.abc import Sequence

from spmd_check.lattice import format_type
from spmd_check.results import CollectiveFact, ModuleResult, Span, TypeFact

_MAX_EXPRESSION = 60


def _short(expression: str) -> str:
    expression = " ".join(expression.split())
    if len(expression) > _MAX_EXPRESSION:
        return expression[: _MAX_EXPRESSION - 1] + "…"
    return expression


def _origin_line(fact: TypeFact, lines: Sequence[str]) -> str | None:
    if fact.origin is None:
        return None
    line = fact.origin.span.line
    text = lines[line].strip() if 0 <= line < len(lines) else ""
    where = f"line {line + 1}"
    described = f"type from {where}: {fact.origin.description}"
    if text:
        described += f" (`{_short(text)}`)"
    return described


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


def type_fact_text(fact: TypeFact, lines: Sequence[str]) -> tuple[str, list[str]]:
    """The code line and the prose lines for a tensor."""
    code = f"{_short(fact.expression)}: {type_text(fact)}"
    prose: list[str] = []
    gradient = gradient_text(fact)
    if gradient is not None:
        prose.append(f"gradient: `{gradient}`")
    if fact.types is None and fact.shown:
        prose.append(
            "known in part: the rest depends on values this code does not fix (the caller's)"
        )
    if fact.types is not None:
        spec = fact.partition_spec
        if spec is not None:
            prose.append(f"partition spec: `{partition_spec_text(spec)}`")
    if fact.requires_grad is not None:
        prose.append(f"requires_grad: {'True' if fact.requires_grad else 'False'}")
    else:
        prose.append("requires_grad: unknown")
    origin = _origin_line(fact, lines)
    if origin:
        prose.append(origin)
    return code, prose


def collective_text(fact: CollectiveFact) -> tuple[str, list[str]]:
    axes = ", ".join(f"{t.axis}: {t.src} -> {t.dst}" for t in fact.transitions)
    code = f"{fact.function}: {{{axes}}}"
    prose = [
        f"`{t.axis}`: {t.src} → {t.dst}; forward: {t.forward}; backward: {t.backward}"
        for t in fact.transitions
    ]
    if not prose:
        prose.append("no axis is known for this call")
    return code, prose


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
    if fact is None:
        return None
    if isinstance(fact, CollectiveFact):
        code, prose = collective_text(fact)
    else:
        code, prose = type_fact_text(fact, lines)
    return render(code, prose, markdown), fact.span
