"""Types across meshes: what the runtime does with a type on axes the current mesh does not
have, before its rules run, using the layouts of ``meshes.Algebra``.

- ``on_current_mesh``: ``_auto_reinterpret_cross_mesh`` for an op's operand: a type on
  another mesh's axes read on the current mesh's (``{dp_tp: V}`` under the ``(dp, tp)``
  mesh is ``{dp: V, tp: V}``), or the runtime's refusal when the axes cannot fold;
- ``collective_axes``: ``_resolve_collective_axes``: the tensor's axes a collective on a
  (flattened) axis acts on.

Where a layout or a type is not known, nothing changes (and nothing is reported).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum

from . import axes, codes, meshes
from .evaluator import Evaluator
from .lattice import LocalType
from .rules import RuleViolation
from .state import Frame
from .tensortype import EXACT, TensorType


class NotFolded(Enum):
    """An operand on axes outside the current mesh whose reading on the mesh's axes the
    checker cannot work out: its type there is not known."""

    NOT_FOLDED = "not folded"


NOT_FOLDED = NotFolded.NOT_FOLDED


def on_current_mesh(
    ev: Evaluator, t: TensorType, frame: Frame
) -> TensorType | RuleViolation | NotFolded | None:
    """``_auto_reinterpret_cross_mesh`` for one operand: a complete type on axes outside the
    current mesh, read on the current mesh's axes (a violation when they cannot fold);
    None when nothing changes, NOT_FOLDED when the reading is not known."""
    mesh = ev.state.known_mesh
    if not mesh or all(a in mesh for a in t.items):
        return None
    local = t.concrete(frame.bindings)
    if local is None:
        return NOT_FOLDED
    if all(a in mesh for a in local):
        return None
    foreign = sorted((a for a in local if a not in mesh), key=axes.label)
    if all(a in local for a in mesh) and all(_apart(ev, a, mesh) for a in foreign):
        # every mesh axis is one of the operand's: nothing is left for the others to fold
        # into, whatever their layouts
        return RuleViolation(
            codes.MESH_INCOMPATIBLE,
            f"cannot be auto-reinterpreted from {_axis_set(ev, list(local))} to the current mesh "
            f"{_axis_set(ev, list(mesh))}. Operand has axes "
            f"[{', '.join(axes.label(a) for a in foreign)}] not in the current mesh "
            f"[{', '.join(sorted(axes.label(a) for a in mesh))}] and has no destination to "
            "fold into.",
        )
    if ev.algebra.empty:
        return NOT_FOLDED
    if any(s.shard_dim is not None for s in local.values()):
        return NOT_FOLDED  # the PartitionSpec's remapping is not modelled
    regrouped = meshes.regroup(ev.algebra, dict(local), list(mesh), label=labels(local, mesh))
    if regrouped is None:
        return NOT_FOLDED
    if regrouped.values is None:
        return RuleViolation(
            codes.MESH_INCOMPATIBLE,
            f"cannot be auto-reinterpreted from {_axis_set(ev, list(local))} to the current mesh "
            f"{_axis_set(ev, list(mesh))}. {regrouped.error}",
        )
    return TensorType(LocalType(regrouped.values), EXACT)


def _apart(ev: Evaluator, axis: str, mesh: tuple[str, ...]) -> bool:
    """Whether an axis the current mesh does not name is certainly none of its axes (the
    runtime keys axes by layout): the world group beside a mesh of proper subgroups, or a
    name whose layout differs from each of the mesh's. A group the checker cannot name may
    be any of them."""
    if axes.is_symbolic(axis):
        return False
    if axis == axes.WORLD:
        return axes.apart_from_world(mesh)
    own = ev.algebra.layout(axis)
    theirs = ev.algebra.layouts(mesh)
    return own is not None and theirs is not None and own not in theirs


def labels(*groups: Sequence[str] | Mapping[str, object]) -> dict[str, str]:
    return {a: axes.label(a) for group in groups for a in group}


def _axis_set(ev: Evaluator, names: Sequence[str]) -> str:
    """``{dp, tp}``, outermost first where the layouts say."""
    layouts = ev.algebra.layouts(names)
    if layouts is not None and len(layouts) == len(names):
        ordered = [
            a
            for a, _ in sorted(
                zip(names, layouts, strict=True), key=lambda p: (-p[1].outer_stride, p[0])
            )
        ]
    else:
        ordered = sorted(names)
    return "{" + ", ".join(axes.label(a) for a in ordered) + "}"


def collective_axes(
    ev: Evaluator, t: TensorType, axis: str, frame: Frame
) -> tuple[list[str], TensorType]:
    """The axes of the tensor a collective on ``axis`` acts on, and the operand as it is
    read (``_resolve_collective_axes``, re-reading it on the current mesh first when that
    finds none): the components of a flattened axis; just ``axis`` where the tensor is typed
    on it, or where its axes or layouts are not known."""
    if axis in t.items or ev.algebra.empty:
        return [axis], t
    local = t.concrete(frame.bindings)
    if local is None or axis in local:
        return [axis], t
    parts = ev.algebra.components(axis, local)
    if parts is None:
        moved = on_current_mesh(ev, t, frame)
        if isinstance(moved, TensorType):
            retyped = moved.concrete()
            if retyped is not None:
                parts = ev.algebra.components(axis, retyped)
                if parts is not None:
                    return parts, moved
        return [axis], t
    return parts, t
