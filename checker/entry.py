"""Entry points: what a function analysed on its own starts from.

A function or method that nothing in the workspace calls is run with *symbolic inputs*:
each parameter is a value the unseen caller supplies (``SymbolicVal``), which becomes what
its use needs (a tensor of unknown type, an axis the checker cannot name, a mesh).
Parameter annotations narrow that (``torch.Tensor``, ``ProcessGroup``, ``int``). A method
gets a ``self`` built once per class from symbolic arguments: ``__init__`` runs (or the
``__init__`` a dataclass generates; for a unittest class, ``setUpClass`` then ``setUp``),
so the attributes it sets are known to every method, each of which runs on its own copy.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from .results import Origin
from .tensortype import Root, TensorType
from .values import (
    UNKNOWN,
    ClassVal,
    FunctionVal,
    InstanceVal,
    ScalarVal,
    SymbolicVal,
    TensorSeqVal,
    TensorVal,
    TupleVal,
    Value,
)

# Methods a unittest class runs before each test, in this order.
SETUP_METHODS = ("setUpClass", "setUp")
# the methods that build an instance: a method analysed on its own runs on the ``self`` they build
BUILDS_ORDER = ("__init__", *SETUP_METHODS)  # the order they run in to build ``self``
BUILDS_SELF = frozenset(BUILDS_ORDER)
_TENSOR_ANNOTATIONS = ("Tensor", "Parameter")
_OTHER_ANNOTATIONS = ("ProcessGroup", "DeviceMesh", "MeshAxis", "Module", "Config")
_NUMBER_ANNOTATIONS = frozenset({"int", "float", "complex"})
_SCALAR_ANNOTATIONS = frozenset({"bool", "str", "None"})


def root_of(function: FunctionVal, name: str) -> Root:
    """The identity of one parameter of one function."""
    return Root(f"{function.qualname}.{name}", name)


def parameter_value(function: FunctionVal, arg: ast.arg, mesh: tuple[str, ...] | None) -> Value:
    """What the unseen caller passes for a parameter, as far as its annotation says."""
    root = root_of(function, arg.arg)
    kind = _annotation_kind(arg.annotation)
    if kind == "tensor":
        origin = Origin(function.unit.span(arg), f"parameter `{arg.arg}`, from the caller")
        return TensorVal(TensorType.of_root(root, mesh), None, origin)
    if kind == "number":
        return ScalarVal(None)
    if kind == "scalar":
        return UNKNOWN
    return SymbolicVal(root, False if kind == "other" else None)


def _annotation_kind(annotation: ast.expr | None) -> str | None:
    if annotation is None:
        return None
    text = ast.unparse(annotation)
    if " | None" in text or text.startswith(("Optional[", "typing.Optional[")):
        return None  # may be None: the caller may pass nothing
    last = text.rsplit(".", 1)[-1]
    if last in _NUMBER_ANNOTATIONS:
        return "number"
    if last in _SCALAR_ANNOTATIONS:
        return "scalar"
    if any(last.endswith(t) for t in _TENSOR_ANNOTATIONS):
        return "tensor"
    if any(last.endswith(t) for t in _OTHER_ANNOTATIONS):
        return "other"
    return None


def entry_arguments(
    function: FunctionVal,
    mesh: tuple[str, ...] | None,
    receiver: Callable[[ClassVal], Value],
    declared: tuple[Value, ...] = (),
    contract_leaf: Callable[[Value], Value | None] | None = None,
    own_class: Value | None = None,
) -> tuple[list[Value], dict[str, Value]]:
    """The arguments an entry point runs with: the receiver for a method's first parameter
    (``receiver(cls)``; a classmethod's ``cls`` is ``own_class`` when given, else the class
    that defines it), a declared input type where a contract gives one, else what the
    caller passes."""
    node = function.node
    positional = [*node.args.posonlyargs, *node.args.args]
    first_default = len(positional) - len(function.defaults)
    args: list[Value] = []
    for index, arg in enumerate(positional):
        if index == 0 and function.owner is not None and not _is_static(node):
            if _is_classmethod(node):
                args.append(own_class if own_class is not None else function.owner)
            else:
                args.append(receiver(function.owner))
            continue
        leaf = declared[index] if index < len(declared) else None
        typed = contract_leaf(leaf) if leaf is not None and contract_leaf is not None else None
        default = function.defaults[index - first_default] if index >= first_default else None
        args.append(typed if typed is not None else _passed(function, arg, mesh, default))
    kwargs = {
        arg.arg: _passed(function, arg, mesh, function.kw_defaults.get(arg.arg))
        for arg in node.args.kwonlyargs
    }
    return args, kwargs


def _passed(
    function: FunctionVal, arg: ast.arg, mesh: tuple[str, ...] | None, default: Value | None
) -> Value:
    """What the caller passes for a parameter: a number where the default is one (``eps=1e-6``
    is a number whatever the caller picks), else what its annotation allows."""
    if isinstance(default, ScalarVal) and arg.annotation is None:
        return ScalarVal(None)
    return parameter_value(function, arg, mesh)


def _is_static(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)


def _is_classmethod(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "classmethod" for d in node.decorator_list)


def is_classmethod(function: FunctionVal) -> bool:
    return _is_classmethod(function.node)


def is_test_module(path: str) -> bool:
    """A file pytest collects tests from by default (``test_*.py``, ``*_test.py``), or its
    fixtures' ``conftest.py``."""
    name = PurePath(path).name
    return (name.startswith("test_") or name.endswith("_test.py")) or name == "conftest.py"


def is_test_class(node: ast.ClassDef, path: str) -> bool:
    """A pytest test class: ``class TestX:`` with no base, in a test module."""
    return not node.bases and node.name.startswith("Test") and is_test_module(path)


def runs_under_test_runner(function: FunctionVal, path: str) -> bool:
    """A module-level function that pytest runs itself, a ``test_*`` function or a fixture
    of a test module: it runs under nothing but what it enters (pytest enters no
    ``typecheck()``), not under a training step's."""
    if function.owner is not None or not is_test_module(path):
        return False
    fixture = any("fixture" in ast.unparse(d) for d in function.node.decorator_list)
    return function.node.name.startswith("test") or fixture


def receiver(
    template: InstanceVal, mesh: tuple[str, ...] | None, declared: Callable[[Value], bool]
) -> InstanceVal:
    """The ``self`` a method analysed on its own runs on: a copy of the object its class's
    ``__init__`` built (a method must not change what the next one sees), holding what the
    unseen caller's code may have left in it. Its groups, meshes, numbers and sub-objects
    are as built, and so are the tensors whose type the code that built it stated
    (``declared``: ``assert_type`` in ``__init__``); its other tensors are not: a framework
    annotates parameters after construction (``assert_type`` in a parallelize step) or
    replaces them (``parallelize_module``, FSDP), so each is a tensor of unknown type, the
    same one at every read."""
    return _copy_instance(template, "self", _ReceiverCopy(mesh, declared, {}))


@dataclass
class _ReceiverCopy:
    mesh: tuple[str, ...] | None
    declared: Callable[[Value], bool]
    memo: dict[int, InstanceVal]


def _copy_instance(instance: InstanceVal, path: str, copy: _ReceiverCopy) -> InstanceVal:
    if id(instance) in copy.memo:
        return copy.memo[id(instance)]
    copied = InstanceVal(instance.cls, {}, list(instance.hooks))
    copy.memo[id(instance)] = copied
    for name, value in instance.attributes.items():
        copied.attributes[name] = _copy_value(value, f"{path}.{name}", instance.cls, copy)
    return copied


def _copy_value(value: Value, path: str, cls: ClassVal, copy: _ReceiverCopy) -> Value:
    if isinstance(value, InstanceVal):
        return _copy_instance(value, path, copy)
    if isinstance(value, TupleVal):
        return TupleVal(
            tuple(
                _copy_value(item, f"{path}[{i}]", cls, copy) for i, item in enumerate(value.items)
            )
        )
    if isinstance(value, TensorVal) and not copy.declared(value):
        root = Root(f"{cls.qualname}.{path}", path)
        where = value.origin.span if value.origin is not None else None
        origin = (
            Origin(where, f"`{path}`, as the code that built the object left it")
            if where is not None
            else None
        )
        return TensorVal(TensorType.of_root(root, copy.mesh), None, origin, value.ndim)
    if isinstance(value, TensorSeqVal):
        element = _copy_value(value.element, f"{path}[...]", cls, copy)
        return TensorSeqVal(element) if isinstance(element, TensorVal) else value
    return value


_ORDERS: dict[tuple[tuple[str, bool, frozenset[str]], ...], list[int]] = {}


def entry_order(functions: list[FunctionVal]) -> list[FunctionVal]:
    """Functions in the order to analyse them on their own: the methods that build ``self``
    first (each in its own analysis, so a re-check that replays them does not rebuild every
    class's ``self``), then those no other function names (they are the entry points; what
    they call is analysed in their context), then the rest. Memoised by what decides it (a
    keystroke inside a body seldom changes who names whom)."""
    key = tuple((f.node.name, f.owner is not None, f.mentions()) for f in functions)
    order = _ORDERS.get(key)
    if order is None:
        order = _entry_order(key, _mentioned_by(key))
        if len(_ORDERS) > 16:
            _ORDERS.clear()
        _ORDERS[key] = order
    return [functions[i] for i in order]


_Key = tuple[tuple[str, bool, frozenset[str]], ...]
# the last count of who mentions what, and the key it counts: a keystroke changes one
# function's mentions, and recounting a large module's every function was most of this
_LAST_COUNT: list[tuple[_Key, Counter[str]]] = []


def _mentioned_by(key: _Key) -> Counter[str]:
    """How many functions mention each name: the last count, updated by the functions whose
    mentions differ (the same sets, shared across checks, are compared by identity)."""
    last = _LAST_COUNT[0] if _LAST_COUNT else None
    if last is not None and len(last[0]) == len(key):
        before, counted = last
        changed = [i for i in range(len(key)) if key[i][2] is not before[i][2]]
        if len(changed) * 4 < len(key):
            counted = counted.copy()
            for i in changed:
                counted.subtract(before[i][2])
                counted.update(key[i][2])
            _LAST_COUNT[:] = [(key, counted)]
            return counted
    counted = Counter()
    for _, _, mentions in key:
        counted.update(mentions)
    _LAST_COUNT[:] = [(key, counted)]
    return counted


def _entry_order(key: _Key, mentioned_by: Counter[str]) -> list[int]:
    """Indices: the methods that build ``self``, then the functions no other one names (a
    function naming itself is a recursive call), then the rest, each in module order."""
    builds: list[int] = []
    entries: list[int] = []
    called: list[int] = []
    for i, (name, owned, mentions) in enumerate(key):
        if owned and name in BUILDS_SELF:
            builds.append(i)
        elif mentioned_by[name] > (name in mentions):
            called.append(i)
        else:
            entries.append(i)
    return builds + entries + called
