"""The per-mesh-axis SPMD types and their gradient duals.

Pure data: no parsing, no inference. Mirrors ``spmd_types.types`` of the
reference runtime (0.3.1): R, I, V, P per axis, with S(i) a refinement of V
that only an ``assert_type`` stores on a tensor (as its PartitionSpec).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """The local SPMD type of a value on one mesh axis."""

    R = "R"  # Replicate: same value everywhere, used differently per rank
    I = "I"  # Invariant: same value, identical computation on every rank  # noqa: E741
    V = "V"  # Varying: a different value per rank
    P = "P"  # Partial: a pending sum across ranks

    @property
    def full_name(self) -> str:
        return _FULL_NAMES[self]


_FULL_NAMES = {Kind.R: "Replicate", Kind.I: "Invariant", Kind.V: "Varying", Kind.P: "Partial"}


@dataclass(frozen=True, slots=True)
class AxisType:
    """A type on one axis: a Kind, and for S(i) the tensor dim that is sharded.

    ``shard_dim`` is only ever set with ``kind == Kind.V``.
    """

    kind: Kind
    shard_dim: int | None = None

    def __str__(self) -> str:
        if self.shard_dim is not None:
            return f"S({self.shard_dim})"
        return self.kind.value

    @property
    def local(self) -> AxisType:
        """The local type: S(i) decays to V, as it does on every op result."""
        return AxisType(self.kind) if self.shard_dim is not None else self

    @property
    def gradient(self) -> AxisType:
        """The type of this value's gradient: R<->P, I->I, V->V, S(i)->S(i)."""
        if self.kind is Kind.R:
            return P
        if self.kind is Kind.P:
            return R
        return self


R = AxisType(Kind.R)
I = AxisType(Kind.I)  # noqa: E741
V = AxisType(Kind.V)
P = AxisType(Kind.P)


def S(dim: int) -> AxisType:
    return AxisType(Kind.V, dim)


def parse_axis_type(text: str) -> AxisType | None:
    """Parse "R", "I", "V", "P" or "S(i)"; None if it is none of them."""
    text = text.strip()
    if text in ("R", "I", "V", "P"):
        return AxisType(Kind(text))
    if text.startswith("S(") and text.endswith(")"):
        inner = text[2:-1].strip()
        if inner.lstrip("-").isdigit():
            return S(int(inner))
    return None


class LocalType(Mapping[str, AxisType]):
    """A tensor's type: a mapping from mesh-axis name to AxisType.

    Immutable and hashable so that it can key the memo of function summaries.
    An empty LocalType is the runtime's ``{}``: a tensor typed on no axis
    (for example ``torch.randn`` with no current mesh). It is *known*; an
    unknown type is represented by the absence of a LocalType (``None``).
    """

    __slots__ = ("_hash", "_items")

    def __init__(self, items: Mapping[str, AxisType] | Iterable[tuple[str, AxisType]] = ()) -> None:
        pairs = items.items() if isinstance(items, (dict, Mapping)) else items
        self._items: dict[str, AxisType] = dict(sorted(pairs))
        self._hash: int | None = None

    def __getitem__(self, axis: str) -> AxisType:
        return self._items[axis]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._items.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):  # another LocalType too (a few hundred per check)
            return self._items == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"LocalType({self})"

    def __str__(self) -> str:
        return "{" + ", ".join(f"{axis}: {t}" for axis, t in self._items.items()) + "}"

    def with_axis(self, axis: str, t: AxisType) -> LocalType:
        items = dict(self._items)
        items[axis] = t
        return LocalType(items)

    @property
    def local(self) -> LocalType:
        """Every S(i) decayed to V: what an op result carries."""
        if all(t.shard_dim is None for t in self._items.values()):
            return self
        return LocalType({a: t.local for a, t in self._items.items()})

    @property
    def gradient(self) -> LocalType:
        return LocalType({a: t.gradient for a, t in self._items.items()})

    def to_json(self) -> dict[str, str]:
        return {axis: str(t) for axis, t in self._items.items()}


def format_type(t: LocalType | None) -> str:
    """How a type reads in messages and hovers; ``None`` is Unknown."""
    return "Unknown" if t is None else str(t)


def parse_local_type(text: str) -> LocalType | None:
    """Parse ``{dp: R, tp: S(0)}`` (the form ``str(LocalType)`` prints).

    Raises ValueError on malformed text; returns None for ``Unknown``.
    """
    text = text.strip()
    if text.lower() == "unknown":
        return None
    if not (text.startswith("{") and text.endswith("}")):
        raise ValueError(f"expected a type like '{{dp: R, tp: P}}' or 'Unknown', found {text!r}")
    body = text[1:-1].strip()
    items: dict[str, AxisType] = {}
    if not body:
        return LocalType()
    depth = 0
    parts: list[str] = []
    current = ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    for part in parts:
        if ":" not in part:
            raise ValueError(f"expected 'axis: type' in {text!r}, found {part.strip()!r}")
        axis, _, typ = part.partition(":")
        parsed = parse_axis_type(typ)
        if parsed is None:
            raise ValueError(
                f"expected R, I, V, P or S(i) for axis {axis.strip()!r}, found {typ.strip()!r}"
            )
        items[axis.strip().strip("'\"")] = parsed
    return LocalType(items)
