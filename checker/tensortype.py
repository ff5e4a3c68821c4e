"""Symbolic tensor types: what is known of a tensor's type when its inputs are not known.

A ``TensorType`` maps axis keys to *terms* and says what the other axes are (its *rest*):

- a term is a concrete ``AxisType`` or an ``Unknown``: the set of types it may be
  (``domain``; ``ABSENT`` = the tensor is not typed on the axis, ``SCALAR`` = the value may
  be a Python number, which adopts the other operands' type) and, when it is the type of
  one root value on one axis ("the type of parameter ``x`` on ``tp``"), that identity
  (``VarId``). One identity is one unknown wherever it occurs; an anonymous ``Unknown``
  (a join of two branches, an argument of unknown origin) is independent of all others.
- the rest is ``EXACT`` (the tensor has no other axes), ``OPEN`` (other axes unknown), or
  a ``Row`` of a root: "the other axes of ``x``", each the unknown ``VarId(x, axis)``.

``Bindings`` are what one path has learned about the identities (a check that passed
only for some values narrows them); terms are read through them. A type is *complete*
when, read through the bindings, every axis is known and concrete: only complete types
are shown as types.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from . import axes
from .lattice import AxisType, I, Kind, LocalType, P, R, V


class Marker(Enum):
    ABSENT = "absent"  # the tensor is not typed on this axis
    SCALAR = "scalar"  # a Python number: it adopts the other operands' type
    NOTHING = "nothing"  # no tensor nor number at all: the op does not see it

    def __str__(self) -> str:
        return {"absent": "untyped", "scalar": "a number", "nothing": "not a tensor"}[self.value]


ABSENT = Marker.ABSENT
SCALAR = Marker.SCALAR
NOTHING = Marker.NOTHING
Possibility = AxisType | Marker

KINDS: frozenset[Possibility] = frozenset({R, I, V, P})
TENSOR_DOMAIN: frozenset[Possibility] = KINDS | {ABSENT}
# a value of unknown kind at an op's argument: a tensor, a number, or neither
ANY_VALUE_DOMAIN: frozenset[Possibility] = TENSOR_DOMAIN | {SCALAR, NOTHING}


@dataclass(frozen=True, slots=True)
class Root:
    """A value the caller supplies: a parameter, or a path from one (``cfg.x``, ``self.w``).
    ``key`` is unique per origin; ``label`` is how the code spells it."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class VarId:
    """The unknown type of one root on one axis."""

    root: Root
    axis: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """A per-axis type that is one of ``domain``; the same ``var`` is the same unknown."""

    domain: frozenset[Possibility]
    var: VarId | None = None

    def __str__(self) -> str:
        shown = sorted(str(p) for p in self.domain if isinstance(p, AxisType))
        text = " or ".join(shown) if shown else "untyped"
        if ABSENT in self.domain and shown:
            text += " (or untyped)"
        if self.var is None:
            return text
        if self.domain >= KINDS:
            return f"as {self.var.root.label}"
        return f"as {self.var.root.label}: {text}"


Term = AxisType | Unknown
ANY = Unknown(TENSOR_DOMAIN)


class RestKind(Enum):
    EXACT = "exact"  # no other axes
    OPEN = "open"  # other axes unknown, unrelated to anything
    ROW = "row"  # the other axes of a root value, each its own unknown
    FILL = "fill"  # every other axis of a mesh, all of one type (a bare R in assert_type)


@dataclass(frozen=True, slots=True)
class Rest:
    kind: RestKind
    root: Root | None = None  # ROW: the tensor root; FILL: the mesh
    fill: AxisType | None = None  # FILL: the type of every other axis

    def __str__(self) -> str:
        if self.kind is RestKind.ROW and self.root is not None:
            return f"other axes as {self.root.label}"
        if self.kind is RestKind.FILL and self.fill is not None:
            return f"{self.fill} on every other mesh axis"
        return "..." if self.kind is RestKind.OPEN else ""


EXACT = Rest(RestKind.EXACT)
OPEN = Rest(RestKind.OPEN)
HIDDEN = "*"  # a hidden axis: one that no operand lists (``VarId(root, HIDDEN)``)


def row(root: Root) -> Rest:
    return Rest(RestKind.ROW, root)


def fill(mesh: Root, t: AxisType) -> Rest:
    return Rest(RestKind.FILL, mesh, t)


def _domain_of(term: Term) -> frozenset[Possibility]:
    return frozenset({term}) if isinstance(term, AxisType) else term.domain


@dataclass(frozen=True)
class Bindings:
    """What a path has learned: per identity the types it may still have, and per root an
    upper bound on its axis set (``rows``: it has no axis outside the set)."""

    vars: Mapping[VarId, frozenset[Possibility]] = field(default_factory=dict)
    rows: Mapping[Root, frozenset[str]] = field(default_factory=dict)

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        # computed once: bindings key the verdict memo, hashed on every op
        return hash((frozenset(self.vars.items()), frozenset(self.rows.items())))

    def __bool__(self) -> bool:
        return bool(self.vars) or bool(self.rows)

    def narrow(self, var: VarId, allowed: frozenset[Possibility]) -> Bindings:
        current = self.vars.get(var)
        new = allowed if current is None else current & allowed
        if current == new:
            return self
        return Bindings({**self.vars, var: new}, self.rows)

    def bound_row(self, root: Root, axis_set: frozenset[str]) -> Bindings:
        current = self.rows.get(root)
        new = axis_set if current is None else current & axis_set
        if current == new:
            return self
        return Bindings(self.vars, {**self.rows, root: new})

    def join(self, other: Bindings) -> Bindings:
        """What holds after either path: per identity, what either allows."""
        if self is other or self == other:
            return self
        variables = {
            var: self.vars[var] | other.vars[var] for var in self.vars.keys() & other.vars.keys()
        }
        rows = {
            root: self.rows[root] | other.rows[root]
            for root in self.rows.keys() & other.rows.keys()
        }
        return Bindings(variables, rows)


NO_BINDINGS = Bindings()


def resolve(term: Term, bindings: Bindings) -> Term | Marker:
    """A term read through the bindings; a single possibility is that possibility."""
    if isinstance(term, AxisType):
        return term
    domain = term.domain
    if term.var is not None and term.var in bindings.vars:
        domain = domain & bindings.vars[term.var]
    if len(domain) == 1:
        (only,) = domain
        return only
    return term if domain == term.domain else Unknown(domain, term.var)


class TensorType:
    """Per axis a term, and a rest for the axes not listed (see the module docstring)."""

    __slots__ = ("_hash", "items", "rest")

    def __init__(
        self, items: Mapping[str, Term] | Iterable[tuple[str, Term]] = (), rest: Rest = EXACT
    ) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self.items: dict[str, Term] = dict(sorted(pairs))
        self.rest = rest
        self._hash: int | None = None

    @staticmethod
    def of(local: LocalType, exact: bool = True) -> TensorType:
        """A concrete type; ``exact`` False: other axes are unknown."""
        return TensorType(dict(local), EXACT if exact else OPEN)

    @staticmethod
    def of_root(
        root: Root,
        mesh: Iterable[str] | None = None,
        domain: frozenset[Possibility] = TENSOR_DOMAIN,
    ) -> TensorType:
        """A value the caller supplies: unknown on every axis (on the mesh's axes when the
        mesh is known, else on a row)."""
        if mesh is None:
            return TensorType({}, row(root))
        return TensorType({axis: Unknown(domain, VarId(root, axis)) for axis in mesh}, EXACT)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TensorType):
            return NotImplemented
        return self.items == other.items and self.rest == other.rest

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((tuple(self.items.items()), self.rest))
        return self._hash

    def __repr__(self) -> str:
        return f"TensorType({self.describe()})"

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    # ------------------------------------------------------------------ reading
    def term(self, axis: str, bindings: Bindings = NO_BINDINGS) -> Term | Marker:
        """The type on an axis, listed or not (``ABSENT`` when the tensor has no such axis)."""
        if axis in self.items:
            return resolve(self.items[axis], bindings)
        if any(axes.may_alias(axis, other) for other in self.items):
            return ANY  # it may be one of the listed axes under another name
        rest = self.rest
        if rest.kind is RestKind.EXACT:
            return ABSENT
        if rest.kind is RestKind.OPEN or rest.root is None:
            return ANY
        bound = bindings.rows.get(rest.root)
        if bound is not None and axis not in bound:
            # known absent, unless it may be one of the bound axes under another name
            return ANY if any(axes.may_alias(axis, other) for other in bound) else ABSENT
        if rest.kind is RestKind.FILL and rest.fill is not None:
            if axes.is_symbolic(axis):
                # a group the checker cannot name may be none of the mesh's axes
                return Unknown(frozenset({rest.fill, ABSENT}))
            return rest.fill
        return resolve(Unknown(TENSOR_DOMAIN, VarId(rest.root, axis)), bindings)

    def hidden_term(self, bindings: Bindings = NO_BINDINGS) -> Term | Marker:
        """The type on a hidden axis: one this type does not list, nor any bound."""
        rest = self.rest
        if rest.kind is RestKind.EXACT:
            return ABSENT
        if rest.kind is RestKind.OPEN or rest.root is None:
            return ANY
        if rest.root in bindings.rows:
            return ABSENT  # its axes are all known (and listed where they matter)
        if rest.kind is RestKind.FILL and rest.fill is not None:
            return rest.fill
        return Unknown(TENSOR_DOMAIN, VarId(rest.root, HIDDEN))

    def listed(self, bindings: Bindings = NO_BINDINGS) -> dict[str, Term]:
        """The listed axes read through the bindings, without those known to be absent."""
        out: dict[str, Term] = {}
        for axis, term in self.items.items():
            resolved = as_term(resolve(term, bindings))
            if resolved is not None:
                out[axis] = resolved
        return out

    def hidden_axes(self, bindings: Bindings = NO_BINDINGS) -> frozenset[str] | None:
        """The axes the rest holds beyond the listed ones, when known (None: not known)."""
        if self.rest.kind is RestKind.EXACT:
            return frozenset()
        if self.rest.kind is not RestKind.OPEN and self.rest.root is not None:
            bound = bindings.rows.get(self.rest.root)
            if bound is not None:
                return frozenset(a for a in bound if a not in self.items)
        return None

    def closed(
        self, bindings: Bindings = NO_BINDINGS, mesh: tuple[str, ...] | None = None
    ) -> TensorType | None:
        """This type with its rest spelled out (every axis listed, rest exact), when the
        rest's axis set is known, or the current mesh is (``mesh``: a tensor's axes are
        axes of the mesh it is used under)."""
        hidden = self.hidden_axes(bindings)
        if hidden is None and mesh is not None:
            hidden = frozenset(a for a in mesh if a not in self.items)
        if hidden is None:
            return None
        items: dict[str, Term] = {}
        for axis in [*self.items, *hidden]:
            term = as_term(self.term(axis, bindings))
            if term is not None:
                items[axis] = term
        return TensorType(items, EXACT)

    def concrete(
        self, bindings: Bindings = NO_BINDINGS, mesh: tuple[str, ...] | None = None
    ) -> LocalType | None:
        """The complete type when it is known on every axis, else None."""
        closed = self.closed(bindings, mesh)
        if closed is None:
            return None
        if not all(isinstance(t, AxisType) for t in closed.items.values()):
            return None
        return LocalType({a: t for a, t in closed.items.items() if isinstance(t, AxisType)})

    def known(self, bindings: Bindings = NO_BINDINGS) -> LocalType:
        """The axes whose type is known and concrete (a part of the type)."""
        return LocalType(
            {a: t for a, t in self.listed(bindings).items() if isinstance(t, AxisType)}
        )

    def is_complete(self, bindings: Bindings = NO_BINDINGS) -> bool:
        return self.concrete(bindings) is not None

    # ------------------------------------------------------------------ changing
    def with_axis(self, axis: str, term: Term) -> TensorType:
        items = dict(self.items)
        items[axis] = term
        return TensorType(items, self.rest)

    def written(self, axis: str, term: Term) -> TensorType:
        """The type after something sets one axis (a collective's dst, an assert_type): an
        axis listed under another name that may be the same mesh axis may have changed too."""
        items = dict(self.items)
        for other, old in self.items.items():
            if axes.may_alias(axis, other):
                joined = as_term(join_terms(old, term))
                if joined is not None:
                    items[other] = joined
        items[axis] = term
        return TensorType(items, self.rest)

    def without_axis(self, axis: str) -> TensorType:
        items = dict(self.items)
        items.pop(axis, None)
        return TensorType(items, self.rest)

    def resolved(self, bindings: Bindings) -> TensorType:
        """The type with what the bindings say substituted (to hand to another context)."""
        if not bindings:
            return self
        closed = self.closed(bindings)
        if closed is not None:
            return closed
        items: dict[str, Term] = {}
        for axis, term in self.items.items():
            resolved = as_term(resolve(term, bindings))
            if resolved is not None:
                items[axis] = resolved
        return TensorType(items, self.rest)

    @property
    def local(self) -> TensorType:
        """Every S(i) decayed to V, as on every op result."""
        if all(not isinstance(t, AxisType) or t.shard_dim is None for t in self.items.values()):
            return self
        return TensorType(
            {a: t.local if isinstance(t, AxisType) else t for a, t in self.items.items()}, self.rest
        )

    # ------------------------------------------------------------------ showing
    def describe(
        self, bindings: Bindings = NO_BINDINGS, mesh: tuple[str, ...] | None = None
    ) -> str:
        """How a hover reads it: ``{dp: R, tp: V}``, or what is known: ``{tp: V, ...}``,
        ``{tp: as x, ...}``, ``{tp: R or I}``."""
        closed = self.closed(bindings, mesh)
        shown = closed if closed is not None else self
        parts = []
        for axis, term in shown.items.items():
            resolved = resolve(term, bindings)
            if resolved is ABSENT:
                continue
            parts.append(f"{axes.label(axis)}: {resolved}")
        if closed is None:
            parts.append(str(self.rest))
        return "{" + ", ".join(parts) + "}"

    def __str__(self) -> str:
        return self.describe()


UNKNOWN_TYPE = TensorType({}, OPEN)


def as_term(term: Term | Marker) -> Term | None:
    """A resolved term as a type's entry: None for an absent axis."""
    if term is ABSENT:
        return None
    if isinstance(term, Marker):
        return Unknown(frozenset({term}))
    return term


def domain(term: Term | Marker) -> frozenset[Possibility]:
    if isinstance(term, Marker):
        return frozenset({term})
    return _domain_of(term)


def kinds_only(possibilities: Iterable[Possibility]) -> list[AxisType]:
    return [p for p in possibilities if isinstance(p, AxisType)]


def join_terms(a: Term | Marker, b: Term | Marker) -> Term | Marker:
    """The term after a branch: equal terms stay; S(i) and V join to V; otherwise the union
    of what each may be (anonymous unless both are the same identity)."""
    if a == b:
        return a
    if isinstance(a, AxisType) and isinstance(b, AxisType) and a.kind is b.kind:
        return a.local
    var = a.var if isinstance(a, Unknown) and isinstance(b, Unknown) and a.var == b.var else None
    joined = frozenset(p.local if isinstance(p, AxisType) else p for p in domain(a) | domain(b))
    if len(joined) == 1:
        (only,) = joined
        return only
    return Unknown(joined, var)


def join_types(
    a: TensorType,
    b: TensorType,
    bindings_a: Bindings = NO_BINDINGS,
    bindings_b: Bindings = NO_BINDINGS,
) -> TensorType:
    """The type that holds on both paths of a branch. A term or rest that is the same on
    both stays as it is (the joined bindings allow what either path allows); others are
    read through each path's bindings and joined."""
    if a == b:
        return a
    if a.rest == b.rest:
        rest = a.rest
    elif a.hidden_axes(bindings_a) == frozenset() and b.hidden_axes(bindings_b) == frozenset():
        rest = EXACT
    else:
        rest = OPEN
    items: dict[str, Term] = {}
    for axis in dict.fromkeys([*a.items, *b.items]):
        if axis in a.items and a.items[axis] == b.items.get(axis):
            items[axis] = a.items[axis]
            continue
        joined = join_terms(a.term(axis, bindings_a), b.term(axis, bindings_b))
        if joined is ABSENT:
            continue
        items[axis] = joined if not isinstance(joined, Marker) else Unknown(frozenset({joined}))
    return TensorType(items, rest)


def is_known_kind(term: Term | Marker, kind: Kind) -> bool:
    return isinstance(term, AxisType) and term.kind is kind
