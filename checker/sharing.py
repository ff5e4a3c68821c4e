"""Calls that stand for other calls: what lets ``Interpreter.invoke`` and construction
skip running code whose outcome it already has (DESIGN.md, "Calls shared between objects
built alike").

The identity memo names an object by identity: two layers built by the same constructor
with the same arguments are two objects, so a driver that runs a model analysed
``ColumnParallelLinear.forward`` once per layer, each time to the same result.
``shape_of`` names an object by what the analysis can read of it (its class, its
attributes, its hooks, recursively), and the interpreter keeps, besides the identity memo:

- shared calls and constructions (``SharedCall``, ``fresh_copy``): within a check, a call
  on objects of the same shape takes the first one's result;
- settled calls: a call that wrote only what its objects already held (a lazily built
  attribute) is taken again on the same objects while they hold the same;
- kept calls (``KeptCalls``): calls into another file's code, across checks and files;
- own calls (``OwnCall``): calls of the checked file's code that open a sharing scope
  (``Interpreter._opens_scope``: nothing memoised outside it is taken inside, nor the
  reverse), across checks of that file while its lines stay where they were.

All of it rests on ``Watch``: a call stands for another only if it changed nothing a
later statement could see (``WriteLog`` tracks every write by the written object's
``serial``) and hands out no object of its own (``portable``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from .results import Origin
from .sink import CallRecord, Report
from .values import (
    BoundMethodVal,
    ClassVal,
    FunctionVal,
    InstanceVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    Value,
)

# objects and attributes followed to name one argument: past this, the call is not shared
_NODE_LIMIT = 2_000
_DEPTH_LIMIT = 8


@dataclass(frozen=True)
class Findings:
    """What a call of another file's code found when it ran inside a capture (``KeptCall``
    keeps the same): the errors it reported, the tensors whose type it stated, and the
    caller's values it used as numbers. A memoised call taken inside another such capture
    gives them to it, as if it ran there (``Interpreter._took``)."""

    reports: tuple[Report, ...]
    declared: tuple[Value, ...]
    numbers: frozenset[str]


@dataclass(frozen=True)
class SharedCall:
    """What a call gave: its result, its in-place effects on its arguments (by parameter
    name), whether it raises on every path, and the objects it wrote to (each write left
    what was there: taking the call again writes them again, to the same values)."""

    result: Value
    effects: dict[str, Value]
    raised: bool
    written: tuple[object, ...] = ()
    # the origins of the tensors its arguments held (``shape_of``): a call that takes it
    # gets its values rebased to its own arguments' (``rebase.Rebase``)
    origins: tuple[Origin | None, ...] = ()
    # its result is a pristine copy of the objects the call built (``fresh``), handed out
    # as copies
    fresh: bool = False
    # what it found, when it ran inside a capture of other files' code
    findings: Findings | None = None


NOTHING_WRITTEN = sys.maxsize
# the serial a write to something not numbered counts as (a function's flags): older than
# every object
_SHARED = -1


class WriteLog:
    """The oldest object written to since a mark (by ``serial``: a call that wrote only to
    objects it built itself changed nothing its caller can see, except through what it
    returns), and whether the check wrote to an object it did not build (a loaded module's:
    loaded modules outlive a check).

    It also puts back what was written (``Undo``): what the check wrote to objects it did
    not build, when the check ends (another check, of this file or another, must find a
    loaded module as loaded), and what one standalone analysis wrote to objects older than
    it, when it ends (``isolated``: an analysis must not see what another one wrote, or its
    result would depend on what ran before it, and a replay would differ from a run)."""

    def __init__(self, start: int) -> None:
        self.oldest = NOTHING_WRITTEN
        self._start = start  # the serial the check started at
        self._loaded: list[tuple[int, int]] = []  # serials of modules loaded meanwhile
        self.wrote_foreign = False
        # every object written, in order (kept alive for the check: ids stay theirs)
        self._owners: list[object] = []
        self._check = Undo()  # objects the check did not build, as they were
        self._analysis: Undo | None = None  # objects older than the analysis, as they were
        self._analysis_start = 0

    def foreign_written(self) -> bool:
        """Whether the check wrote to an object it did not build."""
        return self.wrote_foreign

    def built_here(self, serial: int) -> bool:
        """Whether the object of that serial was built by this check's own code (not before
        it, not by a module it loaded)."""
        return serial >= self._start and not any(a <= serial <= b for a, b in self._loaded)

    def loaded(self, first: int, last: int) -> None:
        """The objects numbered from ``first`` to ``last`` were built by a module loaded
        during the check: not the check's own."""
        if last - first > 1:
            self._loaded.append((first, last))

    def built_class(self) -> None:
        """A class statement ran: no call that ran one is shared (alike callers would get
        one class object, and what one writes to it the other would see)."""
        self.oldest = _SHARED

    @property
    def count(self) -> int:
        """How many writes so far (a mark for ``owners_since``)."""
        return len(self._owners)

    def owners_since(self, count: int) -> list[object]:
        """The objects written since ``count`` was read, in order."""
        return self._owners[count:]

    def write(self, owner: object) -> None:
        """``owner`` is about to change in place (an instance, a class, a function's flags):
        called before the change, so that it can be put back."""
        self._owners.append(owner)
        serial = owner.serial if isinstance(owner, (InstanceVal, ClassVal)) else _SHARED
        if serial < self.oldest:
            self.oldest = serial
        if self._analysis is not None and serial < self._analysis_start:
            self._analysis.keep(owner)
        if not self.built_here(serial):
            self.wrote_foreign = True
            self._check.keep(owner)

    @contextmanager
    def isolated(self, start: int) -> Iterator[None]:
        """One standalone analysis (started at serial ``start``): what it writes to older
        objects is put back when it ends."""
        self._analysis, self._analysis_start = Undo(), start
        try:
            yield
        finally:
            undo, self._analysis = self._analysis, None
            undo.put_back()

    def put_back(self) -> None:
        """The check ends: what it wrote to objects it did not build is put back."""
        self._check.put_back()
        self._check = Undo()

    def begin(self) -> int:
        """Start watching; give ``end`` what it returns."""
        saved, self.oldest = self.oldest, NOTHING_WRITTEN
        return saved

    def end(self, saved: int) -> int:
        """The oldest object written since ``begin`` (the outer watch sees it too)."""
        inner = self.oldest
        self.oldest = min(saved, inner)
        return inner


@dataclass
class Watch:
    """What a watched call did (``Interpreter._watching``), set when it ends. ``kept_state``:
    it built no mesh, and left the state and the entered contexts as it found them.
    ``quiet``: that, and it wrote only to objects it built; only then may one call stand
    for another, alike one. ``written``: every object it wrote to, in order."""

    quiet: bool = False
    kept_state: bool = False
    written: list[object] = field(default_factory=list)


def settled(
    watch: Watch,
    env: dict[str, Value],
    before: tuple[Any, ...] | None,
    built_before: int,
    gave: Iterable[Value],
) -> bool:
    """Whether a call that wrote changed nothing after all: it kept the state, wrote only
    to objects its arguments hold, and they hold what they held before (``shape_of``), and
    neither they nor what it ``gave`` (its result, its effects) hold an object the call
    built (``built_before``: the first serial it could give; a new object in place of an
    alike one is not the same object). A lazily built attribute (``if self.mesh is None:
    self.build()``) is such a call from its second time on."""
    if before is None or not watch.kept_state or holds_new_object(gave, built_before):
        return False
    held = _objects_in(env.values(), built_before)
    if held is None or any(id(owner) not in held for owner in watch.written):
        return False
    return shape_of(env) == before


class LoggedSet(set[str]):
    """A set that remembers every ``add`` (and ``update``), in order, even of what it holds
    already: a kept call records what it added, not what was new to the check it ran in.
    It only grows (its size names its content within one analysis)."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        super().__init__(known)
        self.added: list[str] = []

    def add(self, item: str) -> None:
        self.added.append(item)
        super().add(item)

    def update(self, *others: Iterable[str]) -> None:
        for other in others:
            for item in other:
                self.add(item)


class Undo:
    """What written objects held before their first write, to put back: an object's
    attributes and hooks, a class's attributes and methods, a function's flag."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[object, tuple[Any, ...]]] = {}

    def keep(self, owner: object) -> None:
        if id(owner) in self._kept:
            return  # the first write's: what it held before any
        if isinstance(owner, InstanceVal):
            state: tuple[Any, ...] = (dict(owner.attributes), list(owner.hooks))
        elif isinstance(owner, ClassVal):
            state = (dict(owner.attributes), dict(owner.methods))
        elif isinstance(owner, FunctionVal):
            state = (owner.local_backward_hook,)
        else:
            return
        self._kept[id(owner)] = (owner, state)

    def put_back(self) -> None:
        for owner, state in self._kept.values():
            if isinstance(owner, InstanceVal):
                owner.attributes.clear()
                owner.attributes.update(state[0])
                owner.hooks[:] = state[1]
            elif isinstance(owner, ClassVal):
                owner.attributes.clear()
                owner.attributes.update(state[0])
                owner.methods.clear()
                owner.methods.update(state[1])
            elif isinstance(owner, FunctionVal):
                owner.local_backward_hook = state[0]
        self._kept.clear()


@dataclass(frozen=True)
class KeptCall:
    """A call into another file's code as a check saw it: what ``SharedCall`` keeps, and
    what the caller's check must record again when it takes the call instead of running
    it: the errors found in that code (reported again, with this check's call site), the
    tensors whose type it stated, and the caller's values it used as numbers (every one it
    used, whether or not the check knew it already)."""

    result: Value
    effects: dict[str, Value]
    raised: bool
    reports: tuple[Report, ...]
    declared: tuple[Value, ...]
    numbers: frozenset[str]
    # the origins of the tensors its arguments held (``shape_of``): its values are given to
    # a later call with that call's (``rebase.Rebase``)
    origins: tuple[Origin | None, ...] = ()
    # its result is a pristine copy of the objects the call built (a construction's object,
    # or a factory's: ``fresh``), handed out as copies
    fresh: bool = False


@dataclass(frozen=True)
class OwnCall:
    """A call of the checked file's code as a check saw it, for the next checks of that
    file (``Interpreter._own_call_key``, kept by the analyzer with the path's journals):
    what ``SharedCall`` keeps, everything it recorded (``sink.CallRecord``: a taken call
    records it again), the tensors whose type it stated, the caller's values it used as
    numbers, and the statements it ran (charged to the analysis that takes it)."""

    result: Value
    effects: dict[str, Value]
    raised: bool
    record: CallRecord
    declared: tuple[Value, ...]
    numbers: frozenset[str]
    steps: int
    # its result is a pristine copy of objects it built (a construction's object, a
    # factory's: ``fresh``), handed out as copies with the taking check's classes
    fresh: bool = False


def same_own_call(one: OwnCall, other: OwnCall, described: Callable[[Value], Any]) -> bool:
    """Whether two runs of a call of the checked file's code found the same (values as
    ``described`` names them across checks: their classes are each check's own)."""
    return (
        described(one.result) == described(other.result)
        and {k: described(v) for k, v in one.effects.items()}
        == {k: described(v) for k, v in other.effects.items()}
        and (one.raised, one.declared, one.numbers) == (other.raised, other.declared, other.numbers)
        and one.record.entries == other.record.entries
        and one.record.facts == other.record.facts
        and one.record.covered == other.record.covered
    )


def same_call(one: KeptCall, other: KeptCall) -> bool:
    """Whether two runs of a call found the same (objects compared by what they hold)."""
    return (
        shape_of({"": one.result}) == shape_of({"": other.result})
        and shape_of(one.effects) == shape_of(other.effects)
        and (one.raised, one.reports, one.declared, one.numbers)
        == (other.raised, other.reports, other.declared, other.numbers)
    )


class KeptCalls:
    """Calls into other files' code, kept by the analyzer across checks and files.

    A loaded module's functions and classes are the same objects for as long as its text
    and its imports' texts are (``analysis._Loader``), so a call into them with arguments
    of the same shape (``shape_of``: it holds what it names, so no key outlives its
    objects) in the same state runs the same code on the same values. Only quiet calls
    are kept (``Watch``), whose result and effects hold no object, that recorded nothing
    for the checked file itself (a callback into it), in a check that wrote no object it
    did not build (a loaded module's, written, would stay written for the next check).
    The analyzer drops them all when a module is loaded again in place of another."""

    LIMIT = 10_000  # calls kept; past it, all are dropped

    def __init__(self) -> None:
        # by the callee's file: the module globals its calls were kept under, and the calls
        # (a module loaded again drops its file's calls, and the objects they hold)
        self._files: dict[str, tuple[dict[str, Value], dict[tuple[Any, ...], KeptCall]]] = {}
        self._count = 0
        self._lock = threading.Lock()  # the server's checks may run on two threads

    def get(self, function: FunctionVal, key: tuple[Any, ...]) -> KeptCall | None:
        found = self._files.get(function.unit.path)
        if found is None or found[0] is not function.globals:
            return None
        return found[1].get(key)

    def keep(self, function: FunctionVal, key: tuple[Any, ...], call: KeptCall) -> None:
        with self._lock:
            if self._count >= self.LIMIT:
                self._files.clear()
                self._count = 0
            path = function.unit.path
            found = self._files.get(path)
            if found is None or found[0] is not function.globals:
                if found is not None:
                    self._count -= len(found[1])
                found = self._files[path] = (function.globals, {})
            if key not in found[1]:
                self._count += 1
            found[1][key] = call

    def clear(self) -> None:
        with self._lock:
            self._files.clear()
            self._count = 0

    def __len__(self) -> int:
        return self._count


class _Unnamed(Exception):
    """An argument too deep or too large to name cheaply (or cyclic), or one not to name."""


def shape_of(
    env: dict[str, Value],
    excluded: Callable[[Value], bool] | None = None,
    origins: list[Origin | None] | None = None,
) -> tuple[Any, ...] | None:
    """The bound arguments as the analysis can read them, objects by content; None when one
    is too large or cyclic to name, or names a class or function ``excluded`` says not to
    name. ``origins``, if given, gets the origin of every tensor named, in the order named
    (two equal shapes name their tensors in one order)."""
    walk = _Walk(excluded, origins)
    try:
        shape = tuple((name, walk.shape(value, 0)) for name, value in env.items())
        hash(shape)
    except (_Unnamed, TypeError):
        return None
    return shape


def argument_origins(env: dict[str, Value]) -> tuple[Origin | None, ...]:
    """The origins of the tensors the arguments are or hold in tuples, in order: what a
    memoised call's values are rebased from (``rebase.Rebase``). Not those objects hold:
    the identity memo names an object by identity, so its tensors are the same."""
    found: list[Origin | None] = []
    pending = list(reversed(env.values()))
    while pending:
        value = pending.pop()
        if isinstance(value, TensorVal):
            found.append(value.origin)
        elif isinstance(value, TensorSeqVal):
            found.append(value.element.origin)
        elif isinstance(value, TupleVal):
            pending.extend(reversed(value.items))
    return tuple(found)


def holds_object(env: dict[str, Value]) -> bool:
    """Whether an argument is (or holds) an object: the only case the structural key adds
    anything to the identity key."""
    return any(_holds_object(value) for value in env.values())


def portable(value: Value) -> bool:
    """Whether a value can be handed to another call's caller: it holds no object (an object
    would be the first caller's, and a later write to it would reach the wrong one)."""
    return not _holds_object(value)


def built_alone(instance: InstanceVal) -> bool:
    """Whether every object the instance holds (itself included) was built after it (by
    its construction): a copy of it then shares nothing with anything else."""
    return _built_from(instance, instance.serial, None)


def fresh(value: Value, built_before: int) -> bool:
    """Whether a call's result holds objects, every one of them built by the call (from
    ``built_before`` on), with no hook holding an object and no closure: a factory's new
    object. After a quiet call nothing else holds them, so a copy of them is what running
    the call again gives (kept as a pristine copy, handed out as copies: ``copy_value``)."""
    return _holds_object(value) and _built_from(value, built_before, _NODE_LIMIT)


def _built_from(value: Value, serial: int, limit: int | None) -> bool:
    """Whether every object the value holds was built from ``serial`` on (at most ``limit``
    of them), with no hook holding an object and no closure: a copy of them shares nothing
    with anything else."""
    seen = 0
    for reached in _reached([value]):
        if isinstance(reached, InstanceVal):
            seen += 1
            if (
                (limit is not None and seen > limit)
                or reached.serial < serial
                or any(_holds_object(h.hook) for h in reached.hooks)
            ):
                return False  # a hook is copied as it is: one on an object would be shared
        elif isinstance(reached, FunctionVal) and reached.closure is not None:
            return False  # its closure is not copied
    return True


def copy_value(value: Value) -> Value:
    """A value with every object it holds copied once (a fresh result handed out again)."""
    return copy_objects(value, {})


def own_code(path: str, log: WriteLog) -> Callable[[Value], bool]:
    """Whether a class or function is the checked file's (``path``): a class its check
    built, a function of that file. A kept call naming one could only be found again in
    this check (the next one builds them anew), and would keep them alive."""

    def own(value: Value) -> bool:
        if isinstance(value, ClassVal):
            return log.built_here(value.serial)
        return isinstance(value, FunctionVal) and value.unit.path == path

    return own


def holds_new_object(values: Iterable[Value], built_before: int) -> bool:
    """Whether the values hold an object built from ``built_before`` on (or too many to
    tell): a call that gives one gives a new one each time, so no memo may stand for it."""
    return _objects_in(values, built_before) is None


def _objects_in(values: Iterable[Value], built_before: int) -> set[int] | None:
    """The ids of every object the values hold, themselves included (None: too many, or
    one was built from ``built_before`` on)."""
    seen: set[int] = set()
    for value in _reached(values):
        if isinstance(value, InstanceVal):
            seen.add(id(value))
            if len(seen) > _NODE_LIMIT or value.serial >= built_before:
                return None
    return seen


def _reached(values: Iterable[Value]) -> Iterator[Value]:
    """Every value the values hold, through objects' attributes, tuples and bound methods'
    receivers (each object once)."""
    seen: set[int] = set()
    pending = list(values)
    while pending:
        value = pending.pop()
        if isinstance(value, InstanceVal):
            if id(value) in seen:
                continue
            seen.add(id(value))
            pending.extend(value.attributes.values())
        elif isinstance(value, TupleVal):
            pending.extend(value.items)
        elif isinstance(value, BoundMethodVal):
            pending.append(value.receiver)
        yield value


def fresh_copy(instance: InstanceVal) -> InstanceVal:
    """A copy of an object built alone, each object it holds copied once (two attributes
    holding one object hold one copy)."""
    copied = copy_value(instance)
    assert isinstance(copied, InstanceVal)
    return copied


def copy_objects(
    value: Value,
    copies: dict[int, InstanceVal],
    leaf: Callable[[Value], Value] | None = None,
    code: Callable[[Value], Value] | None = None,
) -> Value:
    """A value with each object it holds (through tuples, attributes and bound methods)
    copied once: ``copies`` holds the copies made so far, by the original's id, so that
    values copied with one table share their copies. Every other value it holds is given
    through ``leaf`` (as it is, by default); ``code``, if given, gives each object's class
    and hooks too (a kept object of the checked file's classes, given this check's)."""
    if isinstance(value, InstanceVal):
        found = copies.get(id(value))
        if found is None:
            if code is None:
                found = InstanceVal(value.cls, {}, list(value.hooks))
            else:
                cls = code(value.cls)
                assert isinstance(cls, ClassVal)
                hooks = [replace(hook, hook=code(hook.hook)) for hook in value.hooks]
                found = InstanceVal(cls, {}, hooks)
            copies[id(value)] = found
            found.attributes.update(
                (name, copy_objects(attribute, copies, leaf, code))
                for name, attribute in value.attributes.items()
            )
        return found
    if isinstance(value, TupleVal):
        return TupleVal(tuple(copy_objects(item, copies, leaf, code) for item in value.items))
    if isinstance(value, BoundMethodVal):
        return BoundMethodVal(copy_objects(value.receiver, copies, leaf, code), value.name)
    if code is not None:
        value = code(value)
    return value if leaf is None else leaf(value)


def _holds_object(value: Value) -> bool:
    if isinstance(value, (InstanceVal, BoundMethodVal)):
        return True
    if isinstance(value, FunctionVal):
        return value.closure is not None  # a function defined in a call sees its locals
    if isinstance(value, TupleVal):
        return any(_holds_object(item) for item in value.items)
    return False


class _Walk:
    """One ``shape_of``: what is left of its budget, and what it may not name."""

    def __init__(
        self, excluded: Callable[[Value], bool] | None, origins: list[Origin | None] | None
    ) -> None:
        self.budget = _NODE_LIMIT
        self.excluded = excluded
        self.origins = origins

    def shape(self, value: Value, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0 or depth > _DEPTH_LIMIT:
            raise _Unnamed
        if isinstance(value, InstanceVal):
            attributes = tuple(
                (name, self.shape(attribute, depth + 1))
                for name, attribute in value.attributes.items()
            )
            return (_INSTANCE, self.named(value.cls), attributes, tuple(value.hooks))
        if isinstance(value, TensorVal):
            # as the identity key reads a tensor: its origin is where it came from, not what
            # it is
            if self.origins is not None:
                self.origins.append(value.origin)
            return (_TENSOR, value.type, value.grad, value.spec, value.shape)
        if isinstance(value, TupleVal):
            return (_TUPLE, tuple(self.shape(item, depth + 1) for item in value.items))
        if isinstance(value, BoundMethodVal):
            return (_BOUND, self.shape(value.receiver, depth + 1), value.name)
        if isinstance(value, (ClassVal, FunctionVal)):
            return self.named(value)
        return value  # immutable, or shared by every caller (modules, meshes, axes)

    def named(self, value: Value) -> Value:
        if self.excluded is not None and self.excluded(value):
            raise _Unnamed
        return value


_INSTANCE = "instance"
_TENSOR = "tensor"
_TUPLE = "tuple"
_BOUND = "bound"
