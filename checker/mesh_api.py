"""What the mesh calls do: building a DeviceMesh, slicing and flattening it, its groups,
``set_current_mesh`` in each of its forms (with ``local_axes`` regions), and
``reinterpret_mesh``; also, for ops and collectives, reading an operand typed on another
mesh's axes on the current mesh, as the runtime does before its rules run.

The layouts of literal meshes live in the check's ``meshes.Algebra`` (``Evaluator.algebra``);
where a layout is not known the verdicts that need it are not reported and the types they
would give are not known.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from itertools import pairwise

from . import axes, codes, global_mode, mesh_types, meshes
from .codes import Severity
from .evaluator import CallContext, Evaluator, Handler
from .lattice import AxisType, LocalType
from .names import call_site_of
from .ops import as_tensor, origin_at
from .state import Frame, State
from .tensortype import EXACT, UNKNOWN_TYPE, TensorType
from .values import (
    UNKNOWN,
    AxisVal,
    ConstVal,
    ContextKind,
    ContextVal,
    MeshVal,
    ScalarVal,
    TensorVal,
    TupleVal,
    TypeDictVal,
    Value,
)

# DeviceMesh methods that give numbers
_NUMBER_METHODS = frozenset({"size", "get_local_rank", "get_coordinate", "ndim"})


# ---------------------------------------------------------------------- building meshes
def device_mesh(ctx: CallContext) -> Value:
    """init_device_mesh(..., mesh_dim_names=...) / DeviceMesh: the mesh's named axes, without
    those of size 1 (the runtime drops them, but accepts their names); with a literal shape,
    ``init_device_mesh``'s row-major rank layouts. Unreadable names give the configured
    axes."""
    names = ctx.kwargs.get("mesh_dim_names")
    shape = ctx.kwargs.get("mesh_shape", ctx.args[1] if len(ctx.args) > 1 else UNKNOWN)
    if not isinstance(names, TupleVal) or not all(
        isinstance(n, ConstVal) and isinstance(n.value, str) for n in names.items
    ):
        return MeshVal(ctx.evaluator.config.mesh_axes)
    dims = tuple(str(n.value) for n in names.items if isinstance(n, ConstVal))
    sizes: list[int | None] = [None] * len(dims)
    if isinstance(shape, TupleVal) and len(shape.items) == len(dims):
        sizes = [
            s.value if isinstance(s, ScalarVal) and isinstance(s.value, int) else None
            for s in shape.items
        ]
    kept = tuple(n for n, size in zip(dims, sizes, strict=True) if size != 1)
    trivial = tuple(n for n, size in zip(dims, sizes, strict=True) if size == 1)
    layouts: tuple[tuple[str, meshes.Layout], ...] = ()
    literal = [s for s in sizes if s is not None]
    if ctx.name == "init_device_mesh" and len(literal) == len(sizes):
        layouts = tuple(zip(dims, meshes.mesh_layouts(literal), strict=True))
        for name, layout in layouts:
            ctx.evaluator.algebra.register(name, layout)
    site = f"{ctx.frame.unit.path}:{ctx.span.line}:{ctx.span.column}"
    # the rank tensor is made by torch ops here: typed by them only under typecheck() with
    # a current mesh (with none, on no axis)
    state = ctx.evaluator.state
    untyped = not state.checking or (state.mesh_known and not state.mesh)
    return MeshVal(kept, trivial, dims, layouts, site, untyped_ranks=untyped)


def _literal_names(index: Value) -> tuple[str, ...] | None:
    if isinstance(index, ConstVal) and isinstance(index.value, str):
        return (index.value,)
    if isinstance(index, TupleVal) and all(
        isinstance(i, ConstVal) and isinstance(i.value, str) for i in index.items
    ):
        return tuple(str(i.value) for i in index.items if isinstance(i, ConstVal))
    return None


def _builds_submesh(mesh: MeshVal, names: tuple[str, ...]) -> bool:
    """Whether ``mesh[names]`` certainly builds a new DeviceMesh (``_create_sub_mesh``, tensor
    ops on the rank tensor): the names are some of the mesh's dims, in the mesh's order, and
    not all of them (the mesh's own names return it). Another name is a flattened dim of the
    root (a submesh too) or a KeyError, and dims out of order or repeated are a KeyError or a
    RuntimeError before any tensor op: not this error."""
    if mesh.dims is None or names == mesh.dims or not set(names) <= set(mesh.dims):
        return False
    positions = [mesh.dims.index(n) for n in names]
    return all(a < b for a, b in pairwise(positions))


def _mesh_op_in_typecheck(
    ev: Evaluator, node: ast.AST, frame: Frame, what: str, advice: str
) -> bool:
    """A DeviceMesh operation that builds a new mesh runs untyped tensor ops on the mesh's
    rank tensor; under typecheck() in strict mode with a current mesh, they fail the
    missing-axis check (reported; True). Only where the checker saw typecheck() entered:
    where checking is assumed (a library), slicing and flattening are mostly set-up code,
    which runs before the training step enters it."""
    state = ev.state
    mesh = state.known_mesh
    if not (state.checking and state.strict and mesh) or state.assumed:
        return False
    first = sorted(mesh, key=axes.label)[0]
    message = codes.MESH_OP_IN_TYPECHECK.message(
        what=what,
        axis=axes.label(first),
        mesh="{" + ", ".join(sorted(axes.label(a) for a in mesh)) + "}",
        advice=advice,
    )
    ev.sink.report(
        frame.unit.span(node),
        codes.MESH_OP_IN_TYPECHECK,
        message,
        Severity.ERROR,
        call_site_of(frame),
    )
    frame.stop()
    return True


def index(ev: Evaluator, mesh: MeshVal, key: Value, node: ast.AST, frame: Frame) -> Value:
    """``mesh["tp"]`` (the tp axis, as a 1-D mesh is used: its group) or
    ``mesh["dp", "tp"]`` (a submesh). A slice that is not the mesh itself builds a new
    DeviceMesh."""
    names = _literal_names(key)
    if names is None:
        return UNKNOWN
    if mesh.untyped_ranks and _builds_submesh(mesh, names):
        advice = "Slice the mesh (or take its groups) before entering typecheck()" + (
            f", or use mesh.get_group({names[0]!r})." if len(names) == 1 else "."
        )
        if _mesh_op_in_typecheck(ev, node, frame, "Slicing", advice):
            return UNKNOWN
    if len(names) == 1:
        return AxisVal(names[0], "submesh", names[0] in mesh.trivial)
    if mesh.dims is None or not set(names) <= set(mesh.dims) or len(set(names)) != len(names):
        return UNKNOWN
    layouts = dict(mesh.layouts)
    return MeshVal(
        tuple(n for n in names if n not in mesh.trivial),
        tuple(n for n in names if n in mesh.trivial),
        names,
        tuple((n, layouts[n]) for n in names if n in layouts),
        mesh.root,
        untyped_ranks=mesh.untyped_ranks,
    )


def method(
    ev: Evaluator,
    mesh: MeshVal,
    name: str,
    args: Sequence[Value],
    kwargs: Mapping[str, Value],
    node: ast.Call,
    frame: Frame,
) -> Value:
    """A DeviceMesh's methods: its groups, its sizes, ``_flatten``."""
    if name in _NUMBER_METHODS:
        return ScalarVal(None)
    if name == "get_group":
        group = args[0] if args else kwargs.get("mesh_dim", UNKNOWN)
        if isinstance(group, ConstVal) and isinstance(group.value, str):
            return AxisVal(group.value, "group", group.value in mesh.trivial)
        if not args and not kwargs and mesh.dims is not None and len(mesh.dims) == 1:
            return AxisVal(mesh.dims[0], "group", mesh.dims[0] in mesh.trivial)
        return UNKNOWN
    if name == "_flatten":
        return _flatten(ev, mesh, args[0] if args else kwargs.get("mesh_dim_name"), node, frame)
    return UNKNOWN


def _flatten(
    ev: Evaluator, mesh: MeshVal, given: Value | None, node: ast.Call, frame: Frame
) -> Value:
    """``mesh._flatten("dp_tp")``: a 1-D mesh whose axis is its dims' axes together. The
    root mesh keeps it: flattening again with the name returns it without new tensor ops."""
    if mesh.dims is None:
        return UNKNOWN
    if given is None or (isinstance(given, ConstVal) and given.value is None):
        name = "_".join(mesh.dims)
    elif isinstance(given, ConstVal) and isinstance(given.value, str):
        name = given.value
    else:
        return UNKNOWN
    if len(mesh.dims) == 1 and name in mesh.dims:
        return mesh
    layouts = ev.algebra.layouts(mesh.dims)
    if layouts is None:
        return UNKNOWN  # an axis whose overlap with the others is not known
    flat = meshes.flatten(layouts)
    if flat is None:
        return UNKNOWN
    fresh = mesh.root is None or not ev.algebra.flattened(mesh.root, name)
    advice = (
        "Flatten the mesh before entering typecheck(): flattening it again with that name "
        "inside builds no new mesh."
    )
    if (
        fresh
        and mesh.untyped_ranks
        and _mesh_op_in_typecheck(ev, node, frame, "Flattening", advice)
    ):
        return UNKNOWN
    if mesh.root is not None:
        ev.algebra.note_flattened(mesh.root, name)
    ev.algebra.register(name, flat)
    trivial = flat.trivial
    return MeshVal(
        () if trivial else (name,),
        (name,) if trivial else (),
        (name,),
        ((name, flat),),
        mesh.root,
        untyped_ranks=mesh.untyped_ranks,
    )


def frozenset_(ctx: CallContext) -> Value:
    """frozenset(axes): as set_current_mesh takes it, the axes without names (a frozenset
    of anything else is not followed)."""
    items = ctx.args[0] if len(ctx.args) == 1 else None
    if isinstance(items, TupleVal) and all(isinstance(i, AxisVal) for i in items.items):
        return items
    return UNKNOWN


def passed(ev: Evaluator, callee: str, values: Sequence[Value]) -> None:
    """A literal mesh handed to code outside spmd_types (``fully_shard(model, mesh=mesh)``)
    may be flattened there: its root may then hold any flattened dim."""
    if callee.startswith("spmd.") or callee in HANDLERS:
        return
    for value in values:
        if isinstance(value, MeshVal) and value.root is not None:
            ev.algebra.escaped(value.root)


# ---------------------------------------------------------------------- set_current_mesh
def set_current_mesh(ctx: CallContext) -> Value:
    """set_current_mesh(mesh | [groups...] | frozenset(axes) | None, local_axes=...): a mesh
    whose axes the checker knows when every axis is named; otherwise one it cannot see. A
    list or frozenset of groups gives axes without names; none re-uses the current mesh.
    The runtime checks the axes' orthogonality and the region's ``local_axes`` here."""
    ev, frame = ctx.evaluator, ctx.frame
    given = ctx.arg(0, "axes", default=ConstVal(None))
    site = f"{frame.unit.path}:{ctx.span.line}:{ctx.span.column}"
    mesh: MeshVal | None = None
    if isinstance(given, ConstVal) and given.value is None:
        state = ev.state
        if state.mesh_known and state.mesh is None:
            return _stop(
                ctx,
                codes.NO_CURRENT_MESH,
                "set_current_mesh() without axes requires a current mesh",
            )
        if state.mesh_known:
            mesh = _mesh_of(state)
    elif isinstance(given, MeshVal):
        mesh = given if given.axes is not None else None
        for name, layout in given.layouts:
            ev.algebra.register(name, layout)
    elif isinstance(given, TupleVal):
        mesh = _mesh_of_groups(given)
    if mesh is not None and mesh.axes is not None:
        problem = ev.algebra.overlap(mesh.axes)
        if problem is not None:
            return _stop(ctx, codes.AXES_NOT_ORTHOGONAL, problem)
        rejected = _region_error(ev, mesh, ctx.kwargs.get("local_axes"))
        if rejected is not None:
            return _stop(ctx, codes.MESH_REGION, rejected)
    region = global_mode.region_axes(ctx.kwargs.get("local_axes"))
    return ContextVal(ContextKind.SET_MESH, mesh=mesh, site=site, local_axes=region)


def _mesh_of(state: State) -> MeshVal:
    """The current mesh, as a region re-uses it."""
    return MeshVal(state.mesh, tuple(sorted(state.trivial)), named=state.named)


def _mesh_of_groups(groups: TupleVal) -> MeshVal | None:
    """A list of process groups (or MeshAxis objects): axes without names (size-1 groups
    dropped); None when one is not an axis the checker can name."""
    if not all(isinstance(g, AxisVal) for g in groups.items):
        return None
    items = [g for g in groups.items if isinstance(g, AxisVal)]
    if any(axes.is_symbolic(g.name) for g in items):
        return None
    return MeshVal(tuple(dict.fromkeys(g.name for g in items if not g.trivial)), named=False)


def _region_error(ev: Evaluator, mesh: MeshVal, given: Value | None) -> str | None:
    """``_resolve_local_axes``: the names must be the mesh's, without repeats, and the
    outermost axes (largest stride first). None: valid, or not known."""
    if given is None:
        return None
    if isinstance(given, ConstVal) and isinstance(given.value, str):
        names: tuple[str, ...] | None = tuple(given.value)  # a string is its characters
    else:
        names = _literal_names(given) if isinstance(given, TupleVal) else None
    if not names:
        return None
    table = set(mesh.axes or ()) | set(mesh.trivial)
    if not mesh.named:
        table = set()
    unknown = tuple(n for n in names if n not in table)
    if unknown:
        return (
            f"local_axes contains names not present in this mesh: {unknown!r}; available names: "
            f"{tuple(sorted(table))!r}"
        )
    if len(set(names)) != len(names):
        return f"local_axes must not contain duplicate axes; got {names!r}"
    if any(n in mesh.trivial for n in names):
        return None  # "axes outside this mesh": its wording is not modelled
    assert mesh.axes is not None
    layouts = ev.algebra.layouts(mesh.axes)
    if layouts is None:
        return None
    ordered = [
        a for a, _ in sorted(zip(mesh.axes, layouts, strict=True), key=lambda p: -p[1].outer_stride)
    ]
    if set(ordered[: len(names)]) != set(names):
        return (
            "local_axes must come before all global axes in outer-to-inner mesh order; got "
            f"local_axes=({', '.join(names)}) for mesh=({', '.join(ordered)})"
        )
    return None


def _stop(ctx: CallContext, code: codes.Code, message: str) -> Value:
    frame = ctx.frame
    ctx.evaluator.sink.report(ctx.span, code, message, Severity.ERROR, call_site_of(frame))
    frame.stop()
    return UNKNOWN


def reinterpret_mesh(ctx: CallContext) -> Value:
    """reinterpret_mesh(x, dst, inplace=False): x's type read on another mesh's axes (dst a
    mesh, a list or frozenset of groups, or a type dict that must agree)."""
    ev, frame = ctx.evaluator, ctx.frame
    x = as_tensor(ctx.arg(0, "tensor"), ev.numbers)
    dst = ctx.arg(1, "type")
    x_node = ctx.arg_node(0, "tensor")
    if x is None:
        return UNKNOWN
    origin = origin_at(frame, ctx.node, x.origin)
    unknown = TensorVal(UNKNOWN_TYPE, x.grad, origin, x.ndim)
    src = x.type.concrete(frame.bindings)
    if src is None or not ev.state.checking or any(t.shard_dim is not None for t in src.values()):
        return unknown
    dst_axes: list[str] | None = None
    dst_values: dict[str, AxisType] | None = None
    if isinstance(dst, MeshVal) and dst.axes is not None:
        dst_axes = list(dst.axes)
        for name, layout in dst.layouts:
            ev.algebra.register(name, layout)
    elif isinstance(dst, TupleVal):
        groups = _mesh_of_groups(dst)
        dst_axes = list(groups.axes) if groups is not None and groups.axes is not None else None
    elif isinstance(dst, TypeDictVal) and not dst.choices and dst.rest is None:
        dst_values = {}
        for axis, t in dst.items:
            resolved = ev.axis(axis, ctx.arg_node(1, "type"), frame)
            if not isinstance(resolved, AxisVal):
                return unknown
            if not resolved.trivial:
                dst_values[resolved.name] = t.local
        dst_axes = list(dst_values)
        problem = ev.algebra.overlap(dst_axes)
        if problem is not None:
            return _stop(ctx, codes.AXES_NOT_ORTHOGONAL, problem)
    if dst_axes is None:
        return unknown
    regrouped = meshes.regroup(
        ev.algebra, dict(src), dst_axes, dst_values, mesh_types.labels(src, dst_axes)
    )
    if regrouped is None:
        return unknown
    if regrouped.values is None:
        return _stop(ctx, codes.MESH_INCOMPATIBLE, regrouped.error or "")
    result = TensorVal(TensorType(LocalType(regrouped.values), EXACT), x.grad, origin, x.ndim)
    inplace = ctx.kwargs.get("inplace")
    if isinstance(inplace, ConstVal) and inplace.value is True and x_node is not None:
        ev.declare(result)
        ev.mutate(x_node, result, frame)
    return result


HANDLERS: Mapping[str, Handler] = {
    "init_device_mesh": device_mesh,
    "DeviceMesh": device_mesh,
    "frozenset": frozenset_,
    "spmd.set_current_mesh": set_current_mesh,
    "spmd.reinterpret_mesh": reinterpret_mesh,
}
