"""Mesh algebra: the rank layouts of the axes of literal meshes, and what follows from them.

The runtime identifies a mesh axis by its *layout*: the ranks of its process group, as
sizes and strides from rank 0 (``_mesh_axis.MeshAxis``). Two groups with the same ranks are
one axis; a flattened mesh dim (``mesh["dp", "tp"]._flatten("dp_tp")``) is the axis of
its components' ranks together, so it overlaps each of them. The checker keys axes by name
(``axes.py``); where a mesh's shape is literal (``init_device_mesh("cpu", (2, 4), ...)``)
each of its names has a ``Layout``, and an ``Algebra`` (one per check) holds them, so that
the runtime's rules that depend on layouts can be applied to names:

- orthogonality (``_mesh_axis._is_radix_separable``): the axes of one type, or of one
  mesh, must be independent radix dimensions;
- a collective on a flattened axis acts on the tensor's component axes
  (``_checker._resolve_collective_axes``);
- a type on one mesh's axes read on another's (``_mesh_region._walk_groups``): both sides
  sorted outermost first and grouped where their cumulative sizes meet; each group must
  cover one rank region and carry one type.

A name without a known layout (a mesh from a parameter, a name two meshes give different
layouts) has none here: whatever depends on it is not known, and nothing is reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Generic, TypeVar

Atom = tuple[int, int]  # (size, stride)


@dataclass(frozen=True)
class Layout:
    """The ranks of one axis, from rank 0: atoms (size, stride), outermost (largest stride)
    first, coalesced and without size-1 atoms, so that two layouts with the same ranks are
    equal. No atoms: a size-1 (trivial) axis."""

    atoms: tuple[Atom, ...]

    @staticmethod
    def of(atoms: Iterable[Atom]) -> Layout:
        ordered = sorted((a for a in atoms if a[0] > 1), key=lambda a: -a[1])
        merged: list[Atom] = []
        for size, stride in reversed(ordered):  # innermost first
            if merged and stride == merged[-1][0] * merged[-1][1]:
                inner_size, inner_stride = merged[-1]
                merged[-1] = (inner_size * size, inner_stride)
            else:
                merged.append((size, stride))
        return Layout(tuple(reversed(merged)))

    @property
    def size(self) -> int:
        total = 1
        for size, _ in self.atoms:
            total *= size
        return total

    @property
    def trivial(self) -> bool:
        return not self.atoms

    @property
    def outer_stride(self) -> int:
        """The largest stride: the runtime orders axes outermost first by it."""
        return max((stride for _, stride in self.atoms), default=0)

    def ranks(self) -> frozenset[int]:
        return frozenset(
            sum(i * stride for i, (_, stride) in zip(index, self.atoms, strict=True))
            for index in product(*(range(size) for size, _ in self.atoms))
        )

    def within(self, other: Layout) -> bool:
        """Strictly fewer ranks, all of them the other's (``MeshAxis.__lt__``)."""
        return self != other and self.ranks() <= other.ranks()

    def __str__(self) -> str:
        return ",".join(f"{size}:{stride}" for size, stride in self.atoms) or "1:1"


def mesh_layouts(shape: Sequence[int]) -> list[Layout]:
    """The layouts of the dims of ``init_device_mesh(shape)``: row-major over the ranks."""
    layouts: list[Layout] = []
    stride = 1
    for size in reversed(shape):
        layouts.append(Layout.of([(size, stride)]))
        stride *= size
    return list(reversed(layouts))


def orthogonal(layouts: Sequence[Layout]) -> bool:
    """Whether the axes are independent radix dimensions (``_is_radix_separable``): sorted
    by stride, each atom starts beyond the span of the smaller ones."""
    span = 0
    for size, stride in sorted((a for lay in layouts for a in lay.atoms), key=lambda a: a[1]):
        if stride <= span:
            return False
        span += (size - 1) * stride
    return True


def flatten(layouts: Sequence[Layout]) -> Layout | None:
    """The axis of several orthogonal axes together (``flatten_axes``); None when they are
    not orthogonal."""
    if not orthogonal(layouts):
        return None
    return Layout.of(a for lay in layouts for a in lay.atoms)


_NOT_SEEN = object()  # a name no mesh has given a layout yet


class Algebra:
    """The layouts of the named axes one check has seen built (``init_device_mesh`` with a
    literal shape, ``_flatten`` of such a mesh). A name given two different layouts is not
    known."""

    def __init__(self) -> None:
        self._layouts: dict[str, Layout | None] = {}
        # (root mesh, name) of the dims flattened so far: the root keeps them, and flattening
        # one again builds no new mesh
        self._flattened: set[tuple[str, str]] = set()
        # root meshes handed to code the checker cannot see (which may have flattened them)
        self._escaped: set[str] = set()
        # True while functions are analysed on their own: their unseen callers may have run
        # anything before them, flattenings included
        self._open_world = False
        # how many times what it knows changed (a memoised call must have changed nothing)
        self.changes = 0
        self._key: tuple[int, tuple[object, ...]] | None = None  # ``key``, at ``changes``

    @property
    def open_world(self) -> bool:
        return self._open_world

    @open_world.setter
    def open_world(self, value: bool) -> None:
        if value != self._open_world:
            self.changes += 1
            self._open_world = value

    def register(self, name: str, layout: Layout | None) -> None:
        known = self._layouts.get(name, _NOT_SEEN)
        now = None if known is not _NOT_SEEN and known != layout else layout
        if known != now:
            self.changes += 1
            self._layouts[name] = now

    def layout(self, name: str) -> Layout | None:
        return self._layouts.get(name)

    def layouts(self, names: Iterable[str]) -> list[Layout] | None:
        """Every name's layout, or None when one is not known."""
        found = [self._layouts.get(name) for name in names]
        return None if any(lay is None for lay in found) else [lay for lay in found if lay]

    def note_flattened(self, root: str, name: str) -> None:
        if (root, name) not in self._flattened:
            self.changes += 1
            self._flattened.add((root, name))

    def escaped(self, root: str) -> None:
        if root not in self._escaped:
            self.changes += 1
            self._escaped.add(root)

    def flattened(self, root: str, name: str) -> bool:
        """Whether the root mesh may already have a flattened dim of this name."""
        return self.open_world or (root, name) in self._flattened or root in self._escaped

    def snapshot(self) -> Algebra:
        """A copy of what is known now (each standalone analysis starts from the module
        level's: what one analysis built must not change the next one's verdicts)."""
        copied = Algebra()
        copied.restore(self)
        return copied

    def restore(self, snapshot: Algebra) -> None:
        changes = self.changes
        vars(self).update({name: _copied(value) for name, value in vars(snapshot).items()})
        self.changes = changes + 1  # a count that only grows: restoring is a change too

    def key(self) -> tuple[object, ...]:
        """Everything it knows, as a key (a call kept across checks depends on it)."""
        if self._key is None or self._key[0] != self.changes:
            known = (
                self.open_world,
                self.fingerprint(),
                frozenset(self._flattened),
                frozenset(self._escaped),
            )
            self._key = (self.changes, known)
        return self._key[1]

    def fingerprint(self) -> tuple[tuple[str, Layout | None], ...]:
        """What a cached (standalone) analysis that may have read the algebra depends on: the
        layouts (in the open world, what was flattened does not count)."""
        return tuple(sorted(self._layouts.items(), key=lambda item: item[0]))

    # ------------------------------------------------------------------ the rules
    def overlap(self, names: Sequence[str]) -> str | None:
        """The runtime's refusal of a type (or mesh) whose axes are not orthogonal, or None
        (orthogonal, or not known)."""
        pair = self.overlapping(names)
        return not_orthogonal_message(*pair) if pair is not None else None

    def overlapping(self, names: Sequence[str]) -> tuple[str, str] | None:
        """The first pair of axes that are not orthogonal (``_check_orthogonality``), when
        every layout is known; None otherwise."""
        layouts = self.layouts(names)
        if layouts is None or len(names) < 2:
            return None
        # two names of one layout are one axis to the runtime (one dict key): no overlap
        if orthogonal(list(dict.fromkeys(layouts))):
            return None
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                pair = self.layouts([a, b])
                if pair is not None and pair[0] != pair[1] and not orthogonal(pair):
                    return (a, b)
        return None

    @property
    def empty(self) -> bool:
        """No layout known: nothing here can relate two names."""
        return not any(self._layouts.values())

    def components(self, axis: str, typed: Iterable[str]) -> list[str] | None:
        """The tensor's axes a collective on ``axis`` acts on
        (``_resolve_collective_axes``): the axis itself when typed on it, else the typed
        axes strictly inside it when they flatten to exactly it; None when there are none
        (or a layout is not known)."""
        typed = list(typed)
        if axis in typed:
            return [axis]
        target = self.layout(axis)
        if target is None:
            return None
        inside: list[str] = []
        for name in typed:
            layout = self.layout(name)
            if layout is None:
                return None
            if layout == target:
                return [name]  # the same axis under another name
            if layout.within(target):
                inside.append(name)
        if not inside:
            return None
        layouts = self.layouts(inside)
        return inside if layouts is not None and flatten(layouts) == target else None


def not_orthogonal_message(a: str, b: str) -> str:
    """The runtime's refusal of two axes in one type or mesh that overlap."""
    return (
        f"Mesh axes {a} and {b} are not orthogonal (their layouts are not independent radix "
        "dimensions). All axes in a LocalSpmdType must be mutually orthogonal."
    )


T = TypeVar("T")


@dataclass(frozen=True)
class Regrouped(Generic[T]):
    """A type read on other axes: per destination axis its value, or why it cannot be."""

    values: dict[str, T] | None
    error: str | None = None


def regroup(
    algebra: Algebra,
    src: Mapping[str, T],
    dst: Sequence[str],
    dst_values: Mapping[str, T] | None = None,
    label: Mapping[str, str] | None = None,
) -> Regrouped[T] | None:
    """``check_reinterpret_mesh_compatible``: ``src`` (a value per source axis) read on the
    axes ``dst``. Shared axes keep their value (a ``dst_values`` entry must agree); the
    others, sorted outermost first on both sides, are grouped where their cumulative sizes
    meet; each group must be one value (``==``) and cover one rank region. None when a
    layout is not known."""
    shown = label or {}

    def name(axis: str) -> str:
        return shown.get(axis, axis)

    def group_text(group: Sequence[str]) -> str:
        return "{" + ", ".join(name(a) for a in group) + "}"

    result: dict[str, T] = {}
    for axis in src:
        if axis in dst:
            if dst_values is not None and dst_values.get(axis, src[axis]) != src[axis]:
                return Regrouped(
                    None,
                    f"Shared mesh axis {name(axis)} changes local type from {src[axis]} to "
                    f"{dst_values[axis]} under reinterpret_mesh.",
                )
            result[axis] = src[axis]
    src_rest = [a for a in src if a not in dst]
    dst_rest = [a for a in dst if a not in src]
    if not src_rest:
        return Regrouped(result)
    src_layouts = algebra.layouts(src_rest)
    dst_layouts = algebra.layouts(dst_rest)
    if src_layouts is None or dst_layouts is None:
        return None
    if not dst_rest:
        return None  # "no destination to fold into": its wording is not modelled
    src_sorted = sorted(zip(src_rest, src_layouts, strict=True), key=lambda p: -p[1].outer_stride)
    dst_sorted = sorted(zip(dst_rest, dst_layouts, strict=True), key=lambda p: -p[1].outer_stride)
    i = j = 0
    src_size = dst_size = 1
    src_group: list[tuple[str, Layout]] = []
    dst_group: list[tuple[str, Layout]] = []
    src_value: T | None = None
    dst_value: T | None = None
    while i < len(src_sorted) or j < len(dst_sorted):
        if src_size <= dst_size and i < len(src_sorted):
            axis, layout = src_sorted[i]
            src_size *= layout.size
            src_group.append((axis, layout))
            value = src[axis]
            if src_value is None:
                src_value = value
            elif src_value != value:
                prior = ", ".join(name(a) for a, _ in src_group[:-1])
                verb = "has" if len(src_group) <= 2 else "have"
                return Regrouped(
                    None,
                    f"Axes {group_text([a for a, _ in src_group])} would need to be flattened, "
                    f"but {prior} {verb} type {src_value} while {name(axis)} has type {value}.",
                )
            i += 1
        elif j < len(dst_sorted):
            axis, layout = dst_sorted[j]
            dst_size *= layout.size
            dst_group.append((axis, layout))
            if dst_values is not None and axis in dst_values:
                value = dst_values[axis]
                if dst_value is None:
                    dst_value = value
                elif dst_value != value:
                    return Regrouped(
                        None,
                        f"Axes {group_text([a for a, _ in dst_group])} would need to be "
                        "flattened, but they have mixed local types in the destination.",
                    )
            j += 1
        else:
            break
        if src_size == dst_size:
            assert src_value is not None
            if dst_value is not None and dst_value != src_value:
                return Regrouped(
                    None,
                    f"Source group {group_text([a for a, _ in src_group])} has type "
                    f"{src_value} but destination group {group_text([a for a, _ in dst_group])} "
                    f"has type {dst_value}.",
                )
            if flatten([lay for _, lay in src_group]) != flatten([lay for _, lay in dst_group]):
                return Regrouped(
                    None,
                    f"Source group {group_text([a for a, _ in src_group])} and destination "
                    f"group {group_text([a for a, _ in dst_group])} flatten to different rank "
                    "regions.",
                )
            for axis, _ in dst_group:
                result[axis] = src_value
            src_size = dst_size = 1
            src_group, dst_group = [], []
            src_value = dst_value = None
    if src_size != 1 or dst_size != 1:
        return Regrouped(None, "The source and destination meshes do not appear to be related.")
    return Regrouped(result)


def _copied(value: object) -> object:
    """A field of an algebra, not shared with the one it was copied from."""
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, set):
        return set(value)
    return value
