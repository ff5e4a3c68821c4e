"""Abstract values: what the interpreter knows about a Python value.

Anything it cannot describe is ``UNKNOWN``; an Unknown operand makes an op's
result Unknown and silences its diagnostics (no false alarms).
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING, Union

from .frontend import first_line
from .lattice import AxisType, LocalType
from .layout import Spec
from .memo import Memo
from .meshes import Layout
from .places import Place
from .results import Origin
from .tensortype import (
    NO_BINDINGS,
    UNKNOWN_TYPE,
    Bindings,
    Rest,
    Root,
    TensorType,
    join_types,
    row,
)

if TYPE_CHECKING:
    from .frontend import Unit


class _Unknown:
    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class TensorVal:
    """A tensor: its SPMD type (symbolic, ``tensortype.py``: what is known of it) and
    whether it requires grad (None when unknown)."""

    type: TensorType = UNKNOWN_TYPE
    grad: bool | None = None
    origin: Origin | None = field(default=None, compare=False)
    ndim: int | None = field(default=None, compare=False)  # known for literal factory shapes
    # what the runtime records besides the local types (``layout.py``): the PartitionSpec,
    # when the checker knows all of it (None: only the S(i) of ``type`` are known), and the
    # local shape when every size is a literal. Compared: two paths that differ in them
    # join to "not known".
    spec: Spec | None = None
    shape: tuple[int, ...] | None = None

    @staticmethod
    def of(local: LocalType, grad: bool | None = None, origin: Origin | None = None) -> TensorVal:
        """A tensor of a known, complete type."""
        return TensorVal(TensorType.of(local), grad, origin)


@dataclass(frozen=True)
class SymbolicVal:
    """A value the unseen caller supplies (a parameter of an entry point, or a path from
    one: ``cfg.tp_group``): it becomes what its use needs (a tensor of unknown type, an
    axis the checker cannot name, a mesh). ``tensor`` False: annotated as no tensor."""

    root: Root
    tensor: bool | None = None  # True: annotated as a tensor; False: as something else

    def as_tensor(self) -> TensorVal | None:
        """The tensor it is, used as one: unknown on every axis (the root's row)."""
        if self.tensor is False:
            return None
        return TensorVal(TensorType({}, row(self.root)), None)


@dataclass(frozen=True)
class TensorSeqVal:
    """The tuple that split/chunk/unbind return: every element has one type."""

    element: TensorVal


@dataclass(frozen=True)
class ScalarVal:
    """A Python number (or a shape, a size): never a tensor."""

    value: int | float | None = None


@dataclass(frozen=True)
class TypedScalarVal:
    """A ``spmd.Scalar``: a number with a local type (R, I, V or P per axis), which an op
    takes as an operand at any argument position, with that exact type."""

    type: LocalType


@dataclass(frozen=True)
class ShapeVal:
    """``x.shape``: a tuple of sizes, never a tensor."""

    ndim: int | None = None


@dataclass(frozen=True)
class ConstVal:
    """A str, bool or None literal (strings name axes)."""

    value: str | bool | None


@dataclass(frozen=True)
class AxisVal:
    """A mesh axis: a string name, a process group, or a MeshAxis."""

    name: str
    spelling: str  # "name", "group", "meshaxis": how the axis was given
    # a mesh dim of size 1: the runtime accepts it wherever an axis is named and drops it
    trivial: bool = False


@dataclass(frozen=True)
class MeshVal:
    """A mesh: a DeviceMesh, or the axes ``set_current_mesh`` is given. ``axes`` are its
    dims of size > 1 (None when unreadable); ``trivial`` its named dims of size 1 (names
    the runtime accepts and drops); ``dims`` a DeviceMesh's dim names in order (None: not a
    DeviceMesh the checker can read); ``layouts`` the dims' rank layouts when its shape is
    literal (``meshes.py``); ``root`` the ``init_device_mesh`` call a DeviceMesh comes from
    (its flattened dims are that root's); ``named`` False: axes without names (a list of
    process groups); ``untyped_ranks``: the rank tensor it is sliced and flattened with
    (its root's) is typed on no axis, the root having been built outside ``typecheck()`` or
    with no current mesh (built under a mesh, its tensor ops typed it)."""

    axes: tuple[str, ...] | None
    trivial: tuple[str, ...] = ()
    dims: tuple[str, ...] | None = None
    layouts: tuple[tuple[str, Layout], ...] = ()
    root: str | None = None
    named: bool = True
    untyped_ranks: bool = False


@dataclass(frozen=True)
class TypeVal:
    """R, I, V, P or S(i) used as a value."""

    type: AxisType


@dataclass(frozen=True)
class TypeChoiceVal:
    """One of several types, as a flag the code does not fix picks it (``P if sp else R``)."""

    types: frozenset[AxisType]


@dataclass(frozen=True)
class TypeDictVal:
    """A literal ``{axis: type}`` dict; ``choices``: axes whose type is one of several."""

    items: tuple[tuple[AxisVal, AxisType], ...]
    choices: tuple[tuple[AxisVal, frozenset[AxisType]], ...] = ()
    # a tensor's type as a dict (get_local_type(x)) whose other axes are not known: they are
    # that tensor's (None: a literal dict, its keys only)
    rest: Rest | None = None

    def entries(self) -> list[tuple[AxisVal, frozenset[AxisType]]]:
        """Every axis with the types it may have, in the dict's order."""
        return [(axis, frozenset({t})) for axis, t in self.items] + list(self.choices)


@dataclass(frozen=True)
class PartitionSpecVal:
    """A literal ``PartitionSpec(...)``: per tensor dim, the axes sharding it."""

    dims: tuple[tuple[str, ...], ...]


class Placement(Enum):
    """A DTensor placement's kind (``torch.distributed.tensor``)."""

    REPLICATE = "Replicate"
    SHARD = "Shard"
    PARTIAL = "Partial"


@dataclass(frozen=True)
class PlacementVal:
    """``Replicate()``, ``Shard(dim)`` (``dim`` None: not a literal) or ``Partial()``."""

    kind: Placement
    dim: int | None = None

    def __str__(self) -> str:
        if self.kind is Placement.SHARD:
            return f"Shard({self.dim if self.dim is not None else '?'})"
        return f"{self.kind.value}()"


@dataclass(frozen=True)
class DTensorVal:
    """A DTensor: its mesh (None: not known) and one placement per mesh dim (an element
    None: that one is not known; the tuple None: none is)."""

    mesh: MeshVal | None
    placements: tuple[PlacementVal | None, ...] | None


@dataclass(frozen=True)
class TensorShardingVal:
    """``spmd.TensorSharding(...)``: per tensor dim, the mesh dim names sharding it."""

    dims: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class RefVal:
    """Something outside the workspace, by qualified name: ``torch.relu``, ``spmd_types.R``."""

    qualname: str


@dataclass(frozen=True)
class TupleVal:
    items: tuple[Value, ...]


class ContextKind(Enum):
    TYPECHECK = "typecheck"
    NO_TYPECHECK = "no_typecheck"
    LOCAL = "local"
    NO_GRAD = "no_grad"
    ENABLE_GRAD = "enable_grad"
    SET_MESH = "set_current_mesh"
    # torch's LocalTensorMode (the runtime's tests): changes nothing the checker models; its
    # rank_map(cb) makes a new tensor
    LOCAL_TENSOR = "LocalTensorMode"


@dataclass(frozen=True)
class ContextVal:
    """A context manager the checker understands (``with`` changes the state)."""

    kind: ContextKind
    strict: bool | None = None  # typecheck(strict_mode=...)
    mesh: MeshVal | None = None  # set_current_mesh(...)
    site: str = ""  # where it was made: names a mesh whose axes are not known
    local: bool | None = None  # typecheck(local=...): None inherits the active mode's
    local_axes: frozenset[str] | None = frozenset()  # set_current_mesh(..., local_axes=...)


@dataclass(eq=False)
class FunctionVal:
    """A function of the workspace, analysed at each call for its argument types."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    unit: Unit
    qualname: str
    globals: dict[str, Value]
    closure: dict[str, Value] | None
    defaults: tuple[Value, ...] = ()
    kw_defaults: dict[str, Value] = field(default_factory=dict)
    opaque: bool = False  # an unknown decorator wraps it: calling it gives Unknown
    unchecked: bool = False  # @no_typecheck: its body runs with type checking off
    # register_no_typecheck(fn): nothing is checked while it runs, not even under a
    # typecheck() entered inside it (the runtime pauses on its code object on the stack)
    no_typecheck_frame: bool = False
    # register_local_backward_hook(fn): as a module backward hook it keeps the SPMD types
    local_backward_hook: bool = False
    contract: ContractVal | None = None  # @local_map(in_types=..., out_types=...)
    owner: ClassVal | None = None
    grad: bool | None = None  # @torch.no_grad() (False) / @torch.enable_grad() (True)
    # where it is defined, without lines (``places.py``)
    place: Place = ()

    @property
    def identity(self) -> FunctionIdentity:
        """What names the function across checks (its value is rebuilt by every check): its
        file, its own text (decorators included), its qualified name and its place. Its own
        text, not its unit's: a method is the same method while another method of its class
        is edited; its place, not its line: a function moved by a line added above it is the
        same function."""
        return (self.unit.path, self._source.digest, self.qualname, self.place)

    def mentions(self) -> frozenset[str]:
        """Every identifier its text mentions but the names it defines (``def``/``class``):
        names, attributes, keywords, words in strings; a superset of the globals it reads,
        of the attributes it reads and of the functions it calls. Read from the text, not
        the tree: walking every function's tree was a tenth of a cold check."""
        return self._source.mentions

    @cached_property
    def _source(self) -> _Source:
        """Its own text, read once per text (memoised by its unit's text and its place, and
        on this value: a check asks for it at every key that reaches the function)."""
        place = (self.unit.key, self.qualname, self.node.lineno)
        found = _SOURCES.get(place)
        if found is None:
            first = first_line(self.node) - 1
            last = self.node.end_lineno or self.node.lineno
            text = "\n".join(self.unit.lines[first:last])
            digest = hashlib.blake2b(
                text.encode("utf-8", "surrogatepass"), digest_size=12
            ).hexdigest()
            # by its text's digest too: a keystroke in one method of a class is a new unit
            # text for all of its methods, whose own texts did not change
            mentions = _MENTIONS.get(digest)
            if mentions is None:
                # interned: the same few names fill every function's set, and each findall
                # makes new strings (2.6 KiB a function, kept for the process)
                mentions = _MENTIONS.put(
                    digest, frozenset(map(sys.intern, _IDENTIFIER.findall(text)))
                )
            found = _SOURCES.put(place, _Source(digest, mentions))
        return found


@dataclass(frozen=True)
class _Source:
    digest: str  # of its text, decorators included
    mentions: frozenset[str]


# the file, a digest of the function's text, the qualified name, its place
FunctionIdentity = tuple[str, str, str, Place]
_IDENTIFIER = re.compile(r"(?<!def )(?<!class )\b[^\W\d]\w*")
# by its unit's text key, its qualified name and its line. A loaded module's functions keep
# theirs (the values live while the module's text does); this serves the modules a check
# runs again, the edited one and its dependents: every function of them at each keystroke
# (2,855 in the generated 50,000-line module: at 2,000 a generation the table turned over
# at every check, and the keystroke took 357 ms instead of 187)
_SOURCES: Memo[tuple[str, str, int], _Source] = Memo("function_texts", 10_000)
_MENTIONS: Memo[str, frozenset[str]] = Memo("function_mentions", 10_000)


@dataclass(frozen=True)
class ContractVal:
    """``local_map(in_types=..., out_types=...)``: checked inputs, stamped outputs.
    ``in_types`` None: ``Infer`` (inputs flow through unchecked)."""

    in_types: Value | None
    out_types: Value
    unchecked: bool = False  # no_typecheck(out_types=...): the body runs unchecked, not local


class Registration(Enum):
    NONE = "none"
    LOCAL = "local"  # register_local_autograd_function: the element-wise rule
    TYPECHECK = "typecheck"  # register_autograd_function: typecheck_forward or spmd_typecheck


# numbers objects in the order a check builds them (``sharing.py``: what a call wrote to is
# older than the call, or built by it)
_SERIALS = itertools.count()


def new_serial() -> int:
    """A number larger than every object's built so far, smaller than any built later's."""
    return next(_SERIALS)


@dataclass(eq=False)
class ClassVal:
    node: ast.ClassDef
    unit: Unit
    qualname: str
    methods: dict[str, FunctionVal] = field(default_factory=dict)
    bases: list[ClassVal] = field(default_factory=list)
    attributes: dict[str, Value] = field(default_factory=dict)
    autograd: bool = False  # a torch.autograd.Function
    registration: Registration = Registration.NONE
    decomposition: FunctionVal | None = None  # register_decomposition(cls, ref_impl)
    torch_module: str | None = None  # a torch.nn module the checker models (``torch.nn.Linear``)
    # @dataclass: the fields its generated __init__ takes, in order (None: not a dataclass)
    fields: tuple[str, ...] | None = None
    # a unittest TestCase whose bases are all read (workspace classes, checker models, or
    # unittest's own): its tests run under what its set-up enters and nothing else
    testcase: bool = False
    serial: int = field(default_factory=new_serial)  # as ``InstanceVal.serial``
    place: Place = ()  # where it is defined, without lines (``places.py``)

    def dataclass_fields(self) -> tuple[str, ...] | None:
        """The generated ``__init__``'s parameters, bases' fields first; None when neither
        this class nor a base is a dataclass."""
        inherited: list[str] = []
        found = self.fields is not None
        for base in self.bases:
            base_fields = base.dataclass_fields()
            if base_fields is not None:
                found = True
                inherited.extend(f for f in base_fields if f not in inherited)
        if not found:
            return None
        own = [f for f in self.fields or () if f not in inherited]
        return (*inherited, *own)

    def method(self, name: str) -> FunctionVal | None:
        """The method a call finds: this class first, then its workspace bases in order."""
        if name in self.methods:
            return self.methods[name]
        for base in self.bases:
            found = base.method(name)
            if found is not None:
                return found
        return None

    def attribute(self, name: str) -> Value | None:
        if name in self.attributes:
            return self.attributes[name]
        for base in self.bases:
            found = base.attribute(name)
            if found is not None:
                return found
        return None


@dataclass(frozen=True)
class ModuleHook:
    """A backward hook attached to a module (``register_full_backward_hook``; ``pre``:
    ``register_full_backward_pre_hook``). ``certain``: nothing the checker cannot see can
    register or detach it before the module runs (a script attached its own function, and
    dropped the handle)."""

    hook: Value
    pre: bool
    certain: bool


@dataclass(eq=False)
class InstanceVal:
    """An object of a workspace class; attributes tracked per instance."""

    cls: ClassVal
    attributes: dict[str, Value] = field(default_factory=dict)
    hooks: list[ModuleHook] = field(default_factory=list)  # its backward hooks, in order
    serial: int = field(default_factory=new_serial)


@dataclass(eq=False)
class ModuleVal:
    """A module of the workspace, loaded from its source (never imported)."""

    name: str
    path: str
    fingerprint: str  # its text and its imports' texts: changes when any of them does
    globals: dict[str, Value]


@dataclass(frozen=True)
class RegistrarVal:
    """``register_decomposition(cls)``: a decorator that registers the function it decorates
    as ``cls``'s reference implementation (and returns it)."""

    cls: ClassVal


@dataclass(frozen=True)
class BoundMethodVal:
    receiver: Value
    name: str


Value = Union[  # noqa: UP007 - a runtime alias
    _Unknown,
    TensorVal,
    TensorSeqVal,
    SymbolicVal,
    ScalarVal,
    TypedScalarVal,
    ShapeVal,
    ConstVal,
    AxisVal,
    MeshVal,
    TypeVal,
    TypeChoiceVal,
    TypeDictVal,
    PartitionSpecVal,
    PlacementVal,
    DTensorVal,
    TensorShardingVal,
    RefVal,
    TupleVal,
    ContextVal,
    ContractVal,
    FunctionVal,
    ClassVal,
    InstanceVal,
    ModuleVal,
    RegistrarVal,
    BoundMethodVal,
]


def type_dict(entries: dict[AxisVal, frozenset[AxisType]], rest: Rest | None = None) -> TypeDictVal:
    """A type dict from its entries (an axis with one possible type is an item)."""
    items = tuple((axis, next(iter(ts))) for axis, ts in entries.items() if len(ts) == 1)
    choices = tuple((axis, ts) for axis, ts in entries.items() if len(ts) > 1)
    return TypeDictVal(items, choices, rest)


def keyword_type_dict(kwargs: Mapping[str, Value]) -> Value:
    """``dict(dp=V, tp=R)``, or the ``**axes`` a function receives from ``f(dp=V, tp=R)``:
    a type dict keyed by axis names when every value is a type; Unknown otherwise."""
    entries: dict[AxisVal, frozenset[AxisType]] = {}
    for name, value in kwargs.items():
        options = type_options(value)
        if options is None:
            return UNKNOWN
        entries[AxisVal(name, "name")] = options
    return type_dict(entries)


def _type_options(value: TypeVal | TypeChoiceVal) -> frozenset[AxisType]:
    return frozenset({value.type}) if isinstance(value, TypeVal) else value.types


def type_options(value: Value) -> frozenset[AxisType] | None:
    """The types a type value may be (one for ``R``, several for ``P if sp else R``)."""
    if isinstance(value, (TypeVal, TypeChoiceVal)):
        return _type_options(value)
    return None


def join(a: Value, b: Value, ba: Bindings = NO_BINDINGS, bb: Bindings = NO_BINDINGS) -> Value:
    """The value that holds on both paths of a branch (each read through its path's
    bindings)."""
    if a is b or a == b:
        if isinstance(a, TensorVal) and isinstance(b, TensorVal) and a.origin != b.origin:
            return TensorVal(a.type, a.grad, None, a.ndim)
        return a  # a type that is the same on both paths stays (the bindings join apart)
    if isinstance(a, SymbolicVal) and isinstance(b, TensorVal):
        a = a.as_tensor() or a
    if isinstance(b, SymbolicVal) and isinstance(a, TensorVal):
        b = b.as_tensor() or b
    if isinstance(a, TensorVal) and isinstance(b, TensorVal):
        return TensorVal(
            join_types(a.type, b.type, ba, bb),
            a.grad if a.grad == b.grad else None,
            a.origin if a.origin == b.origin else None,
            a.ndim if a.ndim == b.ndim else None,
        )
    if isinstance(a, ScalarVal) and isinstance(b, ScalarVal):
        return ScalarVal(None)
    if isinstance(a, (TypeVal, TypeChoiceVal)) and isinstance(b, (TypeVal, TypeChoiceVal)):
        return TypeChoiceVal(_type_options(a) | _type_options(b))
    if isinstance(a, ConstVal) and isinstance(b, ConstVal):
        return UNKNOWN  # two different constants: which one is not known
    if isinstance(a, TupleVal) and isinstance(b, TupleVal) and len(a.items) == len(b.items):
        return TupleVal(tuple(join(x, y, ba, bb) for x, y in zip(a.items, b.items, strict=True)))
    if isinstance(a, TensorSeqVal) and isinstance(b, TensorSeqVal):
        element = join(a.element, b.element, ba, bb)
        return TensorSeqVal(element) if isinstance(element, TensorVal) else UNKNOWN
    return UNKNOWN
