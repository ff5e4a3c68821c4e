"""The collectives and local conversions of spmd_types: signatures, argument rules, typing.

Mirrors ``_collectives.py``, ``_local.py`` and ``_typecheck_spmd_function``
of the reference runtime (0.3.1). The runtime first runs the function, which
raises ``ValueError`` on a bad ``src``/``dst`` or a transition gated behind
``expert_mode``; then it checks that ``src`` matches the operand's type on
the axis (``SpmdTypeError``) and sets the axis to ``dst``. Same order here.

Also the raw ``torch.distributed`` collectives (``_raw_dist.py``): where their
tensors are among the arguments, the types their input and outputs must have,
and the ones the runtime rejects whatever the types.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from . import codes
from .lattice import AxisType, I, Kind, LocalType, P, R, V
from .rules import RuleViolation


class Required(Enum):
    """A ``src``/``dst`` parameter with no default: the call must pass it."""

    REQUIRED = "required"


REQUIRED = Required.REQUIRED
Param = AxisType | Required


@dataclass(frozen=True)
class Signature:
    name: str
    src: Param
    dst: Param
    forward: str  # what it does, for hovers
    fixed: bool = False  # src/dst are not parameters (invariant_to_replicate)


SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature("all_reduce", P, REQUIRED, "sum across the axis"),
        Signature("all_gather", V, REQUIRED, "gather the shards of every rank"),
        Signature("reduce_scatter", P, V, "sum across the axis, keep one shard"),
        Signature("all_to_all", V, V, "exchange shards between ranks"),
        Signature(
            "redistribute",
            REQUIRED,
            REQUIRED,
            "the collective or conversion that the transition routes to",
        ),
        Signature(
            "convert", REQUIRED, REQUIRED, "change the type, preserving the value, no communication"
        ),
        Signature(
            "reinterpret", REQUIRED, REQUIRED, "change the type, keeping the local data as is"
        ),
        Signature(
            "invariant_to_replicate", I, R, "no-op forward, all-reduce in backward", fixed=True
        ),
        Signature("shard", REQUIRED, REQUIRED, "convert(src, S(i)): take this rank's shard"),
        Signature("unshard", REQUIRED, REQUIRED, "all_gather(S(i), dst)"),
    )
}


# What moves the data, in the words hovers and fix titles use: a collective ("all-reduce",
# "all-gather", "reduce-scatter", "all-to-all"), a local conversion ("local slice": keep this
# rank's slice; "zeros on non-rank-0": keep rank 0's value, zero elsewhere; "zero padding":
# place this rank's value in its own slot of a zero tensor), or "no-op" (the local data is
# kept as it is: only the type, and what the backward does, change).
NOOP = "no-op"


def _is_v(t: AxisType) -> bool:
    return t.kind is Kind.V  # V or S(i)


def _routed(function: str, src: AxisType, dst: AxisType) -> str:
    """The function that performs the call: ``redistribute`` delegates per src/dst (as the
    runtime's ``redistribute`` does), the aliases are what they stand for; "identity" when the
    call returns its operand itself."""
    function = canonical_function(function)
    if function == "redistribute":
        if src.kind is dst.kind:
            if _is_shard(src) and _is_shard(dst) and src.shard_dim != dst.shard_dim:
                return "all_to_all"
            return "identity"
        if _is_v(src) and dst.kind in (Kind.R, Kind.I):
            return "all_gather"
        if src.kind is Kind.P and dst.kind in (Kind.R, Kind.I):
            return "all_reduce"
        if src.kind is Kind.P and _is_v(dst):
            return "reduce_scatter"
        return "convert"
    if function in ("convert", "reinterpret") and src.kind is dst.kind:
        return "identity"  # returns x (convert(S(i), S(j)) with i != j is rejected before)
    return function


# convert(src, dst) by kinds (S(i) is V here): (forward, backward), from the runtime's
# ``convert`` docstring ("the backward is ...") and its autograd Functions.
_CONVERT: dict[tuple[Kind, Kind], tuple[str, str]] = {
    (Kind.R, Kind.I): (NOOP, "zeros on non-rank-0"),  # backward convert(I,P)
    (Kind.I, Kind.R): (NOOP, "all-reduce"),  # backward all_reduce(I): P -> I
    (Kind.R, Kind.V): ("local slice", "zero padding"),  # backward convert(V,P)
    (Kind.I, Kind.V): ("local slice", "all-gather"),  # backward all_gather(V,I)
    (Kind.R, Kind.P): ("zeros on non-rank-0", "zeros on non-rank-0"),  # self-dual
    (Kind.I, Kind.P): ("zeros on non-rank-0", NOOP),  # backward convert(R,I)
    (Kind.V, Kind.P): ("zero padding", "local slice"),  # backward convert(R,V)
}

# reinterpret(src, dst): a no-op forward, always; the backward per the runtime's reinterpret
# docstring and autograd Functions. R<->I delegate to convert; I -> V and I -> P are
# compositions through R, whose backward ends in convert(I,R)'s all_reduce(I).
_REINTERPRET_BACKWARD: dict[tuple[Kind, Kind], str] = {
    (Kind.R, Kind.I): "zeros on non-rank-0",  # convert(I,P)
    (Kind.I, Kind.R): "all-reduce",  # all_reduce(I): P -> I
    (Kind.R, Kind.V): NOOP,  # reinterpret(V,P)
    (Kind.R, Kind.P): NOOP,  # reinterpret(R,P)
    (Kind.V, Kind.P): NOOP,  # reinterpret(R,V)
    (Kind.I, Kind.V): "all-reduce",  # reinterpret(V,P), then all_reduce(I): P -> I
    (Kind.I, Kind.P): "all-reduce",  # reinterpret(R,P), then all_reduce(I): P -> I
}


def _operations(function: str, src: AxisType, dst: AxisType) -> tuple[str, str]:
    """(forward, backward): what moves the data in each direction."""
    routed = _routed(function, src, dst)
    if routed == "identity":
        return NOOP, NOOP
    if routed == "all_reduce":  # src V is reinterpreted as P first: still a sum
        return "all-reduce", "all-reduce" if dst.kind is Kind.R else NOOP
    if routed == "all_gather":
        return "all-gather", "reduce-scatter" if dst.kind is Kind.R else "local slice"
    if routed == "reduce_scatter":  # src V is reinterpreted as P first
        return "reduce-scatter", "all-gather"
    if routed == "all_to_all":  # an exchange whatever the dims (S(i) -> S(i) too)
        return "all-to-all", "all-to-all"
    key = (src.kind, dst.kind)
    if routed == "reinterpret":
        return NOOP, _REINTERPRET_BACKWARD.get(key, NOOP)
    return _CONVERT.get(key, (NOOP, NOOP))


def forward_text(function: str, src: AxisType, dst: AxisType) -> str:
    """What the call does in forward: ``all-reduce (P -> R)``."""
    return f"{_operations(function, src, dst)[0]} ({src} -> {dst})"


def backward_text(function: str, src: AxisType, dst: AxisType) -> str:
    """What its backward does to the gradient, grad(dst) -> grad(src): ``no-op (I -> R)``."""
    return f"{_operations(function, src, dst)[1]} ({dst.gradient} -> {src.gradient})"


def value_note(function: str, src: AxisType, dst: AxisType) -> str | None:
    """What a reinterpret does to the value the tensor stands for, when it changes it (the
    runtime's reinterpret docstring): None for every other call."""
    if _routed(function, src, dst) != "reinterpret":
        return None
    if dst.kind is Kind.P and src.kind in (Kind.R, Kind.I):
        return "the value is scaled by the axis size (the equal copies are now summed)"
    if dst.kind is Kind.P:
        return "the value becomes the sum of the ranks' values"
    if dst.kind is Kind.V and src.kind in (Kind.R, Kind.I):
        return "the ranks' copies now count as different values"
    return None


def canonical_function(function: str) -> str:
    """shard and unshard are aliases of convert and all_gather."""
    return {"shard": "convert", "unshard": "all_gather", "invariant_to_replicate": "convert"}.get(
        function, function
    )


def _invalid(message: str) -> RuleViolation:
    return RuleViolation(codes.INVALID_TRANSITION, message)


def _expert(message: str) -> RuleViolation:
    return RuleViolation(codes.EXPERT_MODE, message)


def _is_shard(t: AxisType) -> bool:
    return t.shard_dim is not None


def validate_arguments(
    function: str, src: AxisType, dst: AxisType, expert_mode: bool | None
) -> None:
    """The ValueErrors the function itself raises before any type check.

    ``expert_mode`` None means it is not a literal: the gate is not judged.
    """
    gated = expert_mode is False
    if function == "shard":
        if not _is_shard(dst):
            raise _invalid(f"shard dst must be S(i), got {dst}")
        function = "convert"
    if function == "unshard":
        if not _is_shard(src):
            raise _invalid(f"unshard src must be S(i), got {src}")
        function = "all_gather"
    if function == "all_reduce":
        if src.kind in (Kind.R, Kind.I):
            raise _invalid(
                f"all_reduce src must be P, got {src}. all_reduce on replicated/invariant data is "
                f"usually a bug. If you really want to scale by mesh size, use "
                f"reinterpret(src={src}, dst=P) first."
            )
        if src != P and src != V:
            raise _invalid(f"all_reduce src must be P, got {src}")
        if dst not in (R, I):
            raise _invalid(f"all_reduce dst must be R or I, got {dst}")
    elif function == "all_gather":
        if src.kind is not Kind.V:
            raise _invalid(f"all_gather src must be V or S(i), got {src}")
        if dst not in (R, I):
            raise _invalid(f"all_gather dst must be R or I, got {dst}")
    elif function == "reduce_scatter":
        if src.kind in (Kind.R, Kind.I):
            raise _invalid(
                f"reduce_scatter src must be P, got {src}. reduce_scatter on replicated/invariant "
                f"data is usually a bug. If you really want to scale by mesh size, use "
                f"reinterpret(src={src}, dst=P) first."
            )
        if src != P and src != V:
            raise _invalid(f"reduce_scatter src must be P, got {src}")
        if dst.kind is not Kind.V:
            raise _invalid(f"reduce_scatter dst must be V or S(i), got {dst}")
    elif function == "all_to_all":
        if src.kind is not Kind.V:
            raise _invalid(f"all_to_all src must be V or S(i), got {src}")
        if dst.kind is not Kind.V:
            raise _invalid(f"all_to_all dst must be V or S(i), got {dst}")
    elif function == "convert":
        _validate_convert(src, dst, gated)
    elif function == "reinterpret":
        _validate_reinterpret(src, dst, gated)
    # redistribute routes every pair of kinds; invariant_to_replicate has no parameters.


def _validate_convert(src: AxisType, dst: AxisType, gated: bool) -> None:
    s, d = src.kind, dst.kind
    if gated:
        if s is Kind.R and d is Kind.I:
            raise _expert(
                "convert(R, I) requires expert_mode=True. This treats a replicate tensor as "
                "invariant, which is rarely what you want in the forward pass. It exists as a "
                "backward for convert(I, P)."
            )
        if s is Kind.I and d is Kind.P:
            raise _expert(
                "convert(I, P) requires expert_mode=True. This zeros out all non-rank-0 tensors, "
                "which is rarely what you want. It exists as a backward for convert(R, I)."
            )
        if s is Kind.V and d is Kind.P:
            raise _expert(
                f"convert({src}, P) requires expert_mode=True. This pads with zeros to create a "
                f"partial tensor, which is rarely what you want in the forward pass. It exists as "
                f"a backward for convert(R, {src})."
            )
    if s is d:
        if _is_shard(src) and _is_shard(dst) and src.shard_dim != dst.shard_dim:
            raise _invalid(
                f"convert(S({src.shard_dim}), S({dst.shard_dim})) cannot change the shard "
                f"dimension without communication. Use all_to_all() instead."
            )
        return
    allowed = {
        (Kind.R, Kind.V),
        (Kind.R, Kind.P),
        (Kind.R, Kind.I),
        (Kind.I, Kind.V),
        (Kind.I, Kind.P),
        (Kind.I, Kind.R),
        (Kind.V, Kind.P),
    }
    if (s, d) in allowed:
        return
    if s is Kind.P and d in (Kind.R, Kind.I):
        raise _invalid(
            f"convert({src}, {dst}) is not supported. Use all_reduce(src=P, dst={dst}) to perform "
            f"the reduction and get the full sum."
        )
    if s is Kind.P and d is Kind.V:
        raise _invalid(
            f"convert({src}, {dst}) is not supported. Use reduce_scatter(src=P, dst={dst}) to "
            f"perform the reduction and get shards of the sum."
        )
    raise _invalid(f"convert({src}, {dst}) is not supported.")


def _validate_reinterpret(src: AxisType, dst: AxisType, gated: bool) -> None:
    if _is_shard(src) or _is_shard(dst):
        raise _invalid(
            f"reinterpret does not support S(i). Use V instead, or use convert for "
            f"semantics-preserving conversions. Got src={src}, dst={dst}"
        )
    if src == dst:
        return
    s, d = src.kind, dst.kind
    if gated:
        messages = {
            (Kind.R, Kind.I): "reinterpret(R, I) requires expert_mode=True. This is rarely what "
            "you want in the forward pass; it exists as a backward for convert(I, P). Prefer "
            "convert(R, I) which is the primary API for R<->I transitions.",
            (Kind.R, Kind.P): "reinterpret(R, P) requires expert_mode=True. This scales the "
            "semantic value by the mesh axis size, which is rarely intentional. If you want to "
            "preserve semantics, use convert(R, P) instead.",
            (Kind.I, Kind.R): "reinterpret(I, R) requires expert_mode=True. Use convert(I, R) "
            "instead, which is the primary API for I<->R transitions.",
            (Kind.R, Kind.V): "reinterpret(R, V) requires expert_mode=True. This makes N copies "
            "of the input, which is rarely what you want in the forward pass. If you want to "
            "shard a replicated value, use convert(R, V) or convert(R, S(i)) instead.",
        }
        if (s, d) in messages:
            raise _expert(messages[(s, d)])
    allowed = {
        (Kind.R, Kind.I),
        (Kind.I, Kind.R),
        (Kind.R, Kind.V),
        (Kind.R, Kind.P),
        (Kind.I, Kind.V),
        (Kind.I, Kind.P),
        (Kind.V, Kind.P),
    }
    if (s, d) in allowed:
        return
    if s is Kind.P:
        raise _invalid(
            f"reinterpret({src}, {dst}) is not supported; it is semantically ill-defined. Call "
            f"all_reduce(src=P, dst=R) first to materialize the sum, then do whatever conversion "
            f"you need from R."
        )
    if s is Kind.V:
        raise _invalid(
            f"reinterpret({src}, {dst}) is not supported. We cannot unsafely assert that varying "
            f"values on all ranks are actually the same. Ensure your source is already {dst} "
            f"instead."
        )
    raise _invalid(f"reinterpret({src}, {dst}) is not supported.")


def check_source(
    function: str,
    operand: LocalType,
    axis: str,
    src: AxisType,
    *,
    strict: bool,
    no_grad: bool | None,
) -> bool:
    """Check the operand's type on the axis against ``src``.

    Returns whether the operand is typed on the axis (permissive mode lets an
    untyped axis through, and the result then stays untyped there).
    """
    actual = operand.get(axis)
    if actual is None:
        if strict:
            raise RuleViolation(
                codes.MISSING_AXIS,
                codes.MISSING_AXIS_FOR_COLLECTIVE.format(
                    function=canonical_function(function), axis=axis
                ),
                axis=axis,
            )
        return False
    want = src.local
    have = actual.local
    if have == want:
        return True
    if want == P and have == V:
        return True  # reductions reinterpret V as P implicitly
    if {have, want} == {R, I}:
        if no_grad:
            return True  # R and I differ only in backward
        if no_grad is None:
            raise RuleViolation(
                codes.SRC_MISMATCH,
                codes.SRC_MISMATCH_IF_GRAD.format(
                    function=canonical_function(function), want=want, axis=axis, have=have
                ),
                axis=axis,
                certain=False,
            )
    raise RuleViolation(
        codes.SRC_MISMATCH,
        codes.SRC_MISMATCH.message(
            function=canonical_function(function), want=want, axis=axis, have=have
        ),
        axis=axis,
    )


def is_noop(function: str, src: AxisType, dst: AxisType) -> bool:
    """Conversions whose src and dst are the same kind return their operand itself."""
    if (
        canonical_function(function) not in ("convert", "reinterpret", "redistribute")
        or function == "invariant_to_replicate"
    ):
        return False
    if src.kind is not dst.kind:
        return False
    return not (
        function == "redistribute"
        and src.shard_dim is not None
        and dst.shard_dim is not None
        and src.shard_dim != dst.shard_dim
    )


# ---------------------------------------------------------------------- raw torch.distributed
@dataclass(frozen=True)
class RawTensorArg:
    """Where a raw collective's tensor argument is: its parameter name and position."""

    name: str
    position: int
    is_list: bool = False  # a list of tensors (all_gather's tensor_list)


@dataclass(frozen=True)
class RawRule:
    """One raw ``torch.distributed`` collective as ``_raw_dist.RAW_DIST_RULES`` types it:
    the input must be ``src`` on the group's axis, each output must already be one of
    ``dst`` there, and an in-place collective retypes its input to ``mutate_to``."""

    runtime_name: str  # the name in the runtime's messages (torch 2.13 forwards some)
    input: RawTensorArg
    output: RawTensorArg | None
    group: int  # the position of ``group``
    src: AxisType
    dst: tuple[AxisType, ...]
    mutate_to: AxisType | None = None

    @property
    def async_position(self) -> int:
        return self.group + 1  # async_op follows group in every signature


_GATHER_INTO = RawRule(
    "all_gather_single",
    RawTensorArg("input_tensor", 1),
    RawTensorArg("output_tensor", 0),
    2,
    V,
    (R, I),
)
_REDUCE_SCATTER = RawRule(
    "reduce_scatter_single", RawTensorArg("input", 1), RawTensorArg("output", 0), 3, P, (V,)
)
RAW_RULES: dict[str, RawRule] = {
    "all_reduce": RawRule("all_reduce", RawTensorArg("tensor", 0), None, 2, P, (), mutate_to=R),
    "all_gather": RawRule(
        "all_gather",
        RawTensorArg("tensor", 1),
        RawTensorArg("tensor_list", 0, is_list=True),
        2,
        V,
        (R, I),
    ),
    "all_gather_into_tensor": _GATHER_INTO,
    "all_gather_single": _GATHER_INTO,
    "reduce_scatter_tensor": _REDUCE_SCATTER,
    "reduce_scatter_single": _REDUCE_SCATTER,
    "all_to_all_single": RawRule(
        "all_to_all_single", RawTensorArg("input", 1), RawTensorArg("output", 0), 4, V, (V,)
    ),
}
# Raw collectives that reach the runtime's checker in torch 2.13 and are rejected whatever
# the types and the group (the stubs its source calls dormant are live).
RAW_UNSUPPORTED: frozenset[str] = frozenset(
    [
        "broadcast",
        "reduce",
        "all_to_all",
        "reduce_scatter",
        "gather",
        "scatter",
        "send",
        "recv",
        "isend",
        "irecv",
        "all_reduce_coalesced",
        "all_gather_coalesced",
    ]
)


def check_raw_input(rule: RawRule, have: AxisType | None, axis: str, *, strict: bool) -> None:
    """The input's type on the group's axis (None: untyped there) against ``src``: exactly
    ``src`` (S(i) is V), unlike the spmd_types collectives (no V -> P, no R/I leniency)."""
    if have is None:
        if strict:
            raise _raw_missing(rule, "tensor", axis)
        return
    if have.local != rule.src:
        raise RuleViolation(
            codes.SRC_MISMATCH,
            codes.SRC_MISMATCH.message(
                function=rule.runtime_name, want=rule.src, axis=axis, have=have.local
            ),
            axis=axis,
        )


def check_raw_output(
    rule: RawRule, have: AxisType | None, axis: str, index: int | None, *, strict: bool
) -> None:
    """An output tensor's type on the axis (None: untyped there): it must already be one of
    ``dst``; ``index`` is its place in an output list."""
    label = f"output tensor_list[{index}]" if index is not None else "output tensor"
    if have is None:
        if strict:
            raise _raw_missing(rule, label, axis)
        return
    if have.local not in rule.dst:
        raise RuleViolation(
            codes.RAW_OUTPUT_TYPE,
            codes.RAW_OUTPUT_TYPE.message(
                function=rule.runtime_name,
                label=label,
                want="/".join(str(t) for t in rule.dst),
                axis=axis,
                have=have.local,
            ),
            axis=axis,
        )


def _raw_missing(rule: RawRule, label: str, axis: str) -> RuleViolation:
    """The strict-mode error of a raw collective on a tensor not typed on the axis."""
    return RuleViolation(
        codes.MISSING_AXIS,
        codes.RAW_MISSING_AXIS.format(function=rule.runtime_name, label=label, axis=axis),
        axis=axis,
    )
