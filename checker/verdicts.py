"""The runtime's rules over symbolic types: run per assignment of the unknowns, then judged.

The rules of ``rules.py`` and ``collectives.py`` are functions of concrete types. Over
symbolic types (``tensortype.py``) a rule runs once per assignment of the unknown terms on
one axis (one identity takes one value everywhere it occurs; each anonymous term takes
its own), under what the path has learned (``Bindings``). Then:

- it fails for every assignment: the error is *manifest* (it happens whatever the caller
  passed) and is reported: certain when every failure is certain, else a warning;
- it fails for some: *latent*; nothing is reported, and the path continues with the
  identities narrowed to the values that passed;
- it passes for all: the result is what every assignment gives, the identity itself
  when it passes through unchanged ("same as x"), else the union of the results.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from . import axes, codes
from . import collectives as coll
from .lattice import AxisType, Kind, LocalType
from .lattice import V as TYPE_V
from .memo import Memo
from .rules import SCALAR as RULE_SCALAR
from .rules import AxisEntry, Linearity, RuleViolation, infer_axis, suggest_fixes
from .tensortype import (
    ABSENT,
    ANY,
    EXACT,
    HIDDEN,
    NOTHING,
    OPEN,
    SCALAR,
    Bindings,
    Marker,
    Possibility,
    Rest,
    RestKind,
    Root,
    TensorType,
    Term,
    Unknown,
    VarId,
    fill,
    row,
)

# Beyond this many assignments on one axis the verdict is not computed: the axis is unknown.
MAX_ASSIGNMENTS = 4096


@dataclass(frozen=True)
class Operand:
    """An op's operand: a tensor's type (None: a Python number at a tensor position),
    whether it cannot receive a gradient (None: not known), and what else it may be when
    the value's kind is not known (``SCALAR``: a number; ``NOTHING``: neither)."""

    type: TensorType | None
    no_grad: bool | None = True
    extra: frozenset[Possibility] = frozenset()

    def term(self, axis: str, bindings: Bindings) -> Term | Marker | None:
        if self.type is None:
            return None
        return _widened(self.type.term(axis, bindings), self.extra)

    def hidden_term(self, bindings: Bindings) -> Term | Marker | None:
        if self.type is None:
            return None
        return _widened(self.type.hidden_term(bindings), self.extra)


def _widened(term: Term | Marker, extra: frozenset[Possibility]) -> Term | Marker:
    if not extra:
        return term
    if isinstance(term, Unknown):
        return Unknown(term.domain | extra, term.var)
    return Unknown(frozenset({term}) | extra)


@dataclass(frozen=True)
class Verdict:
    """An op's outcome: its result (None: it fails on every path), the manifest violation,
    whether that one is certain, and the bindings the continuing path has."""

    output: TensorType | None
    violation: RuleViolation | None
    certain: bool
    bindings: Bindings

    @property
    def failed(self) -> bool:
        return self.output is None


# ---------------------------------------------------------------------- enumeration
_Slot = tuple[str, object]  # what one unknown is keyed by: its identity, or its position


def _assignments(
    terms: Sequence[Term | Marker | None],
) -> Iterator[tuple[list[Possibility | None], dict[VarId, Possibility]]]:
    """Every assignment of the unknowns among ``terms`` (None stays None: a number)."""
    known = [term for term in terms if not isinstance(term, Unknown)]
    if len(known) == len(terms):
        yield known, {}  # the common case: every type known, one assignment
        return
    slots: dict[_Slot, frozenset[Possibility]] = {}
    keys: list[_Slot | None] = []
    for index, term in enumerate(terms):
        if not isinstance(term, Unknown):
            keys.append(None)
            continue
        slot: _Slot = ("var", term.var) if term.var is not None else ("anon", index)
        slots[slot] = slots[slot] & term.domain if slot in slots else term.domain
        keys.append(slot)
    order = list(slots)
    choices = [sorted(slots[k], key=_order) for k in order]
    for picked in itertools.product(*choices):
        chosen = dict(zip(order, picked, strict=True))
        concrete: list[Possibility | None] = []
        for term, key in zip(terms, keys, strict=True):
            if key is not None:
                concrete.append(chosen[key])
            else:
                assert not isinstance(term, Unknown)
                concrete.append(term)
        variables = {k[1]: v for k, v in chosen.items() if isinstance(k[1], VarId)}
        yield concrete, variables


def _count(terms: Sequence[Term | Marker | None]) -> int:
    sizes: dict[_Slot, int] = {}
    for index, term in enumerate(terms):
        if isinstance(term, Unknown):
            key: _Slot = ("var", term.var) if term.var is not None else ("anon", index)
            sizes[key] = len(term.domain)
    total = 1
    for size in sizes.values():
        total *= size
    return total


def _order(p: Possibility) -> tuple[int, str]:
    """Concrete kinds first (their messages are the clearest), absence and numbers last."""
    if isinstance(p, AxisType):
        return (0, str(p))
    return (1, p.value)


@dataclass
class _Outcome:
    variables: dict[VarId, Possibility]
    result: Possibility | None  # None when this assignment fails
    violation: RuleViolation | None = None
    certain: bool = True
    # what the runtime's fix suggestions for the violation are computed from (only for the
    # one violation reported: suggesting fixes for every failing assignment is costly)
    fix_source: tuple[str, tuple[AxisEntry, ...], tuple[int, ...], Linearity] | None = None

    def __post_init__(self) -> None:
        # kept without the frames it was raised through: they hold the whole analysis (the
        # interpreter and its tables), and the outcomes that hold the violation, in one
        # cycle, which only the cyclic collector could then free
        if self.violation is not None:
            self.violation.__traceback__ = None

    def reported(self) -> RuleViolation:
        """The violation with the runtime's fixes."""
        assert self.violation is not None
        if self.fix_source is None:
            return self.violation
        axis, entries, index, linearity = self.fix_source
        v = self.violation
        fixes = suggest_fixes(axis, list(entries), list(index), linearity)
        return RuleViolation(
            v.code, v.message, operand=v.operand, axis=v.axis, fixes=fixes, certain=v.certain
        )


def _judge(
    outcomes: list[_Outcome], bindings: Bindings
) -> tuple[bool, Term | Marker | None, _Outcome | None, bool, Bindings]:
    """(fails everywhere, result term, the failing outcome to report, certain, narrowed
    bindings)."""
    if len(outcomes) == 1 and outcomes[0].violation is None:
        return False, _result_term(outcomes), None, True, bindings  # the common case
    maybe = [o for o in outcomes if o.violation is not None and not o.certain]
    failing = [o for o in outcomes if o.violation is not None]
    if not failing:
        return False, _result_term(outcomes), None, True, bindings
    survivors = [o for o in outcomes if o.violation is None or not o.certain]
    if len(failing) == len(outcomes):
        certain_failures = [o for o in failing if o.certain]
        first = (certain_failures or failing)[0]
        if not maybe:
            return True, None, first, True, bindings
        # some fail only if an operand of unknown requires_grad gets a gradient
        return True, _result_term(maybe), maybe[0], False, bindings
    narrowed = bindings
    allowed: dict[VarId, set[Possibility]] = {}
    for outcome in survivors:
        for var, value in outcome.variables.items():
            allowed.setdefault(var, set()).add(value)
    for var in {v for o in outcomes for v in o.variables}:
        narrowed = narrowed.narrow(var, frozenset(allowed.get(var, set())))
    return False, _result_term(survivors), None, True, narrowed


def _result_term(outcomes: Sequence[_Outcome]) -> Term | Marker | None:
    results = [o.result for o in outcomes]
    if not results:
        return None
    values = frozenset(r if r is not None else ABSENT for r in results)
    if len(values) == 1:
        (only,) = values
        return only
    # the identity that passes through unchanged: "same as x"
    variables = set.intersection(*(set(o.variables) for o in outcomes)) if outcomes else set()
    for var in sorted(variables, key=lambda v: (v.root.key, v.axis)):
        if all(
            o.variables[var] == (o.result if o.result is not None else ABSENT) for o in outcomes
        ):
            return Unknown(values, var)
    return Unknown(values)


# ---------------------------------------------------------------------- ops
def infer_op(
    operands: Sequence[Operand],
    linearity: Linearity,
    *,
    mesh: tuple[str, ...] | None,
    strict: bool,
    bindings: Bindings,
    grad_mode: bool = True,
) -> Verdict:
    """``rules.infer_output`` over symbolic types. ``mesh`` is the current mesh's axes
    when known (None: none, or not known)."""
    return _infer_op(tuple(operands), linearity, mesh, strict, bindings, grad_mode)


# Memoised by its inputs, of which it is a pure function: the same op meets the same operand
# types again and again (every iteration of a loop until its fixpoint, the same layer's ops
# in each function that builds it, a re-check of an edited function's unchanged ops).
@functools.lru_cache(maxsize=8_000)
def _infer_op(
    operands: tuple[Operand, ...],
    linearity: Linearity,
    mesh: tuple[str, ...] | None,
    strict: bool,
    bindings: Bindings,
    grad_mode: bool,
) -> Verdict:
    tensors = [op for op in operands if op.type is not None]
    considered: set[str] = set()
    for op in tensors:
        assert op.type is not None
        considered.update(op.type.listed(bindings))
        hidden = op.type.hidden_axes(bindings)
        if hidden:
            considered.update(hidden)
    if mesh is not None:
        considered.update(mesh)
    out: dict[str, Term] = {}
    narrowed = bindings
    uncertain: tuple[RuleViolation, list[int]] | None = None
    for axis in sorted(considered, key=lambda a: (axes.label(a), a)):
        terms = [op.term(axis, narrowed) for op in operands]
        if _count(terms) > MAX_ASSIGNMENTS:
            out[axis] = ANY
            continue
        outcomes = [
            _axis_outcome(axis, values, variables, operands, linearity, mesh, strict, grad_mode)
            for values, variables in _assignments(terms)
        ]
        fails, term, failed, certain, narrowed = _judge(outcomes, narrowed)
        if fails:
            assert failed is not None
            violation = relabelled(failed.reported(), considered)
            if certain:
                return Verdict(None, violation, True, bindings)
            if uncertain is None:
                uncertain = (violation, [])
            if term is None:
                continue
        if term is not None and term is not ABSENT:
            out[axis] = term if not isinstance(term, Marker) else Unknown(frozenset({term}))
    if uncertain is not None:
        return Verdict(None, uncertain[0], False, bindings)
    rest, narrowed = _output_rest(operands, considered, linearity, strict, grad_mode, narrowed)
    return Verdict(TensorType(out, rest), None, True, narrowed)


def _axis_outcome(
    axis: str,
    values: list[Possibility | None],
    variables: dict[VarId, Possibility],
    operands: Sequence[Operand],
    linearity: Linearity,
    mesh: tuple[str, ...] | None,
    strict: bool,
    grad_mode: bool,
) -> _Outcome:
    """One assignment on one axis, as ``rules.infer_output`` does it."""
    tensor_has_axis = any(isinstance(v, AxisType) for v in values)
    entries: list[AxisEntry] = []
    index: list[int] = []
    flags: list[bool | None] = []
    for i, (value, operand) in enumerate(zip(values, operands, strict=True)):
        entry: AxisEntry | None
        if value is NOTHING:
            continue  # not a tensor nor a number: the runtime does not see it
        if value is None or value is SCALAR:
            entry = RULE_SCALAR if tensor_has_axis else None
        elif value is ABSENT:
            entry = None
        else:
            assert isinstance(value, AxisType)
            entry = value
        if entry is None:
            if strict:
                return _Outcome(variables, None, _missing_axis(i, axis, operands, mesh))
            continue
        entries.append(entry)
        index.append(i)
        is_number = entry is RULE_SCALAR
        flags.append(True if is_number or not grad_mode else operand.no_grad)
    if not entries:
        return _Outcome(variables, ABSENT)
    return _with_flags(axis, entries, index, flags, linearity, variables)


# by axis and operand types: the same few combinations meet again and again
_RULES: Memo[tuple[object, ...], tuple[Possibility | None, RuleViolation | None, bool]] = Memo(
    "axis_rules", 50_000
)


def _with_flags(
    axis: str,
    entries: list[AxisEntry],
    index: list[int],
    flags: list[bool | None],
    linearity: Linearity,
    variables: dict[VarId, Possibility],
) -> _Outcome:
    """Run the axis rule (memoised: the same operand types meet again and again); an unknown
    requires_grad that decides the verdict makes a failure uncertain (the relaxed reading
    passes)."""
    key = (axis, tuple(entries), tuple(index), tuple(flags), linearity)
    found = _RULES.get(key)
    if found is None:
        found = _RULES.put(key, _rule(axis, entries, index, flags, linearity))
    result, violation, certain = found
    fix_source = (axis, tuple(entries), tuple(index), linearity) if violation else None
    return _Outcome(variables, result, violation, certain, fix_source)


def _rule(
    axis: str,
    entries: list[AxisEntry],
    index: list[int],
    flags: list[bool | None],
    linearity: Linearity,
) -> tuple[Possibility | None, RuleViolation | None, bool]:
    def run(assume: bool) -> AxisType:
        chosen = [assume if f is None else f for f in flags]
        return infer_axis(axis, entries, linearity, chosen)

    def violation_of(error: RuleViolation) -> RuleViolation:
        operand = index[error.operand] if error.operand is not None else None
        return RuleViolation(error.code, error.message, operand=operand, axis=axis)

    if all(f is not None for f in flags):
        try:
            return run(True), None, True
        except RuleViolation as error:
            return None, violation_of(error), True
    try:
        relaxed = run(True)
    except RuleViolation as error:
        return None, violation_of(error), True
    try:
        tight = run(False)
    except RuleViolation as error:
        message = (
            error.message
            + " This is an error only if the Invariant operand requires grad, and whether it "
            "does is not known here (it comes from outside the code the checker can see)."
        )
        undecided = violation_of(
            RuleViolation(error.code, message, operand=error.operand, axis=axis)
        )
        return relaxed, undecided, False
    return (tight if tight == relaxed else relaxed), None, True


def _missing_axis(
    i: int, axis: str, operands: Sequence[Operand], mesh: tuple[str, ...] | None
) -> RuleViolation:
    operand = operands[i].type
    have = "{}" if operand is None else _axes_text(operand)
    if mesh is not None and axis in mesh:
        mesh_text = "{" + ", ".join(sorted(axes.label(a) for a in mesh)) + "}"
        message = codes.MISSING_AXIS_FROM_MESH.format(
            index=i, axis=axes.label(axis), mesh=mesh_text, have=have
        )
    else:
        union = sorted({axes.label(a) for op in operands if op.type for a in op.type.listed()})
        if any(op.type is not None and op.type.hidden_axes() is None for op in operands):
            union.append("...")
        message = codes.MISSING_AXIS_FROM_OPERANDS.format(
            index=i, axis=axes.label(axis), have=have, union="{" + ", ".join(union) + "}"
        )
    return RuleViolation(codes.MISSING_AXIS, message, operand=i, axis=axis)


def _axes_text(t: TensorType) -> str:
    names = sorted(axes.label(a) for a in t.listed())
    if t.hidden_axes() is None:
        names.append("...")
    return "{" + ", ".join(names) + "}"


def relabelled(violation: RuleViolation, keys: set[str]) -> RuleViolation:
    message = axes.relabel(violation.message, keys)
    if message == violation.message:
        return violation
    return RuleViolation(
        violation.code,
        message,
        operand=violation.operand,
        axis=violation.axis,
        fixes=violation.fixes,
        certain=violation.certain,
    )


def _output_rest(
    operands: Sequence[Operand],
    considered: set[str],
    linearity: Linearity,
    strict: bool,
    grad_mode: bool,
    bindings: Bindings,
) -> tuple[Rest, Bindings]:
    """The result's other axes: the rule run on a generic hidden axis (one no operand
    lists). A constant result is a fill, the unknown of one root passing through unchanged
    is that root's row, no axis at all is exact. In strict mode an operand without hidden
    axes closes the others: on the continuing path their roots (and the mesh of a fill)
    have no axis beyond those listed."""
    terms = [op.hidden_term(bindings) for op in operands]
    if all(t is None or t is ABSENT for t in terms):
        return EXACT, bindings
    key = (
        tuple(terms),
        tuple(op.no_grad for op in operands),
        tuple(op.extra for op in operands),
        linearity,
        strict,
        grad_mode,
    )
    shape = _REST_SHAPES.get(key)
    if shape is None:
        # too many combinations to enumerate (an op of many operands of unknown kind): the
        # result's other axes are not known
        if _count(terms) > MAX_ASSIGNMENTS:
            return OPEN, bindings
        shape = _REST_SHAPES.put(key, _rest_shape(operands, terms, linearity, strict, grad_mode))
    kind, value = shape
    if kind == "closes":
        for op in operands:
            rest = op.type.rest if op.type is not None else None
            if rest is not None and rest.root is not None and rest.kind is not RestKind.OPEN:
                listed = frozenset(op.type.items) if op.type is not None else frozenset()
                bindings = bindings.bound_row(rest.root, listed | frozenset(considered))
        return EXACT, bindings
    if kind == "exact":
        return EXACT, bindings
    if kind == "fill":
        assert isinstance(value, AxisType)
        mesh = next(t.rest.root for t in _types(operands) if t.rest.kind is RestKind.FILL)
        assert mesh is not None
        return fill(mesh, value), bindings
    if kind == "row":
        assert isinstance(value, Root)
        return row(value), bindings
    return OPEN, bindings


_REST_SHAPES: Memo[tuple[object, ...], tuple[str, object]] = Memo("other_axes_shapes", 20_000)


def _rest_shape(
    operands: Sequence[Operand],
    terms: list[Term | Marker | None],
    linearity: Linearity,
    strict: bool,
    grad_mode: bool,
) -> tuple[str, object]:
    """What the rule gives on a generic hidden axis: ("closes" | "exact" | "fill" | "row" |
    "open", the fill's type or the row's root)."""
    outcomes = [
        _axis_outcome(HIDDEN, values, variables, operands, linearity, None, strict, grad_mode)
        for values, variables in _assignments(terms)
    ]
    survivors = [o for o in outcomes if o.violation is None or not o.certain]
    results = {o.result for o in survivors}
    if results <= {None, ABSENT}:
        if strict and any(t is ABSENT for t in terms):
            return "closes", None
        return "exact", None
    if len(results) == 1:
        (only,) = results
        has_fill = any(t.rest.kind is RestKind.FILL for t in _types(operands))
        if isinstance(only, AxisType) and has_fill:
            return "fill", only.local
    hidden = {var for o in survivors for var in o.variables if var.axis == HIDDEN}
    if len(hidden) == 1:
        (var,) = hidden
        if all(o.variables.get(var) == (o.result or ABSENT) for o in survivors):
            return "row", var.root  # each hidden axis passes through unchanged
    return "open", None


def _types(operands: Sequence[Operand]) -> list[TensorType]:
    return [op.type for op in operands if op.type is not None]


# ---------------------------------------------------------------------- collectives
def check_collective(
    function: str,
    operand: TensorType,
    axis: str,
    src: AxisType,
    *,
    strict: bool,
    no_grad: bool | None,
    bindings: Bindings,
) -> tuple[Verdict, Term | Marker]:
    """The typecheck mode's ``src`` check of a collective or conversion over a symbolic
    operand. Returns the verdict (its output is the operand, narrowed) and the operand's
    term on the axis on the continuing path (``ABSENT``: not typed there, permissive)."""
    term = operand.term(axis, bindings)
    outcomes: list[_Outcome] = []
    for values, variables in _assignments([term]):
        value = values[0]
        if not isinstance(value, AxisType):
            try:
                coll.check_source(function, LocalType(), axis, src, strict=strict, no_grad=no_grad)
                outcomes.append(_Outcome(variables, ABSENT))
            except RuleViolation as error:
                outcomes.append(_Outcome(variables, None, error, error.certain))
            continue
        assert isinstance(value, AxisType)
        try:
            coll.check_source(
                function, LocalType({axis: value}), axis, src, strict=strict, no_grad=no_grad
            )
            outcomes.append(_Outcome(variables, value))
        except RuleViolation as error:
            # an uncertain failure may pass: the path then goes on with the operand's type
            passes_as = None if error.certain else value
            outcomes.append(_Outcome(variables, passes_as, error, error.certain))
    fails, result, failed, certain, narrowed = _judge(outcomes, bindings)
    if fails:
        assert failed is not None
        return Verdict(None, relabelled(failed.reported(), {axis}), certain, bindings), ABSENT
    return Verdict(operand, None, True, narrowed), result if result is not None else ABSENT


def collective_output(
    operand: TensorType, axis: str, dst: AxisType, before: Term | Marker
) -> TensorType:
    """A collective's result: the operand (S(i) decayed) with the axis set to ``dst`` where
    it was typed (``before``: the operand's term there on the continuing path)."""
    base = operand.local
    if before is ABSENT:
        return base.without_axis(axis)
    if isinstance(before, Unknown) and ABSENT in before.domain:
        return base.written(axis, Unknown(frozenset({dst.local, ABSENT})))
    return base.written(axis, dst.local)


@dataclass(frozen=True)
class TermVerdict:
    """A check of one tensor's type on one axis: the manifest violation (None: some type the
    tensor may have passes) and the bindings of the path that goes on (narrowed to the
    types that pass)."""

    violation: RuleViolation | None
    bindings: Bindings


def check_term(
    term: Term | Marker,
    axis: str,
    check: Callable[[AxisType | None], None],
    bindings: Bindings,
) -> TermVerdict:
    """Run ``check`` (the runtime's rule on one concrete type; None: the tensor is not typed
    on ``axis``; it raises the rule's ``RuleViolation``) on every type ``term`` may be."""
    outcomes: list[_Outcome] = []
    for values, variables in _assignments([term]):
        value = values[0]
        try:
            check(value if isinstance(value, AxisType) else None)
            outcomes.append(_Outcome(variables, value if value is not None else ABSENT))
        except RuleViolation as error:
            outcomes.append(_Outcome(variables, None, error, error.certain))
    fails, _, failed, _, narrowed = _judge(outcomes, bindings)
    if fails:
        assert failed is not None
        return TermVerdict(relabelled(failed.reported(), {axis}), bindings)
    return TermVerdict(None, narrowed)


# ---------------------------------------------------------------------- assert_type
@dataclass(frozen=True)
class AssertMismatch:
    """An assert_type that contradicts the tensor's type on an axis (on every path)."""

    axis: str
    have: AxisType
    wanted: AxisType
    shard_conflict: bool  # both are S(i) with different dims


def assert_axis(
    term: Term | Marker, wanted: AxisType, bindings: Bindings
) -> tuple[Term | AssertMismatch, Bindings]:
    """What ``assert_type`` makes of a tensor's type on one axis: an untyped axis gets the
    asserted type, an equal one is refined to it (an S(i) is kept), V is upgraded to P;
    anything else is a mismatch."""
    outcomes: list[tuple[dict[VarId, Possibility], Possibility | AssertMismatch]] = []
    for values, variables in _assignments([term]):
        have = values[0]
        if not isinstance(have, AxisType):
            outcomes.append((variables, wanted))
            continue
        assert isinstance(have, AxisType)
        if have.local == wanted.local:
            if (
                have.shard_dim is not None
                and wanted.shard_dim is not None
                and have.shard_dim != wanted.shard_dim
            ):
                outcomes.append((variables, AssertMismatch("", have, wanted, True)))
            else:
                outcomes.append((variables, wanted if wanted.shard_dim is not None else have))
        elif have.local == TYPE_V and wanted.kind is Kind.P:
            outcomes.append((variables, wanted))
        else:
            outcomes.append((variables, AssertMismatch("", have, wanted, False)))
    passing = [(v, r) for v, r in outcomes if not isinstance(r, AssertMismatch)]
    if not passing:
        mismatch = outcomes[0][1]
        assert isinstance(mismatch, AssertMismatch)
        return mismatch, bindings
    narrowed = bindings
    if len(passing) < len(outcomes):
        allowed: dict[VarId, set[Possibility]] = {}
        for variables, _ in passing:
            for var, value in variables.items():
                allowed.setdefault(var, set()).add(value)
        for var, kept in allowed.items():
            narrowed = narrowed.narrow(var, frozenset(kept))
    results = {r for _, r in passing}
    if len(results) == 1:
        (only,) = results
        assert isinstance(only, AxisType)
        return only, narrowed
    return Unknown(frozenset(r for r in results if isinstance(r, AxisType))), narrowed


def require(
    term: Term | Marker, wanted: AxisType, bindings: Bindings
) -> tuple[bool | None, Possibility, Bindings]:
    """A check that an axis has exactly ``wanted`` (as ``mutate_type``'s ``src``): True when
    it holds on every path, False when on none (with a type the tensor has, for the
    message), None when on some (the bindings keep those)."""
    outcomes: list[tuple[dict[VarId, Possibility], Possibility, bool]] = []
    for values, variables in _assignments([term]):
        have = values[0]
        assert have is not None
        ok = isinstance(have, AxisType) and have.local == wanted.local
        outcomes.append((variables, have, ok))
    passing = [o for o in outcomes if o[2]]
    if not passing:
        return False, outcomes[0][1], bindings
    if len(passing) == len(outcomes):
        return True, passing[0][1], bindings
    narrowed = bindings
    allowed: dict[VarId, set[Possibility]] = {}
    for variables, _, _ in passing:
        for var, value in variables.items():
            allowed.setdefault(var, set()).add(value)
    for var, kept in allowed.items():
        narrowed = narrowed.narrow(var, frozenset(kept))
    return None, passing[0][1], narrowed


# ---------------------------------------------------------------------- one axis, any rule
def possibilities(term: Term | Marker) -> list[tuple[Possibility, dict[VarId, Possibility]]]:
    """Each value one axis's term may take, with what that value fixes of its identity: a
    rule of one operand on one axis (``rules.*``, the global-mode checks) runs once per
    value, and is judged like the others."""
    out: list[tuple[Possibility, dict[VarId, Possibility]]] = []
    for values, variables in _assignments([term]):
        value = values[0]
        assert value is not None
        out.append((value, variables))
    return out


def narrowed_to(
    bindings: Bindings,
    passing: Sequence[dict[VarId, Possibility]],
    every: Sequence[dict[VarId, Possibility]],
) -> Bindings:
    """The bindings on the path that goes on: each identity narrowed to the values of the
    assignments that passed (``passing``, among ``every`` assignment)."""
    if len(passing) == len(every):
        return bindings
    allowed: dict[VarId, set[Possibility]] = {}
    for variables in passing:
        for var, value in variables.items():
            allowed.setdefault(var, set()).add(value)
    narrowed = bindings
    for var in {v for variables in every for v in variables}:
        narrowed = narrowed.narrow(var, frozenset(allowed.get(var, set())))
    return narrowed
