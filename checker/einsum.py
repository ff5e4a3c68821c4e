"""The typing rule of ``rules.einsum`` over concrete types (the runtime's ``rules.einsum``,
docs/runtime-semantics.md section 6.4): the equation, the operands' ranks and
PartitionSpecs on the global axes, and the local types combined with the non-linear rule,
a Partial passing only through the operands ``linear_in`` declares.

Pure functions over ``LocalType`` and ``layout.Spec``; ``rules_api`` applies them to what
the interpreter knows. A rejection raises ``EinsumError`` with the runtime's message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import codes, layout
from .codes import Code
from .lattice import AxisType, I, LocalType, P, R, V
from .rules import Linearity, RuleViolation, infer_output

_ELLIPSIS = "..."
_OPAQUE = "_"
_TOKEN = re.compile(r"\s*(?:(\.\.\.)|([^\W\d]))")


class EinsumError(Exception):
    """``rules.einsum`` rejects its arguments: an SpmdTypeError (``code``) or, when the
    call itself is malformed, a TypeError (``code`` None: not reported)."""

    def __init__(self, code: Code | None, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Equation:
    text: str
    inputs: tuple[tuple[str, ...], ...]  # per operand, its labels ('...' and '_' included)
    output: tuple[str, ...]


def _operand(text: str, equation: str) -> tuple[str, ...]:
    if not text.strip():
        raise EinsumError(None, f"rules.einsum: empty operand in {equation!r}")
    labels: list[str] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise EinsumError(None, f"rules.einsum: unexpected character in {equation!r}")
        pos = m.end()
        labels.append(m.group(1) or m.group(2))
    named = [label for label in labels if label not in (_ELLIPSIS, _OPAQUE)]
    if labels.count(_ELLIPSIS) > 1 or len(named) != len(set(named)):
        raise EinsumError(None, f"rules.einsum: malformed operand in {equation!r}")
    return tuple(labels)


def parse(equation: str) -> Equation:
    """``_parse_equation``: one ``->``, one output, output labels bound by the inputs."""
    if equation.count("->") != 1:
        raise EinsumError(None, f"rules.einsum: equation {equation!r} must contain one '->'")
    lhs, rhs = equation.split("->")
    inputs = tuple(_operand(p, equation) for p in lhs.split(","))
    if "," in rhs:
        raise EinsumError(None, f"rules.einsum: {equation!r} lists several outputs")
    output = () if rhs.strip() == "" else _operand(rhs, equation)
    bound = {label for op in inputs for label in op}
    if any(label not in (_ELLIPSIS, _OPAQUE) and label not in bound for label in output):
        raise EinsumError(None, f"rules.einsum: an output label of {equation!r} is unbound")
    if _ELLIPSIS in output and not any(_ELLIPSIS in op for op in inputs):
        raise EinsumError(None, "rules.einsum: output uses '...' but no input does")
    return Equation(equation, inputs, output)


def linear_groups(linear_in: Sequence[int | Sequence[int]], n: int) -> list[frozenset[int]]:
    """``_linear_groups``: ``(0, 1)`` is two groups (multilinear), ``((0, 1),)`` one (jointly
    linear)."""
    groups: list[frozenset[int]] = []
    seen: set[int] = set()
    for item in linear_in:
        members = (item,) if isinstance(item, int) else tuple(item)
        for i in members:
            if not 0 <= i < n or i in seen:
                raise EinsumError(None, "rules.einsum: linear_in refers to an operand twice")
            seen.add(i)
        if members:
            groups.append(frozenset(members))
    return groups


def _expand(labels: tuple[str, ...], ell: int) -> list[str]:
    out: list[str] = []
    for label in labels:
        out.extend(f"...{i}" for i in range(ell)) if label == _ELLIPSIS else out.append(label)
    return out


def bind(eq: Equation, ranks: Sequence[int | None]) -> tuple[list[list[str]], list[str]] | None:
    """``_bind_einsum``: per operand its labels with ``...`` expanded, and the output's;
    None when a rank the expansion needs is not known."""
    if len(ranks) != len(eq.inputs):
        raise EinsumError(
            None,
            f"rules.einsum: {eq.text!r} has {len(eq.inputs)} operand(s) but {len(ranks)} "
            f"value(s) were passed",
        )
    ell: int | None = None
    for i, (labels, ndim) in enumerate(zip(eq.inputs, ranks, strict=True)):
        explicit = len(labels) - (1 if _ELLIPSIS in labels else 0)
        if ndim is None:
            if _ELLIPSIS in labels:
                return None
            continue
        term = "".join(labels)
        if _ELLIPSIS not in labels:
            if ndim != explicit:
                raise EinsumError(
                    codes.CONFLICTING_TYPES,
                    f"rules.einsum: {eq.text!r}: operand {i} ({term!r}, {ndim} dim(s)) has "
                    f"{explicit} label(s) but {ndim} dim(s)",
                )
            continue
        rank = ndim - explicit
        if rank < 0 or (ell is not None and rank != ell):
            raise EinsumError(
                codes.CONFLICTING_TYPES,
                f"rules.einsum: {eq.text!r}: operand {i} ({term!r}) does not fit its labels",
            )
        ell = rank
    count = ell or 0
    return [_expand(labels, count) for labels in eq.inputs], _expand(eq.output, count)


def _axes_text(found: tuple[str, ...], label: Callable[[str], str]) -> str:
    return "(" + ", ".join(label(a) for a in found) + ")" if found else "None"


def label_axes(
    eq: Equation,
    labels: list[list[str]],
    out_labels: list[str],
    specs: Sequence[layout.Spec],
    types: Sequence[LocalType],
    is_global: Callable[[str], bool],
    label: Callable[[str], str],
) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """``_einsum_label_axes``: the global axes sharding each label (outermost first), and the
    axes of labels the output drops (a contraction: the output is Partial on them)."""
    found: dict[str, tuple[str, ...]] = {}
    axis_label: dict[str, str] = {}
    for i, (spec, names) in enumerate(zip(specs, labels, strict=True)):
        for dim, name in enumerate(names):
            sharding = tuple(a for a in layout.entry(spec, dim) if is_global(a))
            if name == _OPAQUE:
                if sharding:
                    raise EinsumError(
                        codes.EINSUM_SHARDING,
                        f"rules.einsum: operand {i} of {eq.text!r} is sharded on "
                        f"{_axes_text(sharding, label)} at dim {dim}, which the equation "
                        f"marks '_' (must not be sharded)",
                    )
                continue
            previous = found.setdefault(name, sharding)
            if previous != sharding:
                raise EinsumError(
                    codes.EINSUM_SHARDING,
                    f"rules.einsum: label {name!r} of {eq.text!r} is sharded inconsistently: "
                    f"{_axes_text(previous, label)} vs {_axes_text(sharding, label)} "
                    f"(operand {i}, dim {dim})",
                )
            for axis in sharding:
                other = axis_label.setdefault(axis, name)
                if other != name:
                    raise EinsumError(
                        codes.EINSUM_SHARDING,
                        f"rules.einsum: axis {label(axis)} shards both {other!r} and {name!r} "
                        f"in {eq.text!r}; an axis may shard only one dim",
                    )
    for axis, name in axis_label.items():
        for i, names in enumerate(labels):
            if name not in names and types[i].get(axis) == V:
                raise EinsumError(
                    codes.EINSUM_SHARDING,
                    f"rules.einsum: operand {i} of {eq.text!r} broadcasts over {name!r}, which "
                    f"is sharded on {label(axis)}, so it must be replicated on {label(axis)}, "
                    f"but it is Varying",
                )
    partial = {a for name, sharding in found.items() if name not in out_labels for a in sharding}
    return found, partial


def _forced_partial(
    equation: str,
    types: list[dict[str, AxisType]],
    groups: list[frozenset[int]],
    label: Callable[[str], str],
) -> dict[str, AxisType]:
    """``_partial_axes_from_inputs``: per axis, the Partial ``linear_in`` lets through (the
    Partial operands then count as Replicate for the local rule)."""
    forced: dict[str, AxisType] = {}
    for axis in sorted({a for t in types for a in t}):
        partial = [i for i, t in enumerate(types) if t.get(axis) == P]
        if not partial:
            continue
        owners = [g for g in groups if any(i in g for i in partial)]
        if any(not any(i in g for g in groups) for i in partial) or len(owners) != 1:
            joined = ", ".join(map(str, partial))
            hint = (
                f"declare linear_in=({joined},) if the op is linear in it"
                if len(partial) == 1
                else f"declare linear_in=({joined},) for multilinear, or linear_in=(({joined}),) "
                f"for jointly linear"
            )
            raise EinsumError(
                codes.PARTIAL_NONLINEAR,
                f"rules.einsum: {equation!r}: operand(s) {partial} are Partial on axis "
                f"{label(axis)}; a Partial may only pass through operands the op is linear "
                f"in, all within one linear_in group ({hint})",
            )
        (owner,) = owners
        if len(owner) > 1 and any(types[i].get(axis, R) != P for i in owner):
            raise EinsumError(
                codes.PARTIAL_AFFINE,
                f"rules.einsum: {equation!r}: operands {sorted(owner)} are declared jointly "
                f"linear, so on axis {label(axis)} either all or none of them may be "
                f"Partial; {partial} are Partial and the rest are not",
            )
        for i, t in enumerate(types):
            if i in partial:
                t[axis] = R
            elif t.get(axis, R) != R:
                raise EinsumError(
                    codes.PARTIAL_VARYING if t[axis] == V else codes.INVARIANT_MIX,
                    f"rules.einsum: {equation!r}: operand {i} is {t[axis]} on axis "
                    f"{label(axis)} while operand(s) {partial} are Partial there; a Partial "
                    f"combines only with Replicate",
                )
        forced[axis] = P
    return forced


def local_type(
    equation: str,
    types: Sequence[LocalType],
    groups: list[frozenset[int]],
    partial_axes: set[str],
    mesh: Sequence[str] | None,
    strict: bool,
    label: Callable[[str], str],
) -> LocalType:
    """The output's local type: the non-linear rule over the operands (``linear_in``'s
    Partials read as Replicate, then put back), Partial on the contracted axes."""
    local = [dict(t.local) for t in types]
    forced = _forced_partial(equation, local, groups, label)
    try:
        out = dict(
            infer_output(
                [LocalType(t) for t in local],
                Linearity.NONLINEAR,
                mesh_axes=mesh,
                strict=strict,
                no_grad=None,
            )
        )
    except RuleViolation as violation:
        raise EinsumError(
            violation.code, f"rules.einsum: {equation!r}: {violation.message}"
        ) from None
    for axis in partial_axes:
        inferred = out.get(axis)
        if inferred in (V, P) or inferred is None:
            out[axis] = P
        elif inferred == R:
            raise EinsumError(
                codes.CONFLICTING_TYPES,
                f"rules.einsum: {equation!r}: out_partial_axes includes axis {label(axis)} but "
                f"inferred type is R (Replicate). A replicated result cannot be partial -- this "
                f"likely indicates an unsharded contraction dimension.",
            )
        else:
            assert inferred == I
            raise EinsumError(
                codes.CONFLICTING_TYPES,
                f"rules.einsum: {equation!r}: Cannot mark axis {label(axis)} as partial with "
                f"type I. out_partial_axes is only valid for V or P types.",
            )
    out.update(forced)
    return LocalType(out)
