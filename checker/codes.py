"""The registry of diagnostic codes: one constant per code, the only place codes are named.

Each code names the runtime error it stands for (``runtime_error``): the
conformance judge expects the reference runtime to raise that exception class
on the line where the checker reports the code. A code whose message is one
sentence pattern keeps it here as its ``template``; the rules mirror the
runtime's messages word for word, so a template is the runtime's text with the
varying parts as ``str.format`` fields. Codes whose message depends on the
situation (which argument, which conversion) have their variants as templates
next to them when they are long, and build short ones where the situation is
known.

Codes are constants (``PARTIAL_NONLINEAR``) everywhere inside the checker;
``Diagnostic.code`` is the code's ``name``, a string, because it is public
output (JSON, LSP).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"


@dataclass(frozen=True)
class Code:
    name: str
    summary: str
    runtime_error: str | None  # exception class the runtime raises; None: no runtime counterpart
    template: str = ""  # the message as a str.format template ("": built where it is reported)

    @property
    def doc_url(self) -> str:
        """The link to this code's explanation (``explain.docs_url``: the diagnostics page
        installed with the package, as a ``file://`` URI, unless a URL is configured)."""
        from .explain import docs_url

        return docs_url(self.name)

    def message(self, **fields: object) -> str:
        """The code's message with its fields filled in."""
        return self.template.format(**fields)


CODES: dict[str, Code] = {}  # by name, in the order of this file (docs/diagnostics.md follows it)


def _code(name: str, summary: str, runtime_error: str | None, template: str = "") -> Code:
    code = Code(name, summary, runtime_error, template)
    CODES[name] = code
    return code


SYNTAX: Final = _code(
    "spmd-syntax",
    "the file (or one statement of it) is not valid Python",
    None,
    "Syntax error: {message}. The rest of the file is still checked, without this line.",
)
PARTIAL_NONLINEAR: Final = _code(
    "spmd-partial-nonlinear",
    "a Partial value flows into a non-linear op",
    "SpmdTypeError",
    "Partial type on axis {axis} cannot propagate through non-linear ops (non-linear of a "
    "partial sum != partial sum of non-linear). Reduce first with all_reduce or "
    "reduce_scatter. Found types: {found}",
)
PARTIAL_DIVISOR: Final = _code(
    "spmd-partial-divisor",
    "a Partial value is used as a divisor",
    "SpmdTypeError",
    "{function}: Partial type in nonlinear argument on axis {axis} is not allowed. Reduce or "
    "convert the Partial operand before using it in a nonlinear position.",
)
PARTIAL_AFFINE: Final = _code(
    "spmd-partial-affine",
    "a Partial value is added to a Replicate value or a scalar",
    "SpmdTypeError",
    "Partial type on axis {axis} in a linear op requires all operands to be Partial (sum of "
    "partial sums is a partial sum, but adding a Replicate or scalar value makes the result "
    "affine -- the non-partial term gets summed N times across ranks). Found types: {found}",
)
PARTIAL_PRODUCT: Final = _code(
    "spmd-partial-product",
    "Partial values in two factors of a product",
    "SpmdTypeError",
    "Partial in multiple factors of multilinear op on axis {axis} is forbidden. Reduce all but "
    "one factor first. Found types: {found}",
)
PARTIAL_VARYING: Final = _code(
    "spmd-partial-varying",
    "a Partial value combined with a Varying value",
    "SpmdTypeError",
    "Partial type on axis {axis} cannot combine with Varying. Reduce Partial first "
    "(all_reduce -> R, or reduce_scatter -> V). Found types: {found}",
)
INVARIANT_MIX: Final = _code(
    "spmd-invariant-mix",
    "an Invariant value mixed with a value of another type",
    "SpmdTypeError",
    "Invariant type on axis {axis} cannot mix with other types. Found types: {found}",
)
MISSING_AXIS: Final = _code(
    "spmd-missing-axis",
    "an operand is not typed on a mesh axis that the others have",
    "SpmdTypeError",
)
# its messages: an operand of an op, against the current mesh or against the other operands;
# the operand of a collective
MISSING_AXIS_FROM_MESH: Final = (
    "args[{index}] missing axis {axis} from the current mesh {mesh}. args[{index}] has axes {have}."
)
MISSING_AXIS_FROM_OPERANDS: Final = (
    "args[{index}] missing axis {axis}. args[{index}] has axes {have}, but the union of all "
    "operand axes is {union}. All operands must be annotated on the same set of mesh axes."
)
MISSING_AXIS_FOR_COLLECTIVE: Final = (
    "{function}: tensor has no type for axis {axis}. Use assert_type() to annotate the tensor "
    "on this axis before calling collectives."
)
SRC_MISMATCH: Final = _code(
    "spmd-src-mismatch",
    "a collective's src does not match its operand's type",
    "SpmdTypeError",
    "{function}: expected input type {want} on axis {axis}, got {have}",
)
# R against I: an error only when the tensor requires grad, which is not known
SRC_MISMATCH_IF_GRAD: Final = (
    "{function}: expected input type {want} on axis {axis}, got {have}; the runtime accepts "
    "this only if the tensor cannot receive a gradient, and whether it requires grad is not "
    "known here."
)
ASSERT_MISMATCH: Final = _code(
    "spmd-assert-mismatch",
    "assert_type contradicts the type the tensor already has",
    "SpmdTypeError",
    "SPMD type mismatch on axis {axis}: tensor has {have}, expected {want}",
)
CONFLICTING_TYPES: Final = _code(
    "spmd-conflicting-types", "one assert_type names two types for one axis", "SpmdTypeError"
)
INPLACE_TYPE_CHANGE: Final = _code(
    "spmd-inplace-type-change",
    "an in-place op would change its target's type",
    "SpmdTypeError",
    "{function}: in-place/out operation would change SPMD type on axis {axis} from {old} to "
    "{new}. In-place and out= operations cannot change a tensor's SPMD type.",
)
# R/I -> V: allowed when the target does not require grad, which is not known
INPLACE_TYPE_CHANGE_IF_GRAD: Final = (
    "{function}: in-place/out operation would change SPMD type on axis {axis} from {old} to "
    "{new}, which is only allowed when the target does not require grad, and whether it does "
    "is not known here."
)
BACKWARD_LOSS: Final = _code(
    "spmd-backward-loss",
    "backward() on a loss whose gradient would be wrong",
    "SpmdTypeError",
    "backward() on a {kind} loss on axis {axis} would produce incorrect gradients. The implicit "
    "grad_output is a 1.0 scalar on each rank (Invariant), but only Invariant or Partial losses "
    "are valid for backward() without an explicit gradient. {advice}",
)
# the runtime's advice, by the loss's type
BACKWARD_LOSS_REPLICATE: Final = (
    "The loss is Replicate on axis {axis} -- this usually means an upstream all_reduce reduced "
    "to R instead of I. Consider changing the upstream reduction to all_reduce(..., dst=I) so "
    "the loss is Invariant, or removing the all_reduce and calling backward() on the local "
    "(Partial) loss."
)
BACKWARD_LOSS_VARYING: Final = (
    "The loss is Varying -- each rank holds a different local loss. Use reinterpret(loss, "
    "{axis}, src=V, dst=P) to differentiate the (pending) sum of the loss over all ranks."
)
UNKNOWN_AXIS: Final = _code(
    "spmd-unknown-axis",
    "an axis name that the current mesh does not have",
    "RuntimeError",
    "No mesh axis named {name!r} in the current mesh. Available: {available}",
)
NO_CURRENT_MESH: Final = _code(
    "spmd-no-current-mesh",
    "an axis name or bare type used with no current mesh",
    "RuntimeError",
    "Cannot resolve axis name {name!r}: no current mesh is set. Use set_current_mesh() or pass "
    "a MeshAxis object instead.",
)
NO_CURRENT_MESH_FOR_BARE_TYPE: Final = (
    "A bare {type} requires an active mesh, but no current mesh is set. Use set_current_mesh() "
    "or pass an explicit per-axis dict instead."
)
UNREGISTERED_FUNCTION: Final = _code(
    "spmd-unregistered-function",
    "an autograd Function the checker has no typing rule for",
    "SpmdTypeError",
    "{function}.apply: autograd Function is not registered for SPMD type checking anywhere the "
    "checker can see. Use register_local_autograd_function({function}) to mark it as safe for "
    "type propagation, or define {function}.spmd_typecheck composed from spmd_types.rules "
    "operations to declare its comms. (A warning: a registration in code the checker does not "
    "see would make this legal.)",
)
EXPERT_MODE: Final = _code(
    "spmd-expert-mode", "a conversion that needs expert_mode=True", "ValueError"
)
INVALID_TRANSITION: Final = _code(
    "spmd-invalid-transition",
    "a collective or conversion asked for a src/dst it does not support",
    "ValueError",
)
MISSING_ARGUMENT: Final = _code(
    "spmd-missing-argument",
    "a collective or conversion called without a required src/dst",
    "TypeError",
    "{function}() missing required keyword-only argument: '{which}'. Say which type the tensor "
    "has{also}, e.g. {which}=R.",
)
AXES_NOT_ORTHOGONAL: Final = _code(
    "spmd-axes-not-orthogonal",
    "a type or a mesh names axes that overlap (a flattened axis and one of its components)",
    "SpmdTypeError",
)
MESH_INCOMPATIBLE: Final = _code(
    "spmd-mesh-incompatible",
    "a type cannot be read on another mesh's axes (reinterpret_mesh, an operand of another mesh)",
    "SpmdTypeError",
)
MESH_OP_IN_TYPECHECK: Final = _code(
    "spmd-mesh-op-in-typecheck",
    "a DeviceMesh is sliced or flattened inside typecheck(): its own rank tensor is untyped",
    "SpmdTypeError",
    "{what} a DeviceMesh inside typecheck() runs tensor ops on the mesh's own untyped rank "
    "tensor: args[0] missing axis {axis} from the current mesh {mesh}. args[0] has axes {{}}. "
    "{advice}",
)
MESH_REGION: Final = _code(
    "spmd-mesh-region",
    "set_current_mesh(local_axes=...) names axes the mesh does not have, twice, or out of order",
    "ValueError",
)
SCALAR_TYPE: Final = _code(
    "spmd-scalar-type",
    "spmd.Scalar given a bool, or a type other than R, I, V or P",
    "TypeError",
)
SCALAR_MIX: Final = _code(
    "spmd-scalar-mix",
    "arithmetic between two spmd.Scalar values whose types do not combine",
    "TypeError",
)
ASSERT_FORM: Final = _code(
    "spmd-assert-form",
    "assert_type called with no type, or with two bare types",
    "TypeError",
)
REINTERPRET_NO_GRAD: Final = _code(
    "spmd-reinterpret-no-grad",
    "reinterpret_no_grad of a tensor that requires grad, or to a dst other than R or I",
    "ValueError",
)
MUTATE_TYPE_FORM: Final = _code(
    "spmd-mutate-type-form",
    "mutate_type called with src and dst dicts whose axes differ",
    "SpmdTypeError",
)
BOUNDARY_SPEC: Final = _code(
    "spmd-boundary-spec",
    "Infer used inside local_map's in_types or out_types (only the bare in_types may be Infer)",
    "SpmdTypeError",
)
RAW_OUTPUT_TYPE: Final = _code(
    "spmd-raw-output-type",
    "a raw torch.distributed collective writes into an output tensor of the wrong type",
    "SpmdTypeError",
    "{function}: expected {label} type {want} on axis {axis}, got {have}",
)
# the raw collectives' other messages: an untyped input or output in strict mode
RAW_MISSING_AXIS: Final = (
    "{function}: {label} has no type for axis {axis}. Use assert_type() to annotate the tensor "
    "on this axis before calling collectives."
)
RAW_DIST_UNSUPPORTED: Final = _code(
    "spmd-raw-dist-unsupported",
    "a raw torch.distributed function the runtime's checker does not type",
    "SpmdTypeError",
    "spmd_types: type checking for raw torch.distributed.{function} is not yet implemented; "
    "use the spmd_types wrapper instead",
)
DTENSOR_ASSERT: Final = _code(
    "spmd-dtensor-assert",
    "assert_type on a DTensor",
    "TypeError",
    "assert_type() does not support DTensor. SPMD type checking operates on local tensors "
    "only; DTensor tracks its own placement metadata. Assert the local tensor instead "
    "(d.to_local()).",
)
GLOBAL_UNSHARDED_VARYING: Final = _code(
    "spmd-global-unsharded-varying",
    "in global SPMD mode, a tensor Varying on an axis that has no PartitionSpec entry is used",
    "SpmdTypeError",
)
GLOBAL_SPEC_MISMATCH: Final = _code(
    "spmd-global-spec-mismatch",
    "in global SPMD mode, a tensor's PartitionSpec names an axis that is not Varying",
    "SpmdTypeError",
)
GLOBAL_SPEC_ORDER: Final = _code(
    "spmd-global-spec-order",
    "operands order the axes of a multi-axis PartitionSpec entry differently",
    "SpmdTypeError",
)
GLOBAL_NO_STRATEGY: Final = _code(
    "spmd-global-no-strategy",
    "in global SPMD mode, an op has no sharding strategy without a redistribution",
    "SpmdTypeError",
)
GLOBAL_RESHAPE: Final = _code(
    "spmd-global-reshape",
    "in global SPMD mode, a view or reshape splits, drops or flattens a sharded dim",
    "SpmdTypeError",
)
GLOBAL_NON_SUM_PARTIAL: Final = _code(
    "spmd-global-non-sum-partial",
    "in global SPMD mode, a mean, max or min over a sharded dim (only a sum gives a Partial)",
    "ValueError",
)
GLOBAL_NOT_INNERMOST: Final = _code(
    "spmd-global-not-innermost",
    "in global SPMD mode, a collective on an axis that is not the innermost of its "
    "PartitionSpec entry",
    "SpmdTypeError",
)
SHARD_DIM_RANGE: Final = _code(
    "spmd-shard-dim-range", "an S(i) beyond the tensor's rank", "SpmdTypeError"
)
SHAPE: Final = _code(
    "spmd-shape",
    "a collective's exchange does not fit the tensor's size (an unbinding reduce_scatter)",
    "RuntimeError",
)
REGISTRATION: Final = _code(
    "spmd-registration",
    "register_autograd_function without exactly one hook, or a typed no_typecheck without "
    "out_types",
    "TypeError",
)
HOOK_SIGNATURE: Final = _code(
    "spmd-hook-signature",
    "a hooked Function's apply with keyword arguments, or a hook parameter forward lacks",
    "TypeError",
)
HOOK_COVERAGE: Final = _code(
    "spmd-hook-coverage",
    "an spmd_typecheck hook leaves a tensor argument unaccounted for, or an output untyped",
    "SpmdTypeError",
)
DECOMPOSITION_MISMATCH: Final = _code(
    "spmd-decomposition-mismatch",
    "a registered decomposition returns another structure than the Function it types",
    "SpmdTypeError",
)
RULES_TRANSITION: Final = _code(
    "spmd-rules-transition",
    "a spmd.rules transition the type system does not admit",
    "SpmdTypeError",
)
EINSUM_SHARDING: Final = _code(
    "spmd-einsum-sharding",
    "rules.einsum on operands whose labels are sharded inconsistently",
    "SpmdTypeError",
)
UNREGISTERED_HOOK: Final = _code(
    "spmd-unregistered-hook",
    "a module backward hook not registered with register_local_backward_hook",
    "SpmdTypeError",
)
INTERNAL: Final = _code(
    "spmd-internal",
    "the checker gave up on a function (time or size budget); please report it",
    None,
)
# its messages: a top-level statement or a function past its budget, a statement nested too
# deeply for Python's recursion limit, a crash of the checker
INTERNAL_STATEMENT_BUDGET: Final = (
    "The checker gave up on this statement: {why}. The rest of the file is checked. Please "
    "report this with the statement's source or shape."
)
INTERNAL_FUNCTION_BUDGET: Final = (
    "The checker gave up on {function}: {why}. Its diagnostics are incomplete; the rest of the "
    "file is checked. Please report this with the function's source (or its shape: size, "
    "loops, calls) and the checker's version."
)
INTERNAL_TOO_DEEP: Final = (
    "The checker gave up on this statement: it is nested too deeply to analyse. Please report "
    "this with the statement's shape."
)
INTERNAL_WORKER_STOPPED: Final = (
    "The checker's worker process stopped ({how}) while checking this file, so it was not "
    "checked. Run spmd-check with --jobs 1 to check it in one process, and please report it "
    "with the file."
)
INTERNAL_FAILURE: Final = (
    "The checker failed on this file ({error} at {where}). Please report it with the file, or "
    "the smallest part of it that shows the failure."
)


def code(name: str) -> Code:
    """Look a code up; an unregistered name is a bug in the checker."""
    return CODES[name]
