"""Autograd contracts (docs/runtime-semantics.md, section 6): what ``Fn.apply`` of an
autograd Function does under the mode, the registrations that give a Function (or a
function) its rule, and the typed ``no_typecheck`` boundary.

``Fn.apply`` takes the first rule that applies, as ``_typecheck_core`` does:

1. ``spmd_typecheck`` (found on the class, no registration needed): ``apply`` takes
   positional arguments only; they are bound to ``forward``'s parameters; every hook
   parameter must be one of them or have a default. The real ``apply`` (``forward``) runs
   unchecked, then the hook runs with the mode popped (ops unchecked; ``rules`` and
   ``assert_type`` still check). A keyword-only hook returns the output types, which are
   stamped on the outputs (``rules.output``); a hook with a leading positional parameter
   gets the outputs and stamps them itself. Then every tensor argument must have reached
   the hook (coverage) and every output must be typed.
2. registered with ``typecheck_forward`` (``register_autograd_function``): it replaces the
   call, with the mode popped; its own ``Fn.apply`` is the real, unchecked one.
3. registered by ``register_decomposition``: the reference runs checked on copies of the
   arguments, the real ``apply`` unchecked; their outputs must have the same structure, and
   each typed reference output's type is asserted on the real one.
4. ``register_local_autograd_function``: the element-wise rule of an op.
5. anything else: an error in strict mode, which the checker reports as a warning (a
   registration it cannot see may exist).

What the checker cannot follow (a hook with ``*args``, a ``forward`` it cannot bind) gives
an Unknown result.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import replace

from . import codes, global_mode
from .codes import Severity
from .evaluator import CallContext, Evaluator, Handler
from .layout import NO_SPEC
from .names import call_site_of, canonical
from .ops import as_tensor
from .results import Origin, Related, Span
from .rules_api import UNTYPED, Failure, fail, stamp_output
from .state import Frame, State
from .tensortype import RestKind, Unknown
from .values import (
    UNKNOWN,
    ClassVal,
    ConstVal,
    ContextKind,
    ContextVal,
    ContractVal,
    FunctionVal,
    InstanceVal,
    ModuleHook,
    RefVal,
    RegistrarVal,
    Registration,
    TensorVal,
    TupleVal,
    Value,
)

REGISTRATIONS = {
    "spmd.register_local_autograd_function": Registration.LOCAL,
    "spmd.register_autograd_function": Registration.TYPECHECK,
}
# Methods of an autograd Function the runtime runs with the mode popped (unchecked).
UNCHECKED_METHODS = frozenset(
    {"forward", "backward", "setup_context", "jvp", "vjp", "vmap", "typecheck_forward"}
)
_HOOK = "spmd_typecheck"
_LEGACY = "typecheck_forward"


def popped(state: State) -> State:
    """The state code runs in while the mode handles a call (a Function's forward, its
    hooks): nothing is checked, and a ``typecheck()`` entered there does not push the mode
    back. ``rules`` and ``assert_type`` still check: they are not ops."""
    return replace(state, checking=False, paused=True)


def standalone_state(function: FunctionVal, state: State) -> State:
    """The state a method of an autograd Function is analysed in on its own: the runtime
    runs ``forward``, ``backward`` and the hooks with the mode popped."""
    owner = function.owner
    if owner is not None and owner.autograd and function.node.name in (*UNCHECKED_METHODS, _HOOK):
        return popped(state)
    return state


# ---------------------------------------------------------------------- registrations
def _all_bases_known(cls: ClassVal) -> bool:
    """Whether every base of the class is the checker's to read (a workspace class, or
    torch's Function): a base it cannot see may define the hooks."""
    workspace = len(cls.bases)
    for base in cls.node.bases:
        text = ast.unparse(base)
        if text == "Function" or text.endswith("autograd.Function"):
            continue
        workspace -= 1
    return workspace == 0 and all(_all_bases_known(b) for b in cls.bases)


def registration_error(cls: ClassVal) -> str | None:
    """``register_autograd_function``'s TypeError: a Function needs exactly one of the hooks."""
    if not _all_bases_known(cls):
        return None
    legacy = cls.method(_LEGACY) is not None or cls.attribute(_LEGACY) is not None
    hook = cls.method(_HOOK) is not None or cls.attribute(_HOOK) is not None
    name = cls.qualname.rsplit(".", 1)[-1]
    if legacy and hook:
        return f"{name} cannot define typecheck_forward together with spmd_typecheck"
    if not legacy and not hook:
        return (
            f"{name} must define typecheck_forward or spmd_typecheck when using "
            f"@register_autograd_function"
        )
    return None


def _register(ev: Evaluator, name: str, cls: ClassVal, node: ast.AST, frame: Frame) -> bool:
    """Register a Function; False after reporting the TypeError the runtime raises."""
    registration = REGISTRATIONS.get(name)
    if registration is None:
        return True
    if registration is Registration.TYPECHECK:
        error = registration_error(cls)
        if error is not None:
            fail(ev, frame, frame.unit.span(node), Failure(codes.REGISTRATION, error))
            return False
    cls.registration = registration
    return True


def decorate_class(
    ev: Evaluator, name: str, cls: ClassVal, decorator: ast.AST, frame: Frame
) -> None:
    """A class decorator that may register the Function (``@register_autograd_function``)."""
    _register(ev, name, cls, decorator, frame)


def registration(ctx: CallContext) -> Value:
    """``register_autograd_function(F)`` and ``register_local_autograd_function(F)`` called."""
    if ctx.args and isinstance(ctx.args[0], ClassVal):
        if not _register(ctx.evaluator, ctx.name, ctx.args[0], ctx.node, ctx.frame):
            return UNKNOWN
        return ctx.args[0]
    return UNKNOWN


def register_decomposition(cls: ClassVal, reference: FunctionVal) -> None:
    """``register_decomposition(cls, ref_impl)``: ``cls.apply`` is typed by running
    ``ref_impl``."""
    cls.decomposition = reference
    cls.registration = Registration.TYPECHECK


def decomposition(ctx: CallContext) -> Value:
    """``register_decomposition(cls, ref_impl)`` returns ``ref_impl``; without ``ref_impl``,
    a decorator that registers what it decorates."""
    cls = ctx.arg(0, "cls")
    if not isinstance(cls, ClassVal):
        return UNKNOWN
    reference = ctx.arg(1, "ref_impl", default=ConstVal(None))
    if isinstance(reference, ConstVal) and reference.value is None:
        return RegistrarVal(cls)
    if isinstance(reference, FunctionVal):
        register_decomposition(cls, reference)
        return reference
    cls.registration = Registration.TYPECHECK  # a reference the checker cannot run
    cls.decomposition = None
    return reference


def register_no_typecheck(ctx: CallContext) -> Value:
    """``register_no_typecheck(fn)``: nothing is checked while ``fn`` runs."""
    function = ctx.arg(0, "fn")
    if isinstance(function, FunctionVal):
        function.no_typecheck_frame = True
    return function


def no_typecheck(ctx: CallContext) -> Value:
    """``no_typecheck()`` (a region), ``no_typecheck(fn)`` (fn unchecked) and
    ``no_typecheck(out_types=..., in_types=...)`` (a typed boundary: the arguments checked
    against ``in_types``, the body unchecked, the result stamped with ``out_types``)."""
    if ctx.args:
        function = ctx.args[0]
        if ctx.kwargs or len(ctx.args) > 1:
            return UNKNOWN  # TypeError: a callable and no type specifications
        return replace(function, unchecked=True) if isinstance(function, FunctionVal) else UNKNOWN
    if not ctx.kwargs:
        return ContextVal(ContextKind.NO_TYPECHECK)
    if "out_types" not in ctx.kwargs or set(ctx.kwargs) - {"in_types", "out_types"}:
        fail(
            ctx.evaluator,
            ctx.frame,
            ctx.span,
            Failure(codes.REGISTRATION, "out_types is required for typed no_typecheck"),
        )
        return UNKNOWN
    in_types = ctx.kwargs.get("in_types")
    if isinstance(in_types, RefVal) and canonical(in_types.qualname) == "spmd.Infer":
        in_types = None
    return ContractVal(in_types, ctx.kwargs["out_types"], unchecked=True)


# ---------------------------------------------------------------------- Fn.apply
def apply(
    ev: Evaluator, cls: ClassVal, node: ast.Call, args: Sequence[Value], frame: Frame
) -> Value:
    """``Fn.apply(...)``: the typing rule the Function has, as the runtime applies it."""
    positional = list(zip(args, node.args, strict=True))
    if not ev.state.checking:
        return ev.op(f"{cls.qualname}.apply", positional, {}, node, frame)
    # global SPMD mode checks every tensor argument's PartitionSpec before any hook
    if not global_mode.validate(ev, global_mode.tensors_in(positional), node, frame):
        return UNKNOWN
    legacy = cls.method(_LEGACY)
    if (legacy is not None and ev.is_running(legacy)) or (
        cls.decomposition is not None and ev.is_running(cls.decomposition)
    ):
        # inside its own typecheck_forward the mode is popped: the real apply, unchecked
        return _fresh(_forward_outputs(ev, cls, args, node, frame), ev, args, node, frame)
    hook = cls.method(_HOOK)
    if hook is not None:
        return _run_hook(ev, cls, hook, node, args, frame)
    if cls.registration is Registration.TYPECHECK and cls.decomposition is not None:
        return _run_decomposition(ev, cls, cls.decomposition, node, args, frame)
    if cls.registration is Registration.TYPECHECK and legacy is not None:
        site = Related(frame.unit.span(node), f"{cls.qualname}.apply called here")
        with ev.running_in(popped(ev.state)):
            result = ev.invoke(legacy, list(args), {}, site)
        if ev.last_raised:
            frame.stop()
            return UNKNOWN
        return result
    if cls.registration is Registration.TYPECHECK:
        return UNKNOWN  # a decomposition the checker cannot run
    if cls.registration is Registration.LOCAL:
        return ev.op(f"{cls.qualname}.apply", positional, {}, node, frame)
    if ev.state.strict:
        ev.sink.report(
            frame.unit.span(node.func),
            codes.UNREGISTERED_FUNCTION,
            codes.UNREGISTERED_FUNCTION.message(function=cls.qualname),
            Severity.WARNING,
            call_site_of(frame),
        )
    return UNKNOWN


def _short(cls: ClassVal) -> str:
    return cls.qualname.rsplit(".", 1)[-1]


def _forward_binding(
    cls: ClassVal, args: Sequence[Value]
) -> tuple[FunctionVal, dict[str, Value]] | None:
    """``bind_forward_args``: ``apply``'s positionals bound to ``forward``'s parameters
    (without ``ctx``, defaults applied); None when the checker cannot bind them."""
    forward = cls.method("forward")
    if forward is None:
        return None
    node = forward.node.args
    if node.vararg or node.kwarg or any(a for a in node.kwonlyargs):
        return None
    params = [a.arg for a in [*node.posonlyargs, *node.args]]
    if cls.method("setup_context") is None:
        params = params[1:]  # forward(ctx, ...)
    if len(args) > len(params):
        return None
    bound = dict(zip(params, args, strict=False))
    defaults = forward.defaults
    first_default = len(params) - len(defaults)
    for index, name in enumerate(params):
        if name in bound:
            continue
        if index < first_default:
            return None  # a missing argument: a TypeError the checker leaves alone
        bound[name] = defaults[index - first_default]
    return forward, bound


def _forward_outputs(
    ev: Evaluator, cls: ClassVal, args: Sequence[Value], node: ast.Call, frame: Frame
) -> Value:
    """What the real ``apply`` returns: ``forward`` run with the mode popped."""
    binding = _forward_binding(cls, args)
    if binding is None:
        return UNKNOWN
    forward, _ = binding
    leading: list[Value] = [UNKNOWN] if cls.method("setup_context") is None else []
    site = Related(frame.unit.span(node), f"{cls.qualname}.apply called here")
    with ev.running_in(popped(ev.state)):
        outputs = ev.invoke(forward, [*leading, *args], {}, site)
    if ev.last_raised:
        frame.stop()
        return UNKNOWN
    return outputs


def _fresh(
    outputs: Value, ev: Evaluator, args: Sequence[Value], node: ast.Call, frame: Frame
) -> Value:
    """The outputs of an ``apply`` as new, untyped tensors (an autograd Function's outputs
    are new tensor objects, typed by nothing but its rule)."""
    if isinstance(outputs, TupleVal):
        return TupleVal(tuple(_fresh(item, ev, args, node, frame) for item in outputs.items))
    if isinstance(outputs, TensorVal):
        span = frame.unit.span(node)
        return TensorVal(
            UNTYPED,
            _grad(ev, args),
            Origin(span, ".apply(...)"),
            outputs.ndim,
            NO_SPEC,  # a new tensor object
            outputs.shape,
        )
    return outputs


def _grad(ev: Evaluator, args: Sequence[Value]) -> bool | None:
    """Whether an output requires grad: some input does, in grad mode."""
    if not ev.state.grad:
        return False
    flags = [t.grad for t in (as_tensor(a, ev.numbers) for a in _leaves(args)) if t is not None]
    if any(flag is True for flag in flags):
        return True
    if all(flag is False for flag in flags) and all(
        not isinstance(a, TensorVal) or a.grad is False for a in _leaves(args)
    ):
        return False
    return None


def _leaves(values: Sequence[Value]) -> list[Value]:
    out: list[Value] = []
    for value in values:
        if isinstance(value, TupleVal):
            out.extend(_leaves(value.items))
        else:
            out.append(value)
    return out


def _tensors(value: Value) -> list[TensorVal] | None:
    """The tensors inside a value, when the checker knows them all (None: it may hold
    tensors the checker cannot see)."""
    if isinstance(value, TensorVal):
        return [value]
    if isinstance(value, TupleVal):
        out: list[TensorVal] = []
        for item in value.items:
            inner = _tensors(item)
            if inner is None:
                return None
            out.extend(inner)
        return out
    if isinstance(value, ConstVal):
        return []
    return None


def _hook_parameters(hook: FunctionVal) -> tuple[bool, list[str], str | None] | None:
    """``hook_shape``: whether the hook returns the output types (all its parameters
    keyword-only), the forward arguments it names, and the parameter that receives the
    outputs; None for a shape the checker does not follow (``*args``, a classmethod)."""
    node = hook.node.args
    if (
        node.vararg
        or node.kwarg
        or any(isinstance(d, ast.Name) and d.id == "classmethod" for d in hook.node.decorator_list)
    ):
        return None
    positional = [a.arg for a in [*node.posonlyargs, *node.args]]
    keyword = [a.arg for a in node.kwonlyargs]
    if not positional:
        return True, keyword, None
    return False, [*positional[1:], *keyword], positional[0]


def _has_default(hook: FunctionVal, name: str) -> bool:
    node = hook.node.args
    positional = [a.arg for a in [*node.posonlyargs, *node.args]]
    if name in positional:
        return positional.index(name) >= len(positional) - len(node.defaults)
    return name in hook.kw_defaults


def _mentioned(hook: FunctionVal) -> frozenset[str]:
    """The names the hook's body reads; every name when it reads its locals wholesale."""
    names = frozenset(
        node.id
        for statement in hook.node.body
        for node in ast.walk(statement)
        if isinstance(node, ast.Name)
    )
    if "locals" in names or "vars" in names:
        return frozenset(a.arg for a in ast.walk(hook.node.args) if isinstance(a, ast.arg))
    return names


def _run_hook(
    ev: Evaluator,
    cls: ClassVal,
    hook: FunctionVal,
    node: ast.Call,
    args: Sequence[Value],
    frame: Frame,
) -> Value:
    """``rules.run_typecheck``: bind, run forward unchecked, run the hook, stamp, check
    coverage and outputs."""
    span = frame.unit.span(node)
    name = _short(cls)
    who = f"{name}.{_HOOK}"
    if node.keywords:
        fail(
            ev,
            frame,
            span,
            Failure(codes.HOOK_SIGNATURE, f"{name}.apply() accepts positional arguments only"),
        )
        return UNKNOWN
    shape = _hook_parameters(hook)
    binding = _forward_binding(cls, args)
    if shape is None or binding is None or any(isinstance(a, ast.Starred) for a in node.args):
        return UNKNOWN
    returns_types, names, out_param = shape
    forward, bound = binding
    for param in names:
        if param not in bound and not _has_default(hook, param):
            fail(
                ev,
                frame,
                span,
                Failure(
                    codes.HOOK_SIGNATURE,
                    f"{who}: {param!r} is not a parameter of {name}.forward (has {sorted(bound)})",
                ),
            )
            return UNKNOWN
    kwargs = {param: bound[param] for param in names if param in bound}
    outputs = _fresh(_forward_outputs(ev, cls, args, node, frame), ev, args, node, frame)
    if frame.raised:
        return UNKNOWN
    site = Related(span, f"{cls.qualname}.apply called here")
    with ev.running_in(popped(ev.state)):
        result = ev.invoke(hook, [] if returns_types else [outputs], kwargs, site)
    effects = dict(ev.last_effects)
    if ev.last_raised:
        frame.stop()
        return UNKNOWN
    _carry_back(ev, forward, cls, node, effects, frame)
    out_tensors = _tensors(outputs)
    if returns_types:
        if isinstance(result, ConstVal) and result.value is None and out_tensors:
            fail(
                ev,
                frame,
                span,
                Failure(
                    codes.HOOK_COVERAGE,
                    f"{who}: returned None; a keyword-only spmd_typecheck must return the "
                    f"output type(s) (a NdimWithSpmdType, a tensor, or a tuple)",
                ),
            )
            return UNKNOWN
        stamped = (
            stamp_output(ev, frame, span, outputs, None, result)
            if out_tensors is not None
            else _unknown_outputs(result)
        )
        if frame.raised:
            return UNKNOWN
    else:
        assert out_param is not None
        stamped = effects.get(out_param, outputs)
    uncovered = _uncovered(hook, bound, names)
    if uncovered is not None:
        fail(
            ev,
            frame,
            span,
            Failure(
                codes.HOOK_COVERAGE,
                f"{who}: tensor argument {uncovered!r} was not accounted for. Pass it to the "
                f"rules operation that consumes it, assert_type it, or declare "
                f"rules.ignore({uncovered}) if it does not affect the forward value.",
            ),
        )
        return UNKNOWN
    if not returns_types and out_tensors:
        assert out_param is not None
        if out_param not in _mentioned(hook):
            fail(
                ev,
                frame,
                span,
                Failure(
                    codes.HOOK_COVERAGE,
                    f"{who}: output 0 was left untyped; return its type from the hook, or "
                    f"finish the rule with rules.output(out, <NdimWithSpmdType>) or "
                    f"assert_type(out, ...)",
                ),
            )
            return UNKNOWN
        if _tensors(stamped) is None or any(t.type == UNTYPED for t in _tensors(stamped) or ()):
            return UNKNOWN  # stamped on some path the checker does not follow
    return _as_outputs(stamped, ev, args, span)


def _unknown_outputs(result: Value) -> Value:
    """The outputs when ``forward``'s are not known: the types the hook returned."""
    if isinstance(result, TensorVal):
        return result
    if isinstance(result, TupleVal):
        return TupleVal(tuple(_unknown_outputs(item) for item in result.items))
    return UNKNOWN


def _as_outputs(stamped: Value, ev: Evaluator, args: Sequence[Value], span: Span) -> Value:
    """The stamped outputs as ``apply`` returns them: real tensors, with their grad."""
    if isinstance(stamped, TupleVal):
        return TupleVal(tuple(_as_outputs(item, ev, args, span) for item in stamped.items))
    if isinstance(stamped, TensorVal):
        return replace(
            stamped,
            grad=_grad(ev, args),
            origin=Origin(span, ".apply(...)"),
        )
    return stamped


def _carry_back(
    ev: Evaluator,
    forward: FunctionVal,
    cls: ClassVal,
    node: ast.Call,
    effects: Mapping[str, Value],
    frame: Frame,
) -> None:
    """A hook's ``rules`` operation or ``assert_type`` annotates an argument in place: the
    caller's tensor is that object."""
    params = [a.arg for a in [*forward.node.args.posonlyargs, *forward.node.args.args]]
    if cls.method("setup_context") is None:
        params = params[1:]
    for param, value in effects.items():
        if param in params:
            index = params.index(param)
            if index < len(node.args):
                ev.mutate(node.args[index], value, frame)


def _uncovered(hook: FunctionVal, bound: Mapping[str, Value], names: Sequence[str]) -> str | None:
    """The first forward argument holding a tensor that the hook certainly never accounts
    for: the hook does not read it, and it is not the same tensor as an argument the hook
    reads (an argument passed twice is accounted for once)."""
    mentioned = _mentioned(hook)
    reached = [n for n in bound if n in names and n in mentioned]
    reached_tensors = [t for n in reached for t in (_tensors(bound[n]) or [])]
    if any(_tensors(bound[n]) is None for n in reached):
        return None  # the hook reads an argument that may hold any tensor
    for param, value in bound.items():
        if param in reached:
            continue
        tensors = _tensors(value)
        if not tensors:
            continue
        if all(_distinct(t, other) for t in tensors for other in reached_tensors):
            return param
    return None


def _distinct(a: TensorVal, b: TensorVal) -> bool:
    """Whether two tensors are certainly different objects: the checker's values are
    different and neither is what an unseen caller passes (which may be any tensor)."""
    return a is not b and not _from_caller(a) and not _from_caller(b)


def _from_caller(t: TensorVal) -> bool:
    return t.type.rest.kind in (RestKind.ROW, RestKind.OPEN) or any(
        isinstance(term, Unknown) for term in t.type.items.values()
    )


def _run_decomposition(
    ev: Evaluator,
    cls: ClassVal,
    reference: FunctionVal,
    node: ast.Call,
    args: Sequence[Value],
    frame: Frame,
) -> Value:
    """``register_decomposition``'s ``typecheck_forward``: the reference runs checked (on
    copies of the arguments: what it annotates stays on them), the real ``apply``
    unchecked; the outputs must have one structure; each typed reference output's type is
    asserted on the real one."""
    span = frame.unit.span(node)
    site = Related(span, f"{cls.qualname}.apply called here (its registered decomposition)")
    reference_out = ev.invoke(reference, list(args), {}, site)
    if ev.last_raised:
        frame.stop()
        return UNKNOWN
    real = _fresh(_forward_outputs(ev, cls, args, node, frame), ev, args, node, frame)
    if frame.raised:
        return UNKNOWN
    shapes = _structure(reference_out), _structure(real)
    if None in shapes:
        return UNKNOWN
    if shapes[0] != shapes[1]:
        fail(
            ev,
            frame,
            span,
            Failure(
                codes.DECOMPOSITION_MISMATCH,
                f"{_short(cls)}: decomposition output tree does not match real computation "
                f"path output tree. decomposition: {shapes[0]}, fused: {shapes[1]}",
            ),
        )
        return UNKNOWN
    return _copy_types(reference_out, real, ev, args, span, frame)


def _structure(value: Value) -> str | None:
    """A value's pytree structure as the comparison sees it (None: not known)."""
    if isinstance(value, TensorVal):
        return "*"
    if isinstance(value, ConstVal):
        return repr(value.value)
    if isinstance(value, TupleVal):
        inner = [_structure(item) for item in value.items]
        return None if None in inner else "(" + ", ".join(inner) + ")"  # type: ignore[arg-type]
    return None


def _copy_types(
    reference: Value, real: Value, ev: Evaluator, args: Sequence[Value], span: Span, frame: Frame
) -> Value:
    if isinstance(reference, TupleVal) and isinstance(real, TupleVal):
        return TupleVal(
            tuple(
                _copy_types(r, o, ev, args, span, frame)
                for r, o in zip(reference.items, real.items, strict=True)
            )
        )
    if isinstance(reference, TensorVal) and isinstance(real, TensorVal):
        if reference.type == UNTYPED and not reference.spec:
            return real
        stamped = stamp_output(ev, frame, span, real, None, reference)
        return _as_outputs(stamped, ev, args, span)
    return real


# ---------------------------------------------------------------------- module backward hooks
# the nn.Module methods that attach a backward hook, and whether it is a pre-hook
MODULE_HOOKS: Mapping[str, bool] = {
    "register_full_backward_hook": False,
    "register_full_backward_pre_hook": True,
}


def register_local_backward_hook(ctx: CallContext) -> Value:
    """``register_local_backward_hook(fn)``: a hook that keeps the gradients' types."""
    function = ctx.arg(0, "fn")
    if isinstance(function, FunctionVal):
        ctx.evaluator.wrote(function)
        function.local_backward_hook = True
    return function


def attach_hook(
    ev: Evaluator, module: InstanceVal, method: str, hook: Value, node: ast.Call, frame: Frame
) -> Value:
    """``module.register_full_backward_hook(fn)``: the module's call checks it. Certain only
    when a script's own top level attaches its own function and drops the handle (nothing
    the checker cannot see can register or remove it)."""
    own = isinstance(hook, FunctionVal) and hook.unit.path == frame.unit.path
    certain = own and frame.function is None and _discarded(node, frame)
    ev.wrote(module)
    module.hooks.append(ModuleHook(hook, MODULE_HOOKS[method], certain))
    return UNKNOWN  # the handle


def _discarded(node: ast.Call, frame: Frame) -> bool:
    """Whether the call is a statement of its own (its result, the handle, is dropped)."""
    tree = frame.unit.tree
    if tree is None:
        return False
    return any(isinstance(s, ast.Expr) and s.value is node for s in ast.walk(tree))


def check_module_hooks(
    ev: Evaluator, module: InstanceVal, pre: bool, node: ast.AST, frame: Frame
) -> bool:
    """``_backward_hooks._validate`` when a module runs under checking: every full backward
    hook (before forward) and pre-hook (after it) must be registered as local. False after
    an error (the path stops)."""
    if not ev.state.checking:
        return True
    for attached in module.hooks:
        hook = attached.hook
        if attached.pre is not pre or not isinstance(hook, FunctionVal):
            continue
        if hook.local_backward_hook:
            continue
        ev.sink.report(
            frame.unit.span(node),
            codes.UNREGISTERED_HOOK,
            f"Backward hook {hook.qualname!r} attached to nn.Module is not registered for SPMD "
            f"type propagation.  Call register_local_backward_hook(fn) if the hook does not "
            f"alter gradient SPMD types."
            + (
                ""
                if attached.certain
                else " (A warning: a registration in code the checker does not see, or the "
                "handle removing the hook, would make this legal.)"
            ),
            Severity.ERROR if attached.certain else Severity.WARNING,
            call_site_of(frame),
        )
        if attached.certain:
            frame.stop()
            return False
    return True


HANDLERS: Mapping[str, Handler] = {
    **dict.fromkeys(REGISTRATIONS, registration),
    "spmd.register_decomposition": decomposition,
    "spmd.register_no_typecheck": register_no_typecheck,
    "spmd.no_typecheck": no_typecheck,
    "spmd.register_local_backward_hook": register_local_backward_hook,
}
