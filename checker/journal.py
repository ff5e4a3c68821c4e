"""The cache of standalone function analyses: what one depends on, and what it recorded.

A standalone analysis (a function analysed with unknown parameters) is a pure function of
the function's text and place, the checker's state, and the values of the module-level
names it reads, recursively; ``CacheKeys`` computes that. Its ``Journal`` is everything it
recorded, replayed when the key is unchanged (DESIGN.md, "Incrementality").
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, Union

from .entry import BUILDS_SELF
from .frontend import VERIFY_INCREMENTAL, Unit, first_line
from .memo import Memo
from .places import makes_places
from .results import FactTable, HoverFacts, steps_of
from .skeleton import body_edits
from .values import (
    UNKNOWN,
    BoundMethodVal,
    ClassVal,
    ConstVal,
    FunctionIdentity,
    FunctionVal,
    InstanceVal,
    ModuleVal,
    PartitionSpecVal,
    PlacementVal,
    RefVal,
    RegistrarVal,
    ScalarVal,
    ShapeVal,
    TensorSeqVal,
    TensorShardingVal,
    TensorVal,
    TupleVal,
    TypedScalarVal,
    Value,
)

if TYPE_CHECKING:
    from .state import State


@dataclass
class Journal:
    """What one standalone analysis recorded, to replay when its inputs are unchanged."""

    entries: list[tuple[str, Any, Any]] = field(default_factory=list)
    facts: HoverFacts = field(default_factory=FactTable)
    # the functions it ran in context (a replay covers them: they are not analysed again on
    # their own, as the check that recorded it did not)
    covered: frozenset[FunctionIdentity] = frozenset()
    # the lines of the checked file it mentions (``relocate.journal_extent``: computed
    # when an edit first moves lines)
    extent: Extent | None = None
    # a template's journal (the build of the object a class's methods run on): what those
    # methods read of it (``CacheKeys.template_digest``), a part of their keys
    digest: Any = None


@dataclass(frozen=True)
class Extent:
    """Lines a journal mentions: stretches of consecutive lines, each moved by ``shift``
    (a journal that an edit moves whole is moved by its shift, not stretch by stretch)."""

    stretches: tuple[tuple[int, int], ...]
    shift: int = 0


Node = Union[FunctionVal, ClassVal]  # noqa: UP007 - a runtime alias

# With ``frontend.VERIFY_INCREMENTAL`` every carried signature a check adopts is recomputed
# from scratch at the end of the check, and a stale one is an internal error
# (``CacheKeys.verify_adopted``).
VERIFY_CARRIED = VERIFY_INCREMENTAL


@dataclass
class Carried:
    """The signatures of a file's own functions and classes, for its next check, by their
    own parts: each one's signature (None: not cacheable), the own parts of the nodes its
    values read, and the unit (text key, first line) that defines it. Every entry holds for
    ``units`` (not the units themselves: their trees stay in the parse cache's hands), given
    the same ``context`` (the path as keyed, the imported modules'
    fingerprints). The next check adopts the entries an edit inside function bodies cannot
    have changed (DESIGN.md, "Incrementality")."""

    units: tuple[tuple[str, int], ...]  # each unit's text key and first line
    context: tuple[Any, ...]
    signatures: dict[int, Any] = field(default_factory=dict)
    reads: dict[int, frozenset[int]] = field(default_factory=dict)
    unit_of: dict[int, int] = field(default_factory=dict)  # the defining unit's index
    # the nodes that read values a module level computes with places in them (a tensor's
    # origin, a mesh's site): their signatures hold lines, which an edit above moves
    placed: set[int] = field(default_factory=set)
    # the signatures of loaded modules' functions and classes, by id (the same object while
    # its module is loaded: its own part is its module's fingerprint and what this module's
    # level set on it), kept while no check writes a loaded object; and the nodes, held so
    # that no other object takes their ids. Two flat tables, not pairs: a run of the
    # command line keeps one per file, and a million small pairs cost its collections 12%.
    imported: dict[int, int] = field(default_factory=dict)
    imported_nodes: list[Node] = field(default_factory=list)


class _Uncacheable(Exception):
    """A value whose identity is not its text (an instance, a bound method)."""


class CacheKeys:
    """The cache keys of one check's standalone analyses: what each depends on is the
    function's text and place, the state a standalone analysis starts in, and the values
    (recursively, the texts) of the module-level names it reads. Signatures are memoised for
    the check (a module's functions read each other).

    Functions and classes refer to each other in cycles (a method and its class, functions
    that call each other), so signatures are computed per strongly connected component
    (Tarjan): every member's signature covers everything the component reaches. (Signing
    a method while its class was being signed, and keeping that, lost the class's other
    methods' names: an edit of a class another class's ``__init__`` builds then replayed
    the other class's methods as they were.)"""

    def __init__(
        self,
        path: str,
        state: State,
        quiet: bool = False,
        imported: Mapping[str, str] | None = None,
        fingerprint: Callable[[str], str | None] | None = None,
        foreign_written: Callable[[], bool] | None = None,
    ) -> None:
        # a quiet module's analyses record no diagnostics: not the same analyses
        self.path = (path, "quiet") if quiet else path
        self.checked = path
        self.quiet = quiet
        # the workspace modules the checked one imported, by path: their fingerprints (their
        # texts and everything they import) stand for their functions and classes, which
        # are then not walked (a key that reached an imported class walked half a framework)
        self.imported: Mapping[str, str] = imported if imported is not None else {}
        # the fingerprint of any other module the check loaded, by path (one the imported
        # ones import): it stands for its functions and classes too
        self.fingerprint = fingerprint or (lambda _path: None)
        self.state = state
        # the layouts of the meshes the module level built (an analysis may relate axis
        # names); set once the module level has run, before any key is asked for
        self.layouts: Any = ()
        # by id of a function or class, for this check (None: not cacheable)
        self.signatures: dict[int, Any] = {}
        # whether the check wrote an object a loaded module built (a class of it: its
        # members, in its own part, then differ from what an earlier check saw)
        self.foreign_written = foreign_written or (lambda: False)
        # what carries to the next check: the previous check's entries this edit cannot
        # have changed (``reuse``), and every signature computed here
        self.carried = Carried((), ())
        self.adopted = 0  # signatures taken from the previous check (tests, benchmarks)
        self.verifying: list[Node] = []  # the nodes adopted, when VERIFY_CARRIED
        self._context: tuple[Any, int] | None = None  # (layouts, path state and layouts)
        self.owns: dict[int, int] = {}  # ``own``, interned, by id, for this check
        self.units: list[Unit] = []  # the checked file's, given to ``reuse``
        self._unit_index: dict[int, int] | None = None
        self.headers: dict[int, int] = {}  # ``header``, likewise

    def key(self, function: FunctionVal, template: Any = None) -> Any:
        """The key of a function's standalone analysis; None: not cacheable. A method of a
        ``templated`` class is given its class's template digest."""
        if function.closure is not None:
            return None
        signature = self.signature(function)
        if signature is None:
            return None
        if template is not None:
            return (self._context_number(), signature, template)
        return (self._context_number(), signature)

    def _context_number(self) -> int:
        if self._context is None or self._context[0] is not self.layouts:
            # as one number: a check looks up thousands of keys, and a state hashes slowly
            self._context = (self.layouts, _interned((self.path, self.state, self.layouts)))
        return self._context[1]

    # -- the objects methods run on -------------------------------------------------------

    def templated(self, cls: ClassVal) -> bool:
        """Whether a class's methods are keyed by what its template holds rather than by the
        code that builds it: a class of the checked file that defines a method building
        ``self`` (``__init__``, ``setUp``...). Its template is built in a journal of its own
        (``Interpreter._template_journal``); an edit in that code that leaves the object as
        it was replays every method (a trainer's ``__init__`` calls a dozen helpers)."""
        return cls.unit.path == self.checked and any(name in cls.methods for name in BUILDS_SELF)

    def template_key(self, cls: ClassVal) -> Any:
        """The key of the journal that builds a templated class's object: its header and
        the code of every method that builds it (inherited ones too); None: not cacheable."""
        builders = []
        for name in sorted(BUILDS_SELF):
            method = cls.method(name)
            if method is None:
                continue
            signature = self.signature(method)
            if signature is None or method.closure is not None:
                return None
            builders.append((name, signature))
        return (self._context_number(), "template", self.own(cls), tuple(builders))

    def template_digest(self, receiver: InstanceVal, extra: tuple[Any, ...]) -> Any:
        """What a method analysed on its own reads of its class's template: the copy it runs
        on (``entry.receiver``), objects by content, tensors with their origins, functions
        and classes by signature (the receiver's own class by its header: its methods are
        read by name, as their keys say), and ``extra`` (the state, numbers and layouts the
        build left); None when some part cannot be named across checks."""
        try:
            described = _Objects(self).value(receiver)
        except _Uncacheable:
            return None
        return Digest((described, extra))

    def call_digest(self, env: Mapping[str, Value]) -> Digest | None:
        """What a call of the checked file's code reads of its bound arguments
        (``sharing.OwnCall``): values as ``template_digest`` names them, but every object's
        class by its signature (a method reads its receiver's class whole); None when some
        part cannot be named across checks."""
        objects = _Objects(self, receiver_by_header=False)
        try:
            described = tuple((name, objects.value(value)) for name, value in env.items())
        except _Uncacheable:
            return None
        return Digest(described)

    def signature(self, node: Node) -> Any:
        """A function's or a class's signature: equal signatures, equal texts of everything
        it reaches; None when it reaches a value that is not its text."""
        if id(node) not in self.signatures and not self.adopt(node):
            _Components(self).visit(node)
        return self.signatures[id(node)]

    # -- signatures carried from the previous check ---------------------------------------

    def context(self) -> tuple[Any, ...]:
        """What every carried signature assumes besides the units: the path as keyed and
        the fingerprints of the modules the module level imported."""
        return (self.path, tuple(sorted(self.imported.items())))

    def reuse(
        self,
        previous: Carried | None,
        units: list[Unit],
        ran: Iterable[Unit],
        tree: Callable[[str], ast.Module | None],
        nodes: Iterable[Node] = (),
    ) -> None:
        """Start from the previous check's signatures, without those an edit can have
        changed. Called once the module level has run (``ran``: the units of the functions
        it called; ``nodes``: the functions and classes it defined). Only when the edit is
        inside function bodies (``skeleton.body_edits``) that the module level did not run,
        with the same context: the module level then did what it did before, so a node
        changed only if it is defined in an edited unit and its own part is not one the
        module level defined again (a method typed into: the class's other methods, in the
        same unit, are as they were), or it reads (transitively) one that changed. ``tree``:
        a unit text's tree, if at hand."""
        self.units, self._unit_index = units, None
        places = tuple((unit.key, unit.start_line) for unit in units)
        self.carried = Carried(places, self.context())
        if previous is None or previous.context != self.carried.context:
            return
        edits = body_edits(previous.units, units, tree)
        if edits is None:
            return
        edited = {id(new) for _, new in edits}
        if any(id(unit) in edited for unit in ran):
            return
        edited_units = {index for index, _ in edits}
        again = {self.own(node) for node in nodes if self.unit_index(node.unit) in edited_units}
        changed = {
            own
            for own, index in previous.unit_of.items()
            if index in edited_units and own not in again
        }
        if any(
            (key != unit.key or start != unit.start_line) and makes_places(unit)
            for (key, start), unit in zip(previous.units, units, strict=True)
        ):
            # a value the module level made may have moved (lines added above it, spaces
            # in its statement: not in a skeleton), and with it the places it holds
            changed |= previous.placed
        readers: dict[int, list[int]] = {}
        for reader, read in previous.reads.items():
            for own in read:
                readers.setdefault(own, []).append(reader)
        pending = list(changed)
        while pending:
            for reader in readers.get(pending.pop(), ()):
                if reader not in changed:
                    changed.add(reader)
                    pending.append(reader)
        self.carried = Carried(
            places,
            self.carried.context,
            _without(previous.signatures, changed),
            _without(previous.reads, changed),
            _without(previous.unit_of, changed),
            previous.placed - changed,
            dict(previous.imported),  # they read nothing of this module's
            list(previous.imported_nodes),
        )

    def adopt(self, node: Node) -> bool:
        """Give a node its carried signature, if it has one."""
        if node.unit.path != self.checked:
            signature = self.carried.imported.get(id(node))
            if signature is None or self.foreign_written():
                return False
        else:
            own = self.own(node)
            if own not in self.carried.signatures:
                return False
            signature = self.carried.signatures[own]
        self.signatures[id(node)] = signature
        self.adopted += 1
        if VERIFY_CARRIED:
            self.verifying.append(node)
        return True

    def record(self, node: Node, targets: list[Node], placed: bool) -> None:
        """Carry a signature computed in this check, with what it read (``placed``: values
        that may hold places, ``_holds_places``)."""
        if node.unit.path != self.checked:
            signature = self.signatures[id(node)]
            if (
                isinstance(signature, int)
                and self.foreign(node) is not None
                and not self.foreign_written()
            ):
                if id(node) not in self.carried.imported:
                    self.carried.imported_nodes.append(node)
                self.carried.imported[id(node)] = signature
            return
        own = self.own(node)
        carried = self.carried
        carried.signatures[own] = self.signatures[id(node)]
        carried.reads[own] = frozenset(
            self.own(target) for target in targets if target.unit.path == self.checked
        )
        carried.unit_of[own] = self.unit_index(node.unit)
        if placed:
            carried.placed.add(own)
        else:
            carried.placed.discard(own)

    def unit_index(self, unit: Unit) -> int:
        """The index of a unit of the checked file (-1: not one of this check's units)."""
        if self._unit_index is None:
            self._unit_index = {id(u): index for index, u in enumerate(self.units)}
        return self._unit_index.get(id(unit), -1)

    def verify_adopted(self) -> None:
        """Every adopted signature is the one computed from scratch (tests)."""
        fresh = CacheKeys(self.checked, self.state, self.quiet, self.imported, self.fingerprint)
        fresh.layouts = self.layouts
        for node in self.verifying:
            if fresh.signature(node) != self.signatures[id(node)]:
                raise AssertionError(f"carried signature of {node.qualname} is stale")

    # -- what a node is made of -----------------------------------------------------------

    def own(self, node: Node) -> Any:
        """A node's own text, place (``places.py``: not its line) and name, and what calls
        elsewhere in the module registered for it (``register_no_typecheck(fn)``, a class's
        registration). A method's is its own text and its class's header, not its class's
        whole text: an edit of one method leaves the others' keys as they were."""
        known = self.owns.get(id(node))
        if known is None:
            own: tuple[Any, ...]
            if isinstance(node, FunctionVal):
                owner = None if node.owner is None else self.header(node.owner)
                own = (node.identity, node.no_typecheck_frame, node.local_backward_hook, owner)
            else:
                own = (self.header(node),)
            fingerprint = self.foreign(node)
            if fingerprint is not None and isinstance(node, ClassVal):
                # what this module's level may have set on an imported class (a
                # registration, an attribute): its members' own parts, not their graphs
                own = (own, self.members(node))
            if fingerprint is not None:
                own = ("imported", fingerprint, own)
            # as a number: every description that holds it hashes an int, not the texts
            known = self.owns[id(node)] = _interned(own)
        return known

    def header(self, cls: ClassVal) -> Any:
        """A class apart from its members: its decorators and ``class`` line, and what the
        module made of it (registrations, dataclass fields, what it is a model of)."""
        known = self.headers.get(id(cls))
        if known is not None:
            return known
        known = self.headers[id(cls)] = _interned(
            (
                "class",
                cls.unit.path,
                _header_text(cls),
                cls.place,
                cls.qualname,
                cls.registration,
                cls.autograd,
                cls.torch_module,
                cls.fields,
                cls.testcase,
            )
        )
        return known

    def foreign(self, node: Node) -> str | None:
        """The fingerprint of the loaded module a node belongs to (one the checked module
        imported, or one those import); None: it is the checked module's, or of a module
        the check did not load (walked as its own)."""
        path = node.unit.path
        if path == self.checked:
            return None
        found = self.imported.get(path)
        return found if found is not None else self.fingerprint(path)

    def members(self, cls: ClassVal) -> tuple[tuple[str, Any], ...]:
        """An imported class's methods and attributes, nodes by their own parts only."""
        found = []
        for name, value in [*sorted(cls.methods.items()), *sorted(cls.attributes.items())]:
            if isinstance(value, (FunctionVal, ClassVal)):
                found.append((name, self.own(value)))
            else:
                found.append((name, self.describe(value, self.own)))
        return tuple(found)

    def values(self, node: Node) -> list[tuple[str, Value]]:
        """What a node reads, named. A function: the module-level names it mentions (of its
        own module), and for a method, its class's bases, the members it mentions and the
        ones that build ``self`` (its standalone analysis runs on the object they build). A
        class: its bases, methods, attributes and registered decomposition. An imported
        module's: nothing (its fingerprint, in its own part, covers what it reads)."""
        if self.foreign(node) is not None:
            return []
        if isinstance(node, FunctionVal):
            read: list[tuple[str, Value]] = []
            mentions = node.mentions()
            owner = node.owner
            if owner is not None:
                read.extend(("base", base) for base in owner.bases)
                # a templated class's methods read its builders through the template's
                # digest, in their keys (``templated``)
                builds = frozenset() if self.templated(owner) else BUILDS_SELF
                for name in sorted(mentions | builds):
                    if name in owner.methods:
                        read.append((f".{name}", owner.methods[name]))
                    elif name in owner.attributes:
                        read.append((f".{name}", owner.attributes[name]))
                if owner.decomposition is not None:
                    read.append(("decomposition", owner.decomposition))
            names = node.globals  # an imported function reads its own module's globals
            read.extend((n, names[n]) for n in sorted(mentions) if n in names)
            return read
        read = [("base", base) for base in node.bases]
        read += [*sorted(node.methods.items()), *sorted(node.attributes.items())]
        if node.decomposition is not None:  # registered elsewhere in the module
            read.append(("decomposition", node.decomposition))
        return read

    def nodes(self, value: Value, found: list[Node]) -> None:
        """The functions and classes a value is or holds, into ``found``; raises
        _Uncacheable as ``describe`` does."""
        if isinstance(value, (FunctionVal, ClassVal)):
            found.append(value)
        elif isinstance(value, RegistrarVal):
            found.append(value.cls)
        elif isinstance(value, TensorSeqVal):
            self.nodes(value.element, found)
        elif isinstance(value, TupleVal):
            for item in value.items:
                self.nodes(item, found)
        elif isinstance(value, (InstanceVal, BoundMethodVal)):
            raise _Uncacheable()

    def describe(self, value: Value, node: Callable[[Node], Any]) -> Any:
        """A value as a key's part: functions and classes as ``node`` says; raises
        _Uncacheable for a value whose identity is not its text."""
        if isinstance(value, (FunctionVal, ClassVal)):
            return node(value)
        if isinstance(value, TensorVal):
            return (
                "tensor",
                value.type,
                value.grad,
                value.origin,
                value.ndim,
                value.spec,
                value.shape,
            )
        if isinstance(value, RegistrarVal):  # holds a class: as the class, not its object
            return ("registrar", node(value.cls))
        if isinstance(value, TensorSeqVal):
            return ("seq", self.describe(value.element, node))
        if isinstance(value, TupleVal):
            return ("tuple", tuple(self.describe(item, node) for item in value.items))
        if isinstance(value, ModuleVal):
            return ("module", value.path, value.fingerprint)
        if isinstance(value, (InstanceVal, BoundMethodVal)):
            raise _Uncacheable()
        return value


class Digest:
    """A template's digest as a part of keys: its description, hashed once. Not interned
    (the intern table would hold every class's description: 29 MB over the generated
    workspace's command-line run); the template's journal and its methods' keys hold the
    same object, so a lookup that finds one compares by identity first."""

    __slots__ = ("_hash", "described")

    def __init__(self, described: tuple[Any, ...]) -> None:
        self.described = described
        self._hash = hash(described)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return self is other or (
            isinstance(other, Digest)
            and self._hash == hash(other)
            and self.described == other.described
        )


class _Objects:
    """One ``template_digest``: values as keys' parts, objects by content (an object met
    again by its first index: objects hold each other)."""

    def __init__(self, keys: CacheKeys, receiver_by_header: bool = True) -> None:
        self.keys = keys
        self.seen: dict[int, int] = {}
        # the first object met is a template's receiver: its class named by its header
        self.receiver_by_header = receiver_by_header

    def value(self, value: Value) -> Any:
        if isinstance(value, InstanceVal):
            index = self.seen.get(id(value))
            if index is not None:
                return ("again", index)
            first = not self.seen
            self.seen[id(value)] = len(self.seen)
            by_header = first and self.receiver_by_header
            cls = self.keys.own(value.cls) if by_header else self.node(value.cls)
            return (
                "object",
                cls,
                tuple((name, self.value(v)) for name, v in value.attributes.items()),
                tuple((self.value(h.hook), h.pre, h.certain) for h in value.hooks),
            )
        if isinstance(value, TensorVal):
            steps = tuple((o.span, o.description, o.path) for o in steps_of(value.origin))
            return ("tensor", value, steps, value.ndim)
        if isinstance(value, TupleVal):
            return ("tuple", tuple(self.value(item) for item in value.items))
        if isinstance(value, TensorSeqVal):
            return ("seq", self.value(value.element))
        if isinstance(value, BoundMethodVal):
            return ("bound", self.value(value.receiver), value.name)
        if isinstance(value, (FunctionVal, ClassVal)):
            return self.node(value)
        if isinstance(value, RegistrarVal):
            return ("registrar", self.node(value.cls))
        if isinstance(value, ModuleVal):
            return ("module", value.path, value.fingerprint)
        try:
            hash(value)
        except TypeError:
            raise _Uncacheable() from None
        return value

    def node(self, node: Node) -> Any:
        if isinstance(node, FunctionVal) and node.closure is not None:
            raise _Uncacheable()  # what it does depends on the cells it closes over
        signature = self.keys.signature(node)
        if signature is None:
            raise _Uncacheable()
        return signature


class _Components:
    """One run of Tarjan's algorithm from a node: signs every component it reaches that
    has no signature yet, successors first (a component's references outside it are
    signed when it is)."""

    def __init__(self, keys: CacheKeys) -> None:
        self.keys = keys
        self.index: dict[int, int] = {}
        self.low: dict[int, int] = {}
        self.stack: list[Node] = []
        self.on_stack: set[int] = set()
        self.read: dict[int, list[tuple[str, Value]]] = {}  # CacheKeys.values, per node
        self.targets: dict[int, list[Node]] = {}  # the nodes those values are or hold

    def visit(self, node: Node) -> None:
        key = id(node)
        self.index[key] = self.low[key] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(key)
        read = self.read[key] = self.keys.values(node)
        targets: list[Node] = []
        try:
            for _, value in read:
                self.keys.nodes(value, targets)
        except _Uncacheable:
            pass  # signed None with its component
        self.targets[key] = targets
        for target in targets:
            other = id(target)
            if other in self.keys.signatures or self.keys.adopt(target):
                continue
            if other not in self.index:
                self.visit(target)
                self.low[key] = min(self.low[key], self.low[other])
            elif other in self.on_stack:
                self.low[key] = min(self.low[key], self.index[other])
        if self.low[key] == self.index[key]:
            members: list[Node] = []
            while True:
                member = self.stack.pop()
                self.on_stack.discard(id(member))
                members.append(member)
                if member is node:
                    break
            self.sign(members)

    def sign(self, members: list[Node]) -> None:
        keys, signatures = self.keys, self.keys.signatures
        inside = {id(m) for m in members}

        def node(target: Node) -> Any:
            if id(target) in inside:
                return ("in", keys.own(target))
            signature = signatures.get(id(target))
            if signature is None:
                raise _Uncacheable()
            return signature

        try:
            described = [
                _interned(
                    (
                        keys.own(member),
                        tuple(
                            (name, keys.describe(value, node))
                            for name, value in self.read[id(member)]
                        ),
                    )
                )
                for member in members
            ]
        except _Uncacheable:
            for member in members:
                signatures[id(member)] = None
        else:
            if len(members) == 1:
                signatures[id(members[0])] = described[0]
            else:
                # the members' descriptions as numbers: sorted, the same set in any order
                component = _interned(("component", tuple(sorted(described))))
                for member in members:
                    signatures[id(member)] = _interned((keys.own(member), component))
        for member in members:
            placed = any(_holds_places(value) for _, value in self.read[id(member)])
            keys.record(member, self.targets[id(member)], placed)


_T = TypeVar("_T")

# by unit text and line: a check signs every class it reaches
_HEADERS: Memo[tuple[str, int], str] = Memo("class_headers", 10_000)


def _header_text(cls: ClassVal) -> str:
    """A class's decorators and ``class`` line; memoised (a check signs every class, and
    splitting its unit into lines was most of that)."""
    node, unit = cls.node, cls.unit
    if not hasattr(node, "lineno"):
        return ""  # a class the checker made (a modelled ``torch.nn.Linear``): no text
    place = (unit.key, node.lineno)
    found = _HEADERS.get(place)
    if found is None:
        first = first_line(node) - 1
        last = max(first + 1, node.body[0].lineno - 1) if node.body else first + 1
        found = _HEADERS.put(place, "\n".join(unit.lines[first:last]))
    return found


# values that hold no place of the checked file (no origin, no site, no root of one)
_PLACELESS = (
    FunctionVal,
    ClassVal,
    RegistrarVal,
    ModuleVal,
    ConstVal,
    RefVal,
    ScalarVal,
    TypedScalarVal,
    ShapeVal,
    PlacementVal,
    PartitionSpecVal,
    TensorShardingVal,
)


def _holds_places(value: Value) -> bool:
    """Whether a value read by a node may hold a place of the file: a tensor's origin, a
    mesh's or context's site, a root named by one. Anything not known to hold none."""
    if isinstance(value, TupleVal):
        return any(_holds_places(item) for item in value.items)
    return not (value is UNKNOWN or isinstance(value, _PLACELESS))


def _without(table: dict[int, _T], owns: set[int]) -> dict[int, _T]:
    kept = dict(table)
    for own in owns:
        kept.pop(own, None)
    return kept


# Signatures of functions and classes, interned as numbers: a key is then a short tuple,
# cheap to hash on every lookup, where the nested signature it stands for is not. A check
# interns a few signatures per function and class it reaches, in each context (15,000 for
# the generated 50,000-line module); the open files' are asked for at every keystroke and
# stay in the young generation. A table smaller than a check's working set would drop
# numbers that stored keys hold, and every keystroke would miss every journal. Numbers are
# never reused: a signature dropped from the table and met again gets a new number, and the
# keys that held the old one just miss. (Tokens held weakly, alive exactly while a key held
# them, bounded the table better but their deaths cost spikes: 10k module keystroke p95 85
# -> 96-136 ms in process, bench/lsp/profile_edit.py.)
_INTERNED: Memo[tuple[Any, ...], int] = Memo("interned_signatures", 50_000)
_NUMBERS = itertools.count(1)


def _interned(signature: tuple[Any, ...]) -> int:
    number = _INTERNED.get(signature)
    if number is None:
        number = _INTERNED.put(signature, next(_NUMBERS))
    return number
